using System.Runtime.ExceptionServices;

namespace SharpRL.Nn.Kernels;

/// <summary>
/// One piece of work cut into numbered chunks that may run on either of two threads, in any order:
/// chunks must be independent (disjoint outputs, no shared scratch other than per-thread buffers).
/// </summary>
internal abstract class SplitJob
{
    /// <summary>Computes chunk <paramref name="chunk"/>.</summary>
    public abstract void Execute(int chunk);
}

/// <summary>
/// The calling thread plus one persistent helper thread sharing the chunks of a <see cref="SplitJob"/>:
/// both claim chunks from one atomic counter, so when the helper is late (asleep, or descheduled because
/// the cores are shared with other processes) the caller simply takes its chunks too and never waits for
/// a chunk nobody started. Chunks are independent and each is computed exactly as it would be alone, so
/// the result does not depend on which thread ran which chunk. Nothing is allocated per call.
/// </summary>
/// <remarks>
/// The claim word packs (generation, chunk count, next chunk) into one 64-bit value, so the helper's
/// claim and the job it belongs to are read atomically: a helper waking up after its job finished
/// claims an index at or past that job's count and does nothing, or a valid chunk of the next job,
/// whose fields were written before the word that announced it. The helper spins for
/// <see cref="IdleSpin"/> between jobs (yielding the core to other runnable threads as it does), then
/// blocks. Not thread-safe: one caller at a time, and jobs do not nest.
/// </remarks>
internal sealed class SplitWorker : IDisposable, IGemmPartner
{
    /// <summary>How long the idle helper polls for the next job before it blocks.</summary>
    public static readonly TimeSpan IdleSpin = TimeSpan.FromMicroseconds(200);

    private static readonly long IdleSpinTicks = (long)(IdleSpin.TotalSeconds * Stopwatch.Frequency);

    private readonly Thread? _thread;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly GemmSplitJob _gemmJob = new();
    private SplitJob? _job;
    private ExceptionDispatchInfo? _remoteFailure;

    // Bits 40..63: generation; 32..39: chunk count; 0..31: next chunk to claim.
    private long _claim;
    private int _done;
    private int _sleeping;
    private int _generation;
    private volatile bool _stopping;

    /// <summary>Starts the helper thread (none on a single-core machine: then every chunk runs on the caller).</summary>
    public SplitWorker(string name)
    {
        if (Environment.ProcessorCount < 2)
        {
            return;
        }

        _thread = new Thread(Loop) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>The most chunks one job may have.</summary>
    public const int MaxChunks = 255;

    /// <summary>Whether a helper thread exists.</summary>
    public bool IsConcurrent => _thread is not null;

    /// <summary>
    /// Runs chunks 0 … <paramref name="chunks"/> − 1 of <paramref name="job"/> on this thread and the helper and
    /// returns when all are done; an exception from either thread is rethrown here after every claimed chunk ended.
    /// </summary>
    public void Run(SplitJob job, int chunks)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunks);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunks, MaxChunks);
        ObjectDisposedException.ThrowIf(_stopping, this);
        if (_thread is null || chunks == 1)
        {
            for (int i = 0; i < chunks; i++)
            {
                job.Execute(i);
            }

            return;
        }

        _job = job;
        _remoteFailure = null;
        Volatile.Write(ref _done, 0);
        int generation = (_generation + 1) & 0xFFFFFF;
        _generation = generation;

        // The exchange (a full fence) publishes the job fields above together with the new claim word.
        Interlocked.Exchange(ref _claim, Pack(generation, chunks, 0));
        if (Volatile.Read(ref _sleeping) == 1)
        {
            _wake.Release();
        }

        try
        {
            while (TryClaim(generation, out int chunk))
            {
                try
                {
                    job.Execute(chunk);
                }
                finally
                {
                    Interlocked.Increment(ref _done);
                }
            }
        }
        finally
        {
            // After a failure here, chunks nobody claimed yet are dropped (counted as done) so that the
            // wait below ends; the helper may still be computing a chunk it claimed, and its operands
            // must outlive it.
            CancelUnclaimed(generation);
            var spinner = default(SpinWait);
            while (Volatile.Read(ref _done) != chunks)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            _job = null;
        }

        _remoteFailure?.Throw();
    }

    /// <inheritdoc />
    void IGemmPartner.RunSplit(in GemmTask task, int split)
    {
        _gemmJob.Task = task;
        _gemmJob.Split = split;
        try
        {
            Run(_gemmJob, 2);
        }
        finally
        {
            _gemmJob.Task = default;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        _wake.Release();
        _thread?.Join();
        _wake.Dispose();
    }

    private static long Pack(int generation, int chunks, int next) => ((long)generation << 40) | ((long)chunks << 32) | (uint)next;

    /// <summary>
    /// Takes the next chunk of <paramref name="generation"/>'s job, or returns false when it has none left or
    /// the claim word already belongs to another job (whose chunks are not this caller's to take: a helper
    /// that read a stale job must not use up a claim of the next one).
    /// </summary>
    private bool TryClaim(int generation, out int chunk)
    {
        while (true)
        {
            long claim = Volatile.Read(ref _claim);
            chunk = (int)(claim & 0xFFFFFFFF);
            int count = (int)((claim >> 32) & 0xFF);
            if ((int)(claim >> 40) != generation || chunk >= count)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _claim, claim + 1, claim) == claim)
            {
                return true;
            }
        }
    }

    private void CancelUnclaimed(int generation)
    {
        while (true)
        {
            long claim = Volatile.Read(ref _claim);
            int next = (int)(claim & 0xFFFFFFFF);
            int count = (int)((claim >> 32) & 0xFF);
            if ((int)(claim >> 40) != generation || next >= count)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _claim, Pack(generation, count, count), claim) == claim)
            {
                Interlocked.Add(ref _done, count - next);
                return;
            }
        }
    }

    /// <summary>The helper's share: chunks of the job it saw announced, failures kept for the caller.</summary>
    private void RunHelperChunks(SplitJob job, int generation)
    {
        while (TryClaim(generation, out int chunk))
        {
            try
            {
                job.Execute(chunk);
            }
            catch (Exception e)
            {
                _remoteFailure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                Interlocked.Increment(ref _done);
            }
        }
    }

    private void Loop()
    {
        int seen = 0;
        while (!_stopping)
        {
            long idleSince = Stopwatch.GetTimestamp();
            int generation;
            int polls = 0;
            while ((generation = (int)(Volatile.Read(ref _claim) >> 40)) == seen)
            {
                if (_stopping)
                {
                    return;
                }

                if (Stopwatch.GetTimestamp() - idleSince < IdleSpinTicks)
                {
                    // Mostly pause instructions; now and then give the core to another runnable thread,
                    // so that a helper with nothing to do does not hold back the caller on a shared core.
                    if (++polls % 16 == 0)
                    {
                        Thread.Yield();
                    }
                    else
                    {
                        Thread.SpinWait(16);
                    }

                    continue;
                }

                Interlocked.Exchange(ref _sleeping, 1);
                if ((int)(Volatile.Read(ref _claim) >> 40) == seen && !_stopping)
                {
                    _wake.Wait();
                }

                Interlocked.Exchange(ref _sleeping, 0);
                idleSince = Stopwatch.GetTimestamp();
            }

            seen = generation;

            // The job field is written before the claim word that announced this generation; a claim of a
            // later generation (the caller already finished this one and started another) is left alone.
            SplitJob? job = Volatile.Read(ref _job);
            if (job is not null)
            {
                RunHelperChunks(job, generation);
            }
        }
    }

    /// <summary>The two halves of a split product (<see cref="Gemm.SplitWith"/>): [0, split) and [split, extent).</summary>
    private sealed unsafe class GemmSplitJob : SplitJob
    {
        public GemmTask Task;
        public int Split;

        public override void Execute(int chunk)
        {
            if (chunk == 0)
            {
                Task.ComputeRange(Task, 0, Split);
            }
            else
            {
                Task.ComputeRange(Task, Split, Task.Extent);
            }
        }
    }
}
