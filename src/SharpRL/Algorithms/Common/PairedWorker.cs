using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace SharpRL.Algorithms.Common;

/// <summary>
/// Runs two independent pieces of work at once: one on the calling thread, one on a dedicated
/// worker thread. Built for updates where the policy and value networks share no parameters, so
/// their passes can overlap without changing any result. The pieces are short (tens of µs, many
/// thousands per second), so both sides hand over by spinning on a counter; the worker blocks only
/// after <see cref="IdleSpin"/> without work (between rollouts). On a single-core machine both run
/// on the caller, in order. Not thread-safe: one caller at a time.
/// </summary>
public sealed class PairedWorker : IDisposable
{
    /// <summary>How long the idle worker spins before it blocks.</summary>
    public static readonly TimeSpan IdleSpin = TimeSpan.FromMicroseconds(200);

    private static readonly long IdleSpinTicks = (long)(IdleSpin.TotalSeconds * Stopwatch.Frequency);

    private readonly Thread? _thread;
    private readonly SemaphoreSlim _wake = new(0);
    private Action? _remote;
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

    /// <summary>Runs <paramref name="local"/> here and <paramref name="remote"/> on the worker; returns when both finished.</summary>
    public void Run(Action local, Action remote)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(remote);
        ObjectDisposedException.ThrowIf(_stopping, this);
        if (_thread is null)
        {
            local();
            remote();
            return;
        }

        _remote = remote;
        _remoteFailure = null;
        int request = Interlocked.Increment(ref _requested);

        // The full fence of the increment orders it before this read: a worker that announced
        // sleep before seeing the request gets woken; one that announces after will see it.
        if (Volatile.Read(ref _sleeping) == 1)
        {
            _wake.Release();
        }

        try
        {
            local();
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
                _remote!();
            }
            catch (Exception e)
            {
                _remoteFailure = ExceptionDispatchInfo.Capture(e);
            }

            Volatile.Write(ref _completed, request);
        }
    }
}
