using SharpRL.Experiments;
using SharpRL.Training;

namespace SharpRL.Tests.Experiments;

public class ComparisonCsvTests
{
    internal static ComparisonResult ConstructedResult()
    {
        var grid = new long[] { 100, 200 };
        var evaluation = new EvaluationResult([500.0, 500.0], [500, 500]);
        ComparisonSeedRun Run(int seed, long? threshold, double seconds, params CurvePoint[] curve) =>
            new(seed, 200, curve, [], evaluation with { Returns = [100.0 * (seed + 1), 100.0 * (seed + 1)] }, threshold, TimeSpan.FromSeconds(seconds));
        ComparisonSeedRun[] ppoRuns = [Run(0, 150, 1, new CurvePoint(100, 10), new CurvePoint(200, 480)), Run(1, null, 3, new CurvePoint(150, 20), new CurvePoint(200, 30))];
        ComparisonSeedRun[] a2cRuns = [Run(0, null, 2, new CurvePoint(200, 7)), Run(1, null, 2, new CurvePoint(200, 9))];
        return new ComparisonResult(
            "CartPole-v1",
            475,
            200,
            2,
            10,
            grid,
            [
                new AlgorithmComparison("ppo", "rl-zoo ppo.yml, CartPole-v1", ppoRuns, ComparisonCurves.Aggregate(ppoRuns.Select(r => r.TrainingCurve).ToList(), grid), null),
                new AlgorithmComparison("a2c", "rl-zoo a2c.yml", a2cRuns, ComparisonCurves.Aggregate(a2cRuns.Select(r => r.TrainingCurve).ToList(), grid), null),
            ]);
    }

    [Fact]
    public void TrainingCurves_ConstructedResult_HeaderThenOneRowPerAlgorithmAndGridStep()
    {
        string csv = ComparisonCsv.TrainingCurves(ConstructedResult());

        Assert.Equal(
            "algorithm,timesteps,mean_return,std_return,min_return,max_return,seeds\n"
            + "ppo,100,10,0,10,10,1\n"
            + "ppo,200,255,225,30,480,2\n"
            + "a2c,100,,,,,0\n"
            + "a2c,200,8,1,7,9,2\n",
            csv);
    }

    [Fact]
    public void Summary_ConstructedResult_FinalReturnsThresholdStepsWallTimeAndQuotedPreset()
    {
        string[] lines = ComparisonCsv.Summary(ConstructedResult()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        // Final returns 100 and 200 → mean 150, std 50; one of two ppo seeds reached 475, at step 150.
        Assert.Equal("ppo,2,150,50,1,150,2,\"rl-zoo ppo.yml, CartPole-v1\"", lines[1]);
        Assert.Equal("a2c,2,150,50,0,,2,rl-zoo a2c.yml", lines[2]);
    }

    [Fact]
    public void Runs_ConstructedResult_EverySampleOfEverySeed()
    {
        string[] lines = ComparisonCsv.Runs(ConstructedResult()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("algorithm,seed,curve,timesteps,return", lines[0]);
        Assert.Equal(7, lines.Length);
        Assert.Equal("ppo,1,train,150,20", lines[3]);
    }

    [Fact]
    public void FormatTable_ConstructedResult_MeanStdStepsToThresholdAndDashWhenNeverReached()
    {
        string[] lines = ComparisonReport.FormatTable(ConstructedResult()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Contains("steps to 475", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("ppo", lines[3], StringComparison.Ordinal);
        Assert.Contains("150.0 ± 50.0", lines[3], StringComparison.Ordinal);
        Assert.Contains("150 (1/2)", lines[3], StringComparison.Ordinal);
        Assert.Contains("2.0 s", lines[3], StringComparison.Ordinal);
        Assert.StartsWith("a2c", lines[4], StringComparison.Ordinal);
        Assert.Contains("—", lines[4], StringComparison.Ordinal);
    }
}
