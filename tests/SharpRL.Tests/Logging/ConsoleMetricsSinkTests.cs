using SharpRL.Logging;

namespace SharpRL.Tests.Logging;

public class ConsoleMetricsSinkTests
{
    [Fact]
    public void Write_MixedGroups_PrintsSortedGroupedBoxTable()
    {
        var output = new StringWriter { NewLine = "\n" };
        using (var logger = new MetricsLogger(new ConsoleMetricsSink(output)))
        {
            logger.Record(MetricKeys.LearningRate, 0.0003);
            logger.Record(MetricKeys.TotalTimesteps, 2048);
            logger.Record(MetricKeys.ApproxKl, 0.0123456);
            logger.Record(MetricKeys.EpisodeRewardMean, 22.4375);
            logger.Dump(2048);
        }

        string expected =
            "---------------------------------\n" +
            "| rollout/           |          |\n" +
            "|    ep_rew_mean     | 22.4     |\n" +
            "| time/              |          |\n" +
            "|    total_timesteps | 2048     |\n" +
            "| train/             |          |\n" +
            "|    approx_kl       | 0.0123   |\n" +
            "|    learning_rate   | 0.0003   |\n" +
            "---------------------------------\n";
        Assert.Equal(expected, output.ToString());
    }

    [Theory]
    [InlineData(0.5, "0.5")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(1.23456e-5, "1.23e-05")]
    [InlineData(0.00012345, "0.000123")]
    [InlineData(12345.678, "1.23e+04")]
    [InlineData(999.7, "1e+03")]
    [InlineData(99.96, "100")]
    [InlineData(3.14159, "3.14")]
    [InlineData(1e20, "1e+20")]
    [InlineData(-7.0, "-7")]
    [InlineData(1_000_000.0, "1000000")]
    [InlineData(double.NaN, "nan")]
    [InlineData(double.NegativeInfinity, "-inf")]
    public void FormatValue_Value_MatchesPythonPercentPoint3g(double value, string expected)
    {
        Assert.Equal(expected, ConsoleMetricsSink.FormatValue(value));
    }

    [Fact]
    public void Dispose_CallerOwnedWriter_StaysUsable()
    {
        var output = new StringWriter();
        new ConsoleMetricsSink(output).Dispose();
        output.Write("still open");
        Assert.Equal("still open", output.ToString());
    }
}
