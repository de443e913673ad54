using SharpRL.Nn.Kernels;

namespace SharpRL.Algorithms.Common;

/// <summary>
/// Runs two independent functions at once and returns both results: arguments go in as a value and
/// results come out as values, so no state is handed over through fields of the caller. Built for
/// updates where the policy and value networks share no parameters, so their passes can overlap without
/// changing any result. The pair is a two-chunk job of a <see cref="SplitWorker"/>: the caller starts on
/// the first function while the helper thread claims the second, and when the helper is late (asleep, or
/// descheduled on shared cores) the caller runs the second too instead of waiting for it. Which thread
/// ran which function never changes a result. On a single-core machine both run on the caller, in order.
/// Not thread-safe: one caller at a time. Between its own pairs it can also take half the rows of the
/// caller's matrix products (<see cref="Gemm.SplitWith"/>), so a serial pass keeps both cores busy
/// without a third thread.
/// </summary>
public sealed class PairedWorker : IDisposable, IGemmPartner
{
    private readonly SplitWorker _split;

    // One job object per (state, results) type triple, so that callers alternating between pair types
    // allocate nothing after the first call of each.
    private PairJob[] _jobs = [];

    /// <summary>Starts the helper thread (none when the process has a single core).</summary>
    public PairedWorker(string name)
    {
        _split = new SplitWorker(name);
    }

    /// <summary>Whether the two functions can really run concurrently.</summary>
    public bool IsConcurrent => _split.IsConcurrent;

    /// <summary>
    /// Computes <c>local(state)</c> and <c>remote(state)</c>, the first on this thread, the second on the helper
    /// unless this thread gets to it first, and returns both once both finished. Pass static lambdas and put
    /// what they need in <paramref name="state"/>: then a call allocates nothing after the first with these types.
    /// </summary>
    /// <typeparam name="TState">The arguments both functions read (a tuple, say).</typeparam>
    /// <typeparam name="TLocal">What <paramref name="local"/> returns.</typeparam>
    /// <typeparam name="TRemote">What <paramref name="remote"/> returns.</typeparam>
    public (TLocal Local, TRemote Remote) Run<TState, TLocal, TRemote>(TState state, Func<TState, TLocal> local, Func<TState, TRemote> remote)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remote);
        PairJob<TState, TLocal, TRemote> job = FindJob<TState, TLocal, TRemote>();
        job.Set(state, local, remote);
        try
        {
            _split.Run(job, 2);
            return job.Results;
        }
        finally
        {
            job.Clear();
        }
    }

    /// <inheritdoc />
    void IGemmPartner.RunSplit(in GemmTask task, int split) => ((IGemmPartner)_split).RunSplit(task, split);

    /// <inheritdoc />
    public void Dispose() => _split.Dispose();

    private PairJob<TState, TLocal, TRemote> FindJob<TState, TLocal, TRemote>()
    {
        foreach (PairJob candidate in _jobs)
        {
            if (candidate is PairJob<TState, TLocal, TRemote> found)
            {
                return found;
            }
        }

        var job = new PairJob<TState, TLocal, TRemote>();
        _jobs = [.. _jobs, job];
        return job;
    }

    private abstract class PairJob : SplitJob;

    /// <summary>Chunk 0 is the local function, chunk 1 the remote one; each writes only its own result.</summary>
    private sealed class PairJob<TState, TLocal, TRemote> : PairJob
    {
        private TState? _state;
        private Func<TState, TLocal>? _local;
        private Func<TState, TRemote>? _remote;
        private TLocal? _localResult;
        private TRemote? _remoteResult;

        public (TLocal, TRemote) Results => (_localResult!, _remoteResult!);

        public void Set(TState state, Func<TState, TLocal> local, Func<TState, TRemote> remote)
        {
            (_state, _local, _remote) = (state, local, remote);
        }

        public override void Execute(int chunk)
        {
            if (chunk == 0)
            {
                _localResult = _local!(_state!);
            }
            else
            {
                _remoteResult = _remote!(_state!);
            }
        }

        public void Clear() => (_state, _local, _remote, _localResult, _remoteResult) = (default, null, null, default, default);
    }
}
