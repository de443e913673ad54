namespace SharpRL.Tests;

/// <summary>Bytes a piece of code allocates on the calling thread once it is past the warm-up.</summary>
internal static class SteadyStateAllocation
{
    /// <summary>
    /// Runs <paramref name="window"/> in rounds until one allocates nothing on this thread (at most
    /// <paramref name="rounds"/>) and returns the last round's bytes. One-time work of the runtime lands on
    /// the calling thread at moments no test controls: tiered JIT promoting a method, and under load the first
    /// time a wait takes a slower path (CI once saw 7,456 bytes in one of EnvPool's windows). An allocation
    /// per call, per step or per episode end happens in every round, so it still fails the test.
    /// </summary>
    public static long Measure(Action window, int rounds = 20)
    {
        long allocated = long.MaxValue;
        for (int round = 0; round < rounds && allocated != 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            window();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated != 0)
            {
                // Lets the background tiering thread finish what this round queued.
                Thread.Sleep(20);
            }
        }

        return allocated;
    }
}
