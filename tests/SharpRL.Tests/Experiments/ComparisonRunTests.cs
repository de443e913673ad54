using SharpRL.Tests.Cli;
using SharpRL.Environments;
using SharpRL.Experiments;
using SharpRL.Training;

namespace SharpRL.Tests.Experiments;

public class ComparisonRunTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public void Run_PpoAndA2cOnCartPoleTwoSeeds_CurvesOnTheGridFinalEvaluationsAndEvalCurve()
    {
        var request = new ComparisonRequest
        {
            EnvId = "CartPole-v1",
            Algorithms = ["ppo", "A2C"],
            Seeds = 2,
            TotalTimesteps = 3000,
            EvalEvery = 1000,
            EvalEpisodes = 3,
        };
        var progress = new List<ComparisonProgress>();

        ComparisonResult result = Comparison.Run(request, Gym.Registry, progress.Add);

        Assert.Equal(475, result.RewardThreshold);
        Assert.Equal(50, result.Grid.Count);
        Assert.Equal(3000, result.Grid[^1]);
        Assert.Equal(["ppo", "a2c"], result.Algorithms.Select(a => a.Algorithm));
        Assert.Equal([1, 2, 3, 4], progress.Select(p => p.Index));
        foreach (AlgorithmComparison algorithm in result.Algorithms)
        {
            Assert.Equal([0, 1], algorithm.Runs.Select(r => r.Seed));
            foreach (ComparisonSeedRun run in algorithm.Runs)
            {
                Assert.True(run.Timesteps >= 3000, $"{algorithm.Algorithm} took {run.Timesteps} steps");
                Assert.NotEmpty(run.TrainingCurve);
                Assert.True(run.TrainingCurve.Zip(run.TrainingCurve.Skip(1)).All(p => p.First.Timesteps <= p.Second.Timesteps));
                Assert.All(run.TrainingCurve, p => Assert.InRange(p.Timesteps, 1, 3000));
                Assert.Equal(3, run.EvaluationCurve.Count);
                Assert.Equal(3, run.FinalEvaluation.Returns.Count);
                Assert.InRange(run.FinalEvaluation.Mean, 8, 500);
            }

            // Every seed has finished episodes by the end of its budget, so the last grid point spans both.
            AggregatePoint last = algorithm.TrainingCurve[^1];
            Assert.Equal(2, last.Seeds);
            Assert.InRange(last.Mean, last.Min, last.Max);
            Assert.Equal(2, algorithm.EvaluationCurve![^1].Seeds);
        }

        // Seeds 0 and 1 train differently.
        Assert.NotEqual(result.Algorithms[0].Runs[0].TrainingCurve, result.Algorithms[0].Runs[1].TrainingCurve);
    }

    [Theory]
    [InlineData("ppo,nope", 2, 1000, "CartPole-v1")]
    [InlineData("ppo,ppo", 2, 1000, "CartPole-v1")]
    [InlineData("ppo", 0, 1000, "CartPole-v1")]
    [InlineData("ppo", 2, 0, "CartPole-v1")]
    [InlineData("ppo", 2, 1000, "CartPoel-v1")]
    public void Validate_BadRequest_ThrowsArgumentException(string algorithms, int seeds, long timesteps, string envId)
    {
        var request = new ComparisonRequest { EnvId = envId, Algorithms = algorithms.Split(','), Seeds = seeds, TotalTimesteps = timesteps };

        Assert.Throws<ArgumentException>(() => Comparison.Validate(request, Gym.Registry));
    }

    [Theory]
    [InlineData("CartPole-v1", "--algos", "ppo,nope", "Unknown algorithm 'nope'")]
    [InlineData("NoSuchEnv-v0", "--algos", "ppo", "No env registered with id 'NoSuchEnv-v0'")]
    [InlineData("CartPole-v1", "--seeds", "0", "seeds = 0 is invalid")]
    [InlineData("CartPole-v1", "--timesteps", "-5", "timesteps = -5 is invalid")]
    public void CompareCommand_BadInput_ExitCode2ClearMessageAndNothingWritten(string env, string option, string value, string message)
    {
        using var directory = new TempDirectory();
        string output = directory["compare"];

        CliResult result = CliHarness.Run("compare", env, option, value, "--out", output);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Output);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void CompareCommand_OneFastAlgorithm_PrintsTableAndWritesFiles()
    {
        using var directory = new TempDirectory();
        string output = directory["compare"];

        CliResult result = CliHarness.Run("compare", "CartPole-v1", "--algos", "a2c", "--seeds", "1", "--timesteps", "2000", "--eval-episodes", "2", "--out", output);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("[1/1] a2c seed 0: 2,000 steps", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"\na2c +\d+\.\d ± 0\.0 +— +\d+\.\d s\n", result.Output);
        Assert.True(File.Exists(Path.Combine(output, ComparisonReport.TrainingCurvesFile)));
        Assert.True(File.Exists(Path.Combine(output, ComparisonReport.TrainingPlotFile)));
    }

    [Fact]
    public void Run_VariantsOfOneAlgorithm_TrainWithTheirSettingsUnderTheirLabels()
    {
        // Two learning rates of A2C side by side (the lectures' step-size figure): each variant is its preset
        // with the bracketed settings, so a variant at the preset's own value reproduces the plain run exactly.
        var request = new ComparisonRequest
        {
            EnvId = "CartPole-v1",
            Algorithms = ["A2C", "a2c[learning_rate=0.0007]", "a2c[learning_rate=0.07,n_steps=8]"],
            Seeds = 1,
            TotalTimesteps = 2000,
            EvalEpisodes = 2,
        };

        ComparisonResult result = Comparison.Run(request, Gym.Registry);

        Assert.Equal(["a2c", "a2c[learning_rate=0.0007]", "a2c[learning_rate=0.07,n_steps=8]"], result.Algorithms.Select(a => a.Algorithm));
        Assert.Equal(result.Algorithms[0].Runs[0].TrainingCurve, result.Algorithms[1].Runs[0].TrainingCurve);
        Assert.NotEqual(result.Algorithms[0].Runs[0].TrainingCurve, result.Algorithms[2].Runs[0].TrainingCurve);
        Assert.EndsWith("with learning_rate=0.07, n_steps=8", result.Algorithms[2].PresetSource, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a2c[learning_rat=0.1]", "Unknown setting 'learning_rat'")]
    [InlineData("a2c[learning_rate", "Algorithm 'a2c[learning_rate' is malformed")]
    [InlineData("nope[learning_rate=0.1]", "Unknown algorithm 'nope'")]
    public void Validate_BadVariant_NamesWhatIsWrong(string algorithm, string message)
    {
        var request = new ComparisonRequest { EnvId = "CartPole-v1", Algorithms = [algorithm], Seeds = 1, TotalTimesteps = 1000 };

        ArgumentException error = Assert.Throws<ArgumentException>(() => Comparison.Validate(request, Gym.Registry));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteFiles_ConstructedResult_WritesCurvesPlotRunsAndSummary()
    {
        string output = Path.Combine(Path.GetTempPath(), "sharprl-compare-" + Guid.NewGuid().ToString("N"));
        try
        {
            IReadOnlyList<string> files = ComparisonReport.WriteFiles(ComparisonCsvTests.ConstructedResult(), output);

            Assert.Equal(["returns.csv", "returns.svg", "runs.csv", "summary.csv"], files.Select(Path.GetFileName));
            Assert.StartsWith(ComparisonCsv.CurvesHeader, File.ReadAllText(Path.Combine(output, "returns.csv")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
