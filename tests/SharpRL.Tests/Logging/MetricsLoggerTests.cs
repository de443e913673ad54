using SharpRL.Logging;

namespace SharpRL.Tests.Logging;

public class MetricsLoggerTests
{
    [Fact]
    public void Dump_RecordedValues_ReachEverySinkInFirstRecordedOrder()
    {
        var first = new MemoryMetricsSink();
        var second = new MemoryMetricsSink();
        using var logger = new MetricsLogger(first, second);
        logger.Record(MetricKeys.ValueLoss, 1);
        logger.Record(MetricKeys.ApproxKl, 2);
        logger.Record(MetricKeys.ValueLoss, 3);
        logger.Dump(64);

        foreach (MemoryMetricsSink sink in new[] { first, second })
        {
            MetricsSnapshot snapshot = Assert.Single(sink.Snapshots);
            Assert.Equal(64, snapshot.Step);
            Assert.Equal(3, snapshot.Values[MetricKeys.ValueLoss]);
            Assert.Equal(2, snapshot.Values[MetricKeys.ApproxKl]);
        }

        Assert.Empty(logger.Pending);
    }

    [Fact]
    public void Record_SameKeyTwice_KeepsFirstPositionAndLastValue()
    {
        using var logger = new MetricsLogger();
        logger.Record("a", 1);
        logger.Record("b", 2);
        logger.Record("a", 5);
        Assert.Equal([new("a", 5.0), new("b", 2.0)], logger.Pending);
    }

    [Fact]
    public void RecordMean_FourSamples_DumpsTheirMean()
    {
        var sink = new MemoryMetricsSink();
        using var logger = new MetricsLogger(sink);
        foreach (double loss in new[] { 1.0, 2.0, 4.0, 9.0 })
        {
            logger.RecordMean(MetricKeys.Loss, loss);
        }

        logger.Dump(1);
        logger.RecordMean(MetricKeys.Loss, 10);
        logger.Dump(2);
        Assert.Equal([(1L, 4.0), (2L, 10.0)], sink.Series(MetricKeys.Loss));
    }

    [Fact]
    public void TryGetValue_AfterDump_IsEmpty()
    {
        using var logger = new MetricsLogger();
        logger.Record(MetricKeys.Fps, 100);
        Assert.True(logger.TryGetValue(MetricKeys.Fps, out double fps));
        Assert.Equal(100, fps);
        logger.Dump(1);
        Assert.False(logger.TryGetValue(MetricKeys.Fps, out double missing));
        Assert.True(double.IsNaN(missing));
    }

    [Fact]
    public void Dump_NothingRecorded_SinksNotCalled()
    {
        var sink = new MemoryMetricsSink();
        using var logger = new MetricsLogger(sink);
        logger.Dump(1);
        Assert.Empty(sink.Snapshots);
    }

    [Fact]
    public void Dispose_Logger_DisposesSinksOnce()
    {
        var sink = new CountingSink();
        var logger = new MetricsLogger(sink);
        logger.Dispose();
        logger.Dispose();
        Assert.Equal(1, sink.Disposals);
        Assert.Throws<ObjectDisposedException>(() => logger.Dump(0));
    }

    [Fact]
    public void RecordAndDump_SteadyState_AllocateNothing()
    {
        var sink = new CountingSink();
        using var logger = new MetricsLogger(sink);
        void Update(long step)
        {
            logger.Record(MetricKeys.ApproxKl, step);
            logger.Record(MetricKeys.ClipFraction, 0.1);
            logger.RecordMean(MetricKeys.Loss, 0.5);
            logger.RecordMean(MetricKeys.Loss, 0.7);
            logger.Dump(step);
        }

        Update(0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 1; i <= 100; i++)
        {
            Update(i);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(101, sink.Writes);
    }

    [Fact]
    public void Record_EmptyKey_Throws()
    {
        using var logger = new MetricsLogger();
        Assert.Equal("key", Assert.Throws<ArgumentException>(() => logger.Record("", 1)).ParamName);
    }

    private sealed class CountingSink : IMetricsSink
    {
        public int Writes { get; private set; }

        public int Disposals { get; private set; }

        public void Write(long step, IReadOnlyList<KeyValuePair<string, double>> metrics) => Writes++;

        public void Flush()
        {
        }

        public void Dispose() => Disposals++;
    }
}
