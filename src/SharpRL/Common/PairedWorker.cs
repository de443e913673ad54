using System.Runtime.ExceptionServices;

namespace SharpRL.Common;

/// <summary>
/// Runs two independent pieces of work at once: one on the calling thread, one on a dedicated
/// worker thread that waits between calls (a brief spin, then a block). Built for the PPO-style
/// update where the policy and value networks share no parameters, so their passes can overlap
/// without changing any result. On a single-core machine both run on the caller, in order.
/// Not thread-safe: one caller at a time.
/// </summary>
public sealed class PairedWorker : IDisposable
{
    private readonly Thread? _thread;
    private readonly ManualResetEventSlim _start = new(false, spinCount: 2000);
    private readonly ManualResetEventSlim _done = new(false, spinCount: 2000);
    private Action? _remote;
    private ExceptionDispatchInfo? _remoteFailure;
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
        _done.Reset();
        _start.Set();
        try
        {
            local();
        }
        finally
        {
            _done.Wait();
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
        _start.Set();
        _thread?.Join();
        _start.Dispose();
        _done.Dispose();
    }

    private void Loop()
    {
        while (true)
        {
            _start.Wait();
            _start.Reset();
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

            _done.Set();
        }
    }
}
