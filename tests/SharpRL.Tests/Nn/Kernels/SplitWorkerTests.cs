using SharpRL.Nn.Kernels;

namespace SharpRL.Tests.Nn.Kernels;

public class SplitWorkerTests
{
    [Fact]
    public void Run_ManyJobs_EveryChunkRunsExactlyOnce()
    {
        using var worker = new SplitWorker("split worker test");
        var job = new CountingJob(8);
        int[] expected = new int[8];
        for (int round = 1; round <= 20_000; round++)
        {
            int chunks = 1 + (round % 8);
            worker.Run(job, chunks);
            for (int i = 0; i < chunks; i++)
            {
                expected[i]++;
            }

            for (int i = 0; i < 8; i++)
            {
                Assert.True(job.Runs[i] == expected[i], $"round {round}: chunk {i} ran {job.Runs[i]} times, expected {expected[i]}");
            }
        }
    }

    [Fact]
    public void Run_HelperBusyOrLate_CallerTakesItsChunks()
    {
        using var worker = new SplitWorker("split worker test");

        // The first chunk the helper claims sleeps, so the caller must run every other chunk itself.
        var job = new SlowOnHelperJob(Environment.CurrentManagedThreadId, chunks: 6);
        worker.Run(job, 6);
        Assert.Equal(6, job.Completed);
        Assert.True(job.OnHelper <= 1, $"{job.OnHelper} chunks ran on the helper although it slept in its first");
    }

    [Fact]
    public void Run_ExceptionOnEitherThread_IsRethrownAfterAllChunksEnded()
    {
        using var worker = new SplitWorker("split worker test");
        var job = new ThrowingJob();
        for (int round = 0; round < 200; round++)
        {
            job.Reset();
            var failure = Assert.Throws<InvalidOperationException>(() => worker.Run(job, 4));
            Assert.Equal("chunk 2", failure.Message);
            Assert.Equal(0, Volatile.Read(ref job.Running));
        }

        // The worker is still usable afterwards.
        var counting = new CountingJob(8);
        worker.Run(counting, 8);
        Assert.All(counting.Runs, r => Assert.Equal(1, r));
    }

    private sealed class CountingJob(int size) : SplitJob
    {
        public int[] Runs { get; } = new int[size];

        public override void Execute(int chunk) => Interlocked.Increment(ref Runs[chunk]);
    }

    private sealed class SlowOnHelperJob(int callerThread, int chunks) : SplitJob
    {
        private int _completed;
        private int _onHelper;

        public int Completed => _completed;

        public int OnHelper => _onHelper;

        public override void Execute(int chunk)
        {
            if (Environment.CurrentManagedThreadId != callerThread)
            {
                Interlocked.Increment(ref _onHelper);
                Thread.Sleep(200);
            }

            Interlocked.Increment(ref _completed);
            Assert.True(chunk < chunks);
        }
    }

    private sealed class ThrowingJob : SplitJob
    {
        public int Running;

        public void Reset() => Running = 0;

        public override void Execute(int chunk)
        {
            Interlocked.Increment(ref Running);
            try
            {
                Thread.SpinWait(1000);
                if (chunk == 2)
                {
                    throw new InvalidOperationException("chunk 2");
                }
            }
            finally
            {
                Interlocked.Decrement(ref Running);
            }
        }
    }
}
