using SharpRL.Logging;

namespace SharpRL.Tests.Logging;

public class CsvMetricsSinkTests
{
    [Fact]
    public void Write_AwkwardDoubles_ParseBackBitIdentical()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "progress.csv");
        double[] values = [0.1, 1.0 / 3.0, 1e-300, -2.5e10, 123456789012345678, double.Epsilon, double.MaxValue, -0.0, 2048];
        using (var sink = new CsvMetricsSink(path))
        {
            foreach (double value in values)
            {
                sink.Write(0, [new("train/x", value)]);
            }
        }

        string[] lines = File.ReadAllLines(path);
        Assert.Equal("train/x", lines[0]);
        Assert.Equal(values.Length + 1, lines.Length);
        for (int i = 0; i < values.Length; i++)
        {
            Assert.True(CsvMetricsSink.TryParseValue(lines[i + 1], out double parsed), $"cannot parse '{lines[i + 1]}'");
            Assert.Equal(BitConverter.DoubleToInt64Bits(values[i]), BitConverter.DoubleToInt64Bits(parsed));
        }

        Assert.Equal("2048", lines[^1]);
        Assert.Equal("0.1", lines[1]);
    }

    [Fact]
    public void Write_NonFinite_WrittenAsPythonSpellings()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "progress.csv");
        using (var sink = new CsvMetricsSink(path))
        {
            sink.Write(0, [new("a", double.NaN), new("b", double.PositiveInfinity), new("c", double.NegativeInfinity)]);
        }

        Assert.Equal(["a,b,c", "nan,inf,-inf"], File.ReadAllLines(path));
        Assert.True(CsvMetricsSink.TryParseValue("nan", out double nan) && double.IsNaN(nan));
        Assert.True(CsvMetricsSink.TryParseValue("-inf", out double negativeInfinity) && double.IsNegativeInfinity(negativeInfinity));
        Assert.False(CsvMetricsSink.TryParseValue("", out _));
    }

    [Fact]
    public void Write_KeyAppearsLater_RewritesHeaderAndPadsEarlierRows()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "progress.csv");
        using (var logger = new MetricsLogger(new CsvMetricsSink(path)))
        {
            // First-dump keys are sorted, as SB3 sorts the keys it adds.
            logger.Record(MetricKeys.TotalTimesteps, 100);
            logger.Record(MetricKeys.EpisodeRewardMean, 1.5);
            logger.Dump(100);
            logger.Record(MetricKeys.TotalTimesteps, 200);
            logger.Record(MetricKeys.ApproxKl, 0.25);
            logger.Record(MetricKeys.ClipFraction, 0.125);
            logger.Dump(200);
            logger.Record(MetricKeys.EpisodeRewardMean, 3);
            logger.Dump(300);
        }

        Assert.Equal(
            [
                "rollout/ep_rew_mean,time/total_timesteps,train/approx_kl,train/clip_fraction",
                "1.5,100,,",
                ",200,0.25,0.125",
                "3,,,",
            ],
            File.ReadAllLines(path));
        Assert.Equal(["progress.csv"], Directory.GetFiles(directory.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_KeyWithComma_QuotedInHeader()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "progress.csv");
        using (var sink = new CsvMetricsSink(path))
        {
            sink.Write(0, [new("a,\"b\"", 1)]);
        }

        Assert.Equal("\"a,\"\"b\"\"\"", File.ReadAllLines(path)[0]);
    }

    [Fact]
    public void Write_TwoIdenticalRuns_ByteIdenticalFiles()
    {
        using var directory = new TempDirectory();
        string first = Path.Combine(directory.Path, "a", "progress.csv");
        string second = Path.Combine(directory.Path, "b", "progress.csv");
        foreach (string path in new[] { first, second })
        {
            using var logger = new MetricsLogger(new CsvMetricsSink(path));
            for (int update = 1; update <= 5; update++)
            {
                logger.Record(MetricKeys.ValueLoss, 1.0 / update);
                logger.Record(MetricKeys.LearningRate, 3e-4 * (1 - (update / 10.0)));
                if (update > 2)
                {
                    logger.Record(MetricKeys.EpisodeLengthMean, update * 7.25);
                }

                logger.Dump(update * 2048);
            }
        }

        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
    }
}
