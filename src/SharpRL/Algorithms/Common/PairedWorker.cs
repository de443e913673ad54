using System.Runtime.ExceptionServices;
using SharpRL.Nn.Kernels;

namespace SharpRL.Algorithms.Common;

/// <summary>
/// Runs two independent functions at once, one on the calling thread and one on a dedicated worker
/// thread, and returns both results: arguments go in as a value and results come out as values, so
/// no state is handed over through fields of the caller. Built for updates where the policy and value
/// networks share no parameters, so their passes can overlap without changing any result. The pieces are short (tens of µs, many
/// thousands per second), so both sides hand over by spinning on a counter; the worker blocks only
/// after <see cref="IdleSpin"/> without work (between rollouts). On a single-core machine both run
/// on the caller, in order. Not thread-safe: one caller at a time. Between its own pairs it can also
/// take half the rows of the caller's matrix products (<see cref="Gemm.SplitWith"/>), so a serial pass
/// keeps both cores busy without a third thread.
/// </summary>
public sealed class PairedWorker : IDisposable, IGemmPartner
{
    /// <summary>How long the idle worker spins before it blocks.</summary>
    public static readonly TimeSpan IdleSpin = TimeSpan.FromMicroseconds(200);

    private static readonly long IdleSpinTicks = (long)(IdleSpin.TotalSeconds * Stopwatch.Frequency);

    private readonly Thread? _thread;
    private readonly SemaphoreSlim _wake = new(0);
    private RemoteJob? _job;

    // One job object per (state, result) type pair, so that callers alternating between pair types
    // (critic passes and split products, say) allocate nothing after the first call of each.
    private RemoteJob[] _jobs = [];
    private ExceptionDispatchInfo? _remoteFailure;
    private int _requested;
    private int _completed;
    private int _sleeping;
    private volatile bool _stopping;

    /// <summary>Starts the worker thread (none when the process has a single core).</summary>
    public PairedWorker(string name)
    {
        if (Environment.ProcessorCount < 2)
        {
            return;
        }

        _thread = new Thread(Loop) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Whether the two actions really run concurrently.</summary>
    public bool IsConcurrent => _thread is not null;

    /// <summary>
    /// Computes <c>local(state)</c> here and <c>remote(state)</c> on the worker and returns both once both
    /// finished (on a single core: local, then remote). Pass static lambdas and put what they need in
    /// <paramref name="state"/>: then a call allocates nothing after the first with these types.
    /// </summary>
    /// <typeparam name="TState">The arguments both functions read (a tuple, say).</typeparam>
    /// <typeparam name="TLocal">What <paramref name="local"/> returns.</typeparam>
    /// <typeparam name="TRemote">What <paramref name="remote"/> returns.</typeparam>
    public (TLocal Local, TRemote Remote) Run<TState, TLocal, TRemote>(TState state, Func<TState, TLocal> local, Func<TState, TRemote> remote)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remote);
        ObjectDisposedException.ThrowIf(_stopping, this);
        if (_thread is null)
        {
            TLocal first = local(state);
            return (first, remote(state));
        }

        if (_job is not RemoteJob<TState, TRemote> job)
        {
            job = FindJob<TState, TRemote>();
            _job = job;
        }

        job.Set(state, remote);
        _remoteFailure = null;
        int request = Interlocked.Increment(ref _requested);

        // The full fence of the increment orders it before this read: a worker that announced
        // sleep before seeing the request gets woken; one that announces after will see it.
        if (Volatile.Read(ref _sleeping) == 1)
        {
            _wake.Release();
        }

        TLocal result;
        try
        {
            result = local(state);
        }
        finally
        {
            var spinner = default(SpinWait);
            while (Volatile.Read(ref _completed) != request)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }

        _remoteFailure?.Throw();
        return (result, job.TakeResult());
    }

    /// <inheritdoc />
    unsafe void IGemmPartner.RunSplit(in GemmTask task, int split)
    {
        Run(
            (Task: task, Split: split),
            static s =>
            {
                s.Task.ComputeRange(s.Task, 0, s.Split);
                return true;
            },
            static s =>
            {
                s.Task.ComputeRange(s.Task, s.Split, s.Task.Extent);
                return true;
            });
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        Interlocked.Increment(ref _requested);
        _wake.Release();
        _thread?.Join();
        _wake.Dispose();
    }

    private RemoteJob<TState, TRemote> FindJob<TState, TRemote>()
    {
        foreach (RemoteJob candidate in _jobs)
        {
            if (candidate is RemoteJob<TState, TRemote> found)
            {
                return found;
            }
        }

        var job = new RemoteJob<TState, TRemote>();
        _jobs = [.. _jobs, job];
        return job;
    }

    private void Loop()
    {
        int seen = 0;
        while (true)
        {
            int request;
            long idleSince = Stopwatch.GetTimestamp();
            while ((request = Volatile.Read(ref _requested)) == seen)
            {
                if (Stopwatch.GetTimestamp() - idleSince < IdleSpinTicks)
                {
                    Thread.SpinWait(8);
                    continue;
                }

                Interlocked.Exchange(ref _sleeping, 1);
                if (Volatile.Read(ref _requested) == seen)
                {
                    _wake.Wait();
                }

                Interlocked.Exchange(ref _sleeping, 0);
                idleSince = Stopwatch.GetTimestamp();
            }

            seen = request;
            if (_stopping)
            {
                return;
            }

            try
            {
                _job!.Execute();
            }
            catch (Exception e)
            {
                _remoteFailure = ExceptionDispatchInfo.Capture(e);
            }

            Volatile.Write(ref _completed, request);
        }
    }

    /// <summary>The worker's half of a call: the function, its argument and, once run, its result.</summary>
    private abstract class RemoteJob
    {
        public abstract void Execute();
    }

    private sealed class RemoteJob<TState, TResult> : RemoteJob
    {
        private Func<TState, TResult>? _function;
        private TState? _state;
        private TResult? _result;

        public void Set(TState state, Func<TState, TResult> function)
        {
            _state = state;
            _function = function;
        }

        public override void Execute() => _result = _function!(_state!);

        public TResult TakeResult()
        {
            TResult result = _result!;
            (_state, _result, _function) = (default, default, null);
            return result;
        }
    }
}
