using SharpRL.Logging;

namespace SharpRL.Tests.Logging;

public class SinkAllocationTests
{
    [Fact]
    public void WriteAndFlush_FileSinksInSteadyState_AllocateNothing()
    {
        using var directory = new TempDirectory();
        using var tensorBoard = new TensorBoardSink(directory.Path, new FixedTimeProvider(DateTimeOffset.UnixEpoch), "h");
        using var csv = new CsvMetricsSink(Path.Combine(directory.Path, "progress.csv"));
        KeyValuePair<string, double>[] metrics =
        [
            new(MetricKeys.ApproxKl, 0.0123),
            new(MetricKeys.EpisodeRewardMean, 123.456789),
            new(MetricKeys.TotalTimesteps, 2048),
        ];

        void WriteBoth(long step)
        {
            tensorBoard.Write(step, metrics);
            tensorBoard.Flush();
            csv.Write(step, metrics);
            csv.Flush();
        }

        WriteBoth(0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int step = 1; step <= 50; step++)
        {
            WriteBoth(step);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
