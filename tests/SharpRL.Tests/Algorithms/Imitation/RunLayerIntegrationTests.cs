using SharpRL.Algorithms.Common;
using SharpRL.Datasets;
using SharpRL.Environments;
using SharpRL.Envs;
using SharpRL.Serialization;
using SharpRL.Tests.Cli;
using SharpRL.Tests.Datasets;
using SharpRL.Training;

namespace SharpRL.Tests.Algorithms.Imitation;

/// <summary>bc and awr under the run layer: train, interrupt, resume bit-exactly, evaluate from the CLI.</summary>
public sealed class RunLayerIntegrationTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Bc_InterruptedAndResumed_SameWeightsAsUninterrupted()
    {
        string dataset = _root["data"];
        MinariDatasetTests.RecordRandom("CartPole-v1", episodes: 8, seed: 2).Save(dataset);
        TrainRequest Request(string folder) => new()
        {
            Algorithm = "bc",
            EnvId = "CartPole-v1",
            Seed = 5,
            TotalTimesteps = 60,
            Settings = [new("dataset", dataset), new("batch_size", "32")],
            OutputDirectory = _root[folder],
        };

        AssertResumesExactly(Request, cancelAt: 20);

        CliResult eval = CliHarness.Run("eval", _root["whole"], "--episodes", "2");
        Assert.True(eval.ExitCode == 0, eval.Error);
        Assert.Contains("bc on CartPole-v1", eval.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Bc_DatasetOfAnotherEnv_RefusedBeforeAnythingIsWritten()
    {
        string dataset = _root["data"];
        MinariDatasetTests.RecordRandom("CartPole-v1", episodes: 1, seed: 2).Save(dataset);

        CliResult result = CliHarness.Run("train", "bc", "Pendulum-v1", "--dataset", dataset, "--out", _root["run"], "--quiet");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("observation_space", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_root["run"]) && Directory.EnumerateFileSystemEntries(_root["run"]).Any());
    }

    [Fact]
    public void Awr_InterruptedAndResumed_SameWeightsAsUninterrupted()
    {
        TrainRequest Request(string folder) => new()
        {
            Algorithm = "awr",
            EnvId = "Pendulum-v1",
            Seed = 3,
            TotalTimesteps = 600,
            Settings = [new("steps_per_iteration", "200"), new("buffer_size", "400"), new("value_steps", "3"), new("policy_steps", "3"), new("batch_size", "16")],
            OutputDirectory = _root[folder],
        };

        AssertResumesExactly(Request, cancelAt: 400);

        LoadedPolicy loaded = AgentCheckpoint.LoadPolicy(AgentCheckpoint.Resolve(_root["whole"]), Gym.Registry);
        using IEnv env = Gym.Make("Pendulum-v1");
        Assert.Equal(2, Evaluation.Evaluate(loaded.Policy, env, episodes: 2).Returns.Count);
    }

    [Fact]
    public void Awr_WithObservationNormalisation_ResumesExactlyAndEvaluatesThroughTheNormaliser()
    {
        // Statistics still updating at the interruption (normalizer_samples 500 > 400): they must travel in the checkpoint.
        TrainRequest Request(string folder) => new()
        {
            Algorithm = "awr",
            EnvId = "Pendulum-v1",
            Seed = 5,
            TotalTimesteps = 600,
            Settings = [new("steps_per_iteration", "200"), new("buffer_size", "400"), new("value_steps", "3"), new("policy_steps", "3"), new("batch_size", "16"), new("normalizer_samples", "500")],
            OutputDirectory = _root[folder],
        };

        AssertResumesExactly(Request, cancelAt: 400);

        LoadedPolicy loaded = AgentCheckpoint.LoadPolicy(AgentCheckpoint.Resolve(_root["whole"]), Gym.Registry);
        var acting = Assert.IsType<ActorCriticActingPolicy>(loaded.Policy);
        Assert.True(acting.NormalizesObservations);
        Assert.Equal("Box(-10.0, 10.0, (3,), float32)", acting.Policy.ObservationSpace.ToString());

        // The policy acts on normalised observations: a raw observation and its normalised image, fed to the
        // networks directly, give the same deterministic action.
        float[] raw = [0.3f, -0.8f, 4.5f], normalized = new float[3], viaActing = new float[1], direct = new float[1];
        acting.NormalizeObservation!(raw, normalized);
        Assert.NotEqual(raw, normalized);
        acting.Act(raw, viaActing, deterministic: true, new Random(0));
        acting.Policy.Predict(normalized, 1, direct, deterministic: true, new Random(0));
        Assert.Equal(Math.Clamp(direct[0], -2f, 2f), viaActing[0]);
    }

    private void AssertResumesExactly(Func<string, TrainRequest> request, long cancelAt)
    {
        using (TrainingRun whole = TrainingRun.Start(request("whole"), Gym.Registry))
        {
            Assert.True(whole.Learn());
        }

        using (TrainingRun first = TrainingRun.Start(request("halves"), Gym.Registry))
        using (var stop = new CancellationTokenSource())
        {
            Assert.False(first.Learn(a => { if (a.NumTimesteps >= cancelAt) { stop.Cancel(); } }, stop.Token));
        }

        using (TrainingRun resumed = TrainingRun.Start(new TrainRequest { ResumeDirectory = _root["halves"] }, Gym.Registry))
        {
            Assert.True(resumed.StartTimesteps >= cancelAt);
            Assert.True(resumed.Learn());
        }

        Assert.Equal(Weights(_root["whole"]), Weights(_root["halves"]));
    }

    private static byte[] Weights(string directory)
    {
        CheckpointData data = Checkpoint.Load(directory, expectedAlgorithm: null, TrainingRun.ModelName);
        return [.. data.Tensors.Where(t => t.Name.StartsWith("policy.", StringComparison.Ordinal)).SelectMany(t => t.RawData.ToArray())];
    }
}
