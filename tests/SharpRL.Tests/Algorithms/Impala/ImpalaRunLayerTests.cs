using SharpRL.Algorithms.Impala;
using SharpRL.Environments;
using SharpRL.Logging;
using SharpRL.Serialization;
using SharpRL.Training;

namespace SharpRL.Tests.Algorithms.Impala;

/// <summary>
/// IMPALA through the run layer (what <c>sharprl train impala …</c> runs): the policy lag in progress.csv,
/// an exact resume in deterministic mode, an announced inexact one with asynchronous actors, and the
/// trained policy reloaded for evaluation.
/// </summary>
public sealed class ImpalaRunLayerTests : IDisposable
{
    private const long Budget = 640;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sharprl-impala-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Train_AsyncActors_LogsPolicyLagToProgressCsv()
    {
        string directory = Train(Request("async", "num_actors=2", "n_envs=2", "unroll_length=8", "batch_size=4"));
        (string[] header, List<string[]> rows) = ReadProgress(directory);
        int mean = Array.IndexOf(header, ImpalaMetricKeys.PolicyLagMean);
        int max = Array.IndexOf(header, ImpalaMetricKeys.PolicyLagMax);
        Assert.True(mean >= 0 && max >= 0, $"progress.csv lacks the lag columns: {string.Join(",", header)}");
        Assert.Equal((int)(Budget / 32), rows.Count);
        foreach (string[] row in rows)
        {
            double lagMean = double.Parse(row[mean], System.Globalization.CultureInfo.InvariantCulture);
            double lagMax = double.Parse(row[max], System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(lagMean, 0, lagMax);
        }

        LoadedPolicy policy = AgentCheckpoint.LoadPolicy((directory, TrainingRun.ModelName), Gym.Registry);
        Assert.Equal("CartPole-v1", policy.Run.EnvId);
    }

    [Fact]
    public void Resume_Deterministic_AfterCancellationHalfWay_MatchesUninterruptedRun()
    {
        string[] settings = ["deterministic=true", "num_actors=1", "n_envs=2", "unroll_length=8", "batch_size=4"];
        string uninterrupted = Train(Request("uninterrupted", settings));

        string interrupted = Path.Combine(_root, "interrupted");
        using (var stop = new CancellationTokenSource())
        using (TrainingRun first = TrainingRun.Start(Request("interrupted", settings), Gym.Registry))
        {
            Assert.False(first.Learn(agent => { if (agent.NumTimesteps >= Budget / 2) { stop.Cancel(); } }, stop.Token));
        }

        using (TrainingRun resumed = TrainingRun.Start(new TrainRequest { ResumeDirectory = interrupted }, Gym.Registry))
        {
            Assert.Null(resumed.ResumeWarning);
            Assert.True(resumed.Learn());
        }

        (string[] header, List<string[]> expectedRows) = ReadProgress(uninterrupted);
        (_, List<string[]> actualRows) = ReadProgress(interrupted);
        Assert.Equal(expectedRows.Count, actualRows.Count);
        int[] compared = [.. Enumerable.Range(0, header.Length).Where(c => header[c] is not MetricKeys.Fps and not MetricKeys.TimeElapsed)];
        for (int row = 0; row < expectedRows.Count; row++)
        {
            Assert.Equal(compared.Select(c => expectedRows[row][c]), compared.Select(c => actualRows[row][c]));
        }

        CheckpointData expected = Checkpoint.Load(uninterrupted, "impala", TrainingRun.ModelName);
        CheckpointData actual = Checkpoint.Load(interrupted, "impala", TrainingRun.ModelName);
        Assert.Equal(expected.Counters, actual.Counters);
        foreach (SafeTensor tensor in expected.Tensors)
        {
            Assert.True(tensor.RawData.SequenceEqual(actual.GetTensor(tensor.Name).RawData), $"tensor {tensor.Name} differs");
        }

        Assert.Equal(expected.Extra["source_state"]!.ToJsonString(), actual.Extra["source_state"]!.ToJsonString());
    }

    [Fact]
    public void Resume_AsyncActors_ContinuesWithAWarning()
    {
        string[] settings = ["num_actors=2", "n_envs=2", "unroll_length=8", "batch_size=4"];
        string directory = Path.Combine(_root, "async-resume");
        using (var stop = new CancellationTokenSource())
        using (TrainingRun first = TrainingRun.Start(Request("async-resume", settings), Gym.Registry))
        {
            first.Learn(agent => { if (agent.NumTimesteps >= Budget / 2) { stop.Cancel(); } }, stop.Token);
        }

        Assert.Contains("asynchronous", Checkpoint.Load(directory, "impala", TrainingRun.LatestCheckpointName).Extra["source_state_unavailable"]!.GetValue<string>(), StringComparison.Ordinal);
        using TrainingRun resumed = TrainingRun.Start(new TrainRequest { ResumeDirectory = directory }, Gym.Registry);
        Assert.NotNull(resumed.ResumeWarning);
        Assert.Equal(Budget / 2, resumed.Agent.NumTimesteps);
        Assert.True(resumed.Learn());
        Assert.Equal(Budget, resumed.Agent.NumTimesteps);
    }

    [Fact]
    public void Start_BadSetting_IsRefusedBeforeTheRunFolderExists()
    {
        string directory = Path.Combine(_root, "bad");
        ArgumentException error = Assert.Throws<ArgumentException>(() => TrainingRun.Start(Request("bad", "rho_bar=-1"), Gym.Registry));
        Assert.Contains("rho_bar = -1 is invalid", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void Preset_CartPole_IsTheTunedOne()
    {
        SharpRL.Algorithms.Preset<object> preset = ImpalaLearner.Descriptor.GetPreset("CartPole-v1");
        Assert.StartsWith("SharpRL impala CartPole-v1", preset.Source, StringComparison.Ordinal);
        Assert.Same(ImpalaLearner.Descriptor, SharpRL.Algorithms.AlgorithmRegistry.Get("impala"));
    }

    private TrainRequest Request(string folder, params string[] settings) => new()
    {
        Algorithm = "impala",
        EnvId = "CartPole-v1",
        Seed = 3,
        TotalTimesteps = Budget,
        Settings = [.. settings.Select(SharpRL.Algorithms.Common.OptionsBinder.ParseAssignment)],
        OutputDirectory = Path.Combine(_root, folder),
    };

    private static string Train(TrainRequest request)
    {
        using TrainingRun run = TrainingRun.Start(request, Gym.Registry);
        Assert.True(run.Learn());
        return run.Directory;
    }

    private static (string[] Header, List<string[]> Rows) ReadProgress(string directory)
    {
        string[] lines = File.ReadAllLines(Path.Combine(directory, TrainingRun.ProgressFileName));
        return (lines[0].Split(','), [.. lines.Skip(1).Select(l => l.Split(','))]);
    }
}
