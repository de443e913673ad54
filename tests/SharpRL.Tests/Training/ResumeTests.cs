using System.Text.Json.Nodes;
using SharpRL.Algorithms.Common;
using SharpRL.Environments;
using SharpRL.Envs;
using SharpRL.Envs.Vector;
using SharpRL.Logging;
using SharpRL.Serialization;
using SharpRL.Spaces;
using SharpRL.Training;

namespace SharpRL.Tests.Training;

/// <summary>
/// `sharprl train --resume`: a run stopped half way (Ctrl+C, or a crash after a periodic checkpoint)
/// and resumed with the same seed ends with the same progress.csv rows (wall-clock columns aside)
/// and the same final weights, optimizer moments, statistics and env state as the uninterrupted run.
/// </summary>
public sealed class ResumeTests : IDisposable
{
    private const long Budget = 1280;
    private static readonly string[] PpoSettings = ["batch_size=64", "n_epochs=2"];
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sharprl-resume-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Theory]
    [InlineData("CartPole-v1", 4)]
    [InlineData("Pendulum-v1", 2)]
    public void Resume_AfterCancellationHalfWay_MatchesUninterruptedRun(string envId, int numEnvs)
    {
        string uninterrupted = Train(Request(envId, numEnvs, "uninterrupted"));

        string interrupted = Path.Combine(_root, "interrupted");
        using (var stop = new CancellationTokenSource())
        using (TrainingRun first = TrainingRun.Start(Request(envId, numEnvs, "interrupted"), Gym.Registry))
        {
            bool completed = first.Learn(agent =>
            {
                if (agent.NumTimesteps >= Budget / 2)
                {
                    stop.Cancel();
                }
            }, stop.Token);
            Assert.False(completed);
            Assert.Equal(Budget / 2, first.Agent.NumTimesteps);
        }

        Assert.False(File.Exists(Checkpoint.MetadataPath(interrupted, TrainingRun.ModelName)), "an interrupted run must not write the final model");
        Assert.Equal(5, ReadProgress(interrupted).Rows.Count);

        using (TrainingRun resumed = TrainingRun.Start(new TrainRequest { ResumeDirectory = interrupted }, Gym.Registry))
        {
            Assert.Null(resumed.ResumeWarning);
            Assert.Equal(Budget, resumed.TotalTimesteps);
            Assert.True(resumed.Learn());
        }

        AssertSameRun(uninterrupted, interrupted);
    }

    [Theory]
    [InlineData("ppo-mc", "batch_size=64", "n_epochs=2")]
    [InlineData("ppo-kl", "batch_size=64", "n_epochs=2")]
    [InlineData("a2c")]
    [InlineData("reinforce", "batch_size=64", "baseline_epochs=2")]
    [InlineData("npg", "batch_size=64", "n_critic_updates=2")]
    [InlineData("trpo", "batch_size=64", "n_critic_updates=2")]
    public void Resume_OtherAlgorithmsAfterCancellation_MatchUninterruptedRun(string algorithm, params string[] settings)
    {
        TrainRequest Make(string folder) => Request("CartPole-v1", 4, folder, settings) with { Algorithm = algorithm };
        string uninterrupted = Train(Make("uninterrupted"));
        string interrupted = Path.Combine(_root, "interrupted");
        using (var stop = new CancellationTokenSource())
        using (TrainingRun first = TrainingRun.Start(Make("interrupted"), Gym.Registry))
        {
            Assert.False(first.Learn(agent => { if (agent.NumTimesteps >= Budget / 2) { stop.Cancel(); } }, stop.Token));
        }

        using (TrainingRun resumed = TrainingRun.Start(new TrainRequest { ResumeDirectory = interrupted }, Gym.Registry))
        {
            Assert.True(resumed.Learn());
        }

        AssertSameRun(uninterrupted, interrupted, algorithm);
    }

    [Fact]
    public void Resume_AfterCrashPastPeriodicCheckpoint_DropsLateRowsAndMatchesUninterruptedRun()
    {
        // Normalised observations and rewards, stepped on worker threads: the env state carries the statistics.
        string[] normalize = [.. PpoSettings, "normalize_observations=true", "normalize_rewards=true"];
        string uninterrupted = Train(Request("CartPole-v1", 4, "uninterrupted", normalize));

        string crashed = Path.Combine(_root, "crashed");
        using (TrainingRun first = TrainingRun.Start(Request("CartPole-v1", 4, "crashed", normalize) with { SaveFrequency = Budget / 2, Parallel = true }, Gym.Registry))
        {
            // Two iterations after the checkpoint at Budget / 2 the process "dies".
            Assert.Throws<TimeoutException>(() => first.Learn(agent =>
            {
                if (agent.NumTimesteps >= (Budget / 2) + 256)
                {
                    throw new TimeoutException("simulated crash");
                }
            }));
        }

        Assert.Equal(7, ReadProgress(crashed).Rows.Count);
        using (TrainingRun resumed = TrainingRun.Start(new TrainRequest { ResumeDirectory = crashed }, Gym.Registry))
        {
            Assert.Equal(Budget / 2, resumed.Agent.NumTimesteps);
            Assert.Equal(5, ReadProgress(crashed).Rows.Count);
            resumed.Learn();
        }

        AssertSameRun(uninterrupted, crashed);
    }

    [Fact]
    public void Resume_CompletedRunWithLargerBudget_ContinuesFromTheFinalModel()
    {
        string directory = Train(Request("CartPole-v1", 4, "completed"));
        Assert.False(File.Exists(Checkpoint.MetadataPath(directory, TrainingRun.LatestCheckpointName)), "a completed run keeps only the final model");

        using TrainingRun resumed = TrainingRun.Start(new TrainRequest { ResumeDirectory = directory, TotalTimesteps = 2 * Budget }, Gym.Registry);
        Assert.Equal(Budget, resumed.Agent.NumTimesteps);
        Assert.True(resumed.Learn());
        Assert.Equal(2 * Budget, resumed.Agent.NumTimesteps);
        Assert.Equal(2 * Budget / 128, ReadProgress(directory).Rows.Count);
        Assert.Equal(2 * Budget, Checkpoint.Load(directory, "ppo", TrainingRun.ModelName).GetCounter("num_timesteps"));
    }

    [Fact]
    public void Learn_CancelledBeforeStart_SavesCheckpointWithoutTraining()
    {
        using TrainingRun run = TrainingRun.Start(Request("CartPole-v1", 4, "cancelled"), Gym.Registry);
        Assert.False(run.Learn(cancellationToken: new CancellationToken(canceled: true)));
        Assert.Equal(0, run.Agent.NumTimesteps);
        Assert.True(File.Exists(Checkpoint.MetadataPath(run.Directory, TrainingRun.LatestCheckpointName)));
        Assert.False(File.Exists(run.ModelPath));
    }

    [Fact]
    public void Resume_EnvWithoutState_ContinuesWithResetAndWarns()
    {
        EnvRegistry registry = Gym.RegisterBuiltins(new EnvRegistry());
        registry.Register("Opaque-v0", () => new OpaqueCartPole(), maxEpisodeSteps: 100);
        string directory = Path.Combine(_root, "opaque");
        var request = new TrainRequest
        {
            Algorithm = "ppo",
            EnvId = "Opaque-v0",
            PresetEnvId = "CartPole-v1",
            Seed = 1,
            TotalTimesteps = 1024,
            NumEnvs = 4,
            Settings = Settings("n_steps=64", "batch_size=128", "n_epochs=2", "normalize_observations=true"),
            OutputDirectory = directory,
        };
        using (var stop = new CancellationTokenSource())
        using (TrainingRun first = TrainingRun.Start(request, registry))
        {
            first.Learn(agent => stop.Cancel(), stop.Token);
        }

        JsonObject extra = Checkpoint.Load(directory, "ppo", TrainingRun.LatestCheckpointName).Extra;
        Assert.Null(extra["env_state"]);
        Assert.Contains(typeof(OpaqueCartPole).FullName!, extra["env_state_unavailable"]!.GetValue<string>(), StringComparison.Ordinal);

        using (TrainingRun resumed = TrainingRun.Start(new TrainRequest { ResumeDirectory = directory }, registry))
        {
            Assert.NotNull(resumed.ResumeWarning);
            Assert.Contains("not continue exactly", resumed.ResumeWarning, StringComparison.Ordinal);
            Assert.True(((OnPolicyAlgorithm)resumed.Agent).NeedsReset);
            Assert.True(resumed.Learn());
            Assert.Equal(1024, resumed.Agent.NumTimesteps);
        }

        Assert.Equal(4, ReadProgress(directory).Rows.Count);
    }

    [Fact]
    public void Checkpoint_OfStatefulRun_KeepsEnvStateAndExportsObservationStatistics()
    {
        string directory = Train(Request("CartPole-v1", 4, "stats", [.. PpoSettings, "normalize_observations=true", "normalize_rewards=true"]) with { TotalTimesteps = 256 });
        CheckpointData data = Checkpoint.Load(directory, "ppo", TrainingRun.ModelName);
        JsonObject envState = data.Extra["env_state"]!.AsObject();
        Assert.Equal("VectorNormalizeReward", envState["type"]!.GetValue<string>());
        Assert.Equal("VectorNormalizeObservation", envState["env"]!["type"]!.GetValue<string>());
        Assert.Equal(4, envState["env"]!["env"]!["envs"]!.AsArray().Count);

        // One source of truth for resuming (the env state); the observation statistics are also exported for evaluation.
        double[] exportedMean = data.GetTensor("normalize.obs.mean").ToArray<double>();
        JsonArray savedMean = envState["env"]!["statistics"]!["mean"]!.AsArray();
        Assert.Equal(savedMean.Select(v => v!.GetValue<double>()), exportedMean);
        Assert.DoesNotContain(data.Tensors, t => t.Name.StartsWith("normalize.reward.", StringComparison.Ordinal));

        LoadedPolicy policy = AgentCheckpoint.LoadPolicy((directory, TrainingRun.ModelName), Gym.Registry);
        Assert.True(Assert.IsType<ActorCriticActingPolicy>(policy.Policy).NormalizesObservations);
    }

    [Fact]
    public void Checkpoint_AlgorithmTrainingState_RoundTripsThroughTheHook()
    {
        var options = new OnPolicyOptions { NumEnvs = 2, NumSteps = 8 };
        var run = new RunConfig("counting", "CartPole-v1", 0, 64, "test", false, OptionsBinder.ToJson(options));
        string directory = Path.Combine(_root, "hook");
        using (var agent = new CountingAlgorithm(new SyncVectorEnv(() => Gym.Make("CartPole-v1"), 2), options))
        {
            agent.Learn(48);
            Assert.Equal(3, agent.Updates);
            AgentCheckpoint.Save(agent, directory, "checkpoint", run);
            agent.Env.Dispose();
        }

        using var restored = new CountingAlgorithm(new SyncVectorEnv(() => Gym.Make("CartPole-v1"), 2), options);
        Assert.True(AgentCheckpoint.Load(restored, directory, "checkpoint", "counting"));
        Assert.Equal(3, restored.Updates);
        restored.Env.Dispose();
    }

    private TrainRequest Request(string envId, int numEnvs, string folder, string[]? extraSettings = null) => new()
    {
        Algorithm = "ppo",
        EnvId = envId,
        Seed = 7,
        TotalTimesteps = Budget,
        NumEnvs = numEnvs,

        // 128 steps per iteration whatever the number of copies: 10 iterations, 5 before the interruption.
        Settings = Settings([$"n_steps={128 / numEnvs}", .. extraSettings ?? PpoSettings]),
        OutputDirectory = Path.Combine(_root, folder),
    };

    private static IReadOnlyList<KeyValuePair<string, string>> Settings(params string[] assignments) =>
        [.. assignments.Select(a => new KeyValuePair<string, string>(a[..a.IndexOf('=', StringComparison.Ordinal)], a[(a.IndexOf('=', StringComparison.Ordinal) + 1)..]))];

    private static string Train(TrainRequest request)
    {
        using TrainingRun run = TrainingRun.Start(request, Gym.Registry);
        Assert.True(run.Learn());
        return run.Directory;
    }

    private static void AssertSameRun(string expectedDirectory, string actualDirectory, string algorithm = "ppo")
    {
        (string[] expectedHeader, List<string[]> expectedRows) = ReadProgress(expectedDirectory);
        (string[] actualHeader, List<string[]> actualRows) = ReadProgress(actualDirectory);
        Assert.Equal(expectedHeader, actualHeader);
        Assert.True(expectedRows.Count >= Budget / 128, $"expected at least {Budget / 128} rows, got {expectedRows.Count}");
        Assert.Equal(expectedRows.Count, actualRows.Count);
        int[] compared = [.. Enumerable.Range(0, expectedHeader.Length).Where(c => expectedHeader[c] is not MetricKeys.Fps and not MetricKeys.TimeElapsed)];
        for (int row = 0; row < expectedRows.Count; row++)
        {
            Assert.Equal(compared.Select(c => (expectedHeader[c], expectedRows[row][c])), compared.Select(c => (actualHeader[c], actualRows[row][c])));
        }

        CheckpointData expected = Checkpoint.Load(expectedDirectory, algorithm, TrainingRun.ModelName);
        CheckpointData actual = Checkpoint.Load(actualDirectory, algorithm, TrainingRun.ModelName);
        Assert.Equal(expected.Counters, actual.Counters);
        Assert.Equal(expected.Tensors.Select(t => t.Name), actual.Tensors.Select(t => t.Name));
        foreach (SafeTensor tensor in expected.Tensors)
        {
            SafeTensor other = actual.GetTensor(tensor.Name);
            Assert.Equal(tensor.Shape, other.Shape);
            Assert.True(tensor.RawData.SequenceEqual(other.RawData), $"tensor {tensor.Name} differs");
        }

        foreach (string key in new[] { "rng_state", "env_state", "recent_episodes", "needs_reset" })
        {
            // Sync and parallel vector envs step identically; only their type tags differ.
            Assert.Equal(expected.Extra[key]?.ToJsonString(), actual.Extra[key]?.ToJsonString().Replace("\"ParallelVectorEnv\"", "\"SyncVectorEnv\"", StringComparison.Ordinal));
        }
    }

    private static (string[] Header, List<string[]> Rows) ReadProgress(string directory)
    {
        string[] lines = File.ReadAllLines(Path.Combine(directory, TrainingRun.ProgressFileName));
        return (lines[0].Split(','), [.. lines.Skip(1).Select(l => l.Split(','))]);
    }

    /// <summary>An algorithm whose only state of its own is a count of its updates, kept through the checkpoint hook.</summary>
    private sealed class CountingAlgorithm(IVectorEnv env, OnPolicyOptions options) : OnPolicyAlgorithm(env, options, seed: 0, logger: null)
    {
        public int Updates { get; private set; }

        protected internal override JsonObject SaveAlgorithmState() => new() { ["updates"] = Updates };

        protected internal override void LoadAlgorithmState(JsonObject state) => Updates = state["updates"]!.GetValue<int>();

        protected override void Train(double progressRemaining) => Updates++;
    }

    /// <summary>CartPole behind an adapter that does not implement <see cref="IStatefulEnv"/> (a user env).</summary>
    private sealed class OpaqueCartPole : IEnv
    {
        private readonly IEnv _inner = new SharpRL.Environments.ClassicControl.CartPoleEnv();

        public Space ObservationSpace => _inner.ObservationSpace;

        public Space ActionSpace => _inner.ActionSpace;

        public EnvSpec? Spec => null;

        public void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null) => _inner.Reset(observation, seed, options);

        public StepResult Step(ReadOnlySpan<float> action, Span<float> observation) => _inner.Step(action, observation);

        public void Dispose() => _inner.Dispose();
    }
}
