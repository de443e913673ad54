using SharpRL.Algorithms;
using SharpRL.Algorithms.OffPolicy;
using SharpRL.Environments;
using SharpRL.Envs;
using SharpRL.Serialization;
using SharpRL.Tests.Cli;
using SharpRL.Training;

namespace SharpRL.Tests.Algorithms.OffPolicy;

/// <summary>
/// DDPG, TD3 and SAC through the run layer (what <c>sharprl train {ddpg,td3,sac}</c> runs): presets,
/// exact resume from a mid-episode checkpoint past learning_starts (with live noise and a partly
/// collected training phase), evaluation of the saved model, and the CLI's refusal of Discrete actions.
/// Small networks and budgets keep it fast; the presets' code path is the same.
/// </summary>
public sealed class OffPolicyRunLayerTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public static TheoryData<string> Names => ["td3", "ddpg", "sac"];

    public void Dispose() => _root.Dispose();

    [Theory]
    [MemberData(nameof(Names))]
    public void TrainingRun_StraightVersusResumed_GivesIdenticalCheckpoints(string algorithm)
    {
        TrainRequest Request(string folder) => new()
        {
            Algorithm = algorithm,
            EnvId = "Pendulum-v1",
            Seed = 5,
            TotalTimesteps = 1500,
            Settings =
            [
                new("hidden_sizes", "16,16"), new("batch_size", "32"), new("learning_starts", "1000"), new("buffer_size", "5000"),
                new("train_freq", "5"), new("train_freq_unit", "step"), new("gradient_steps", "-1"),
                .. algorithm == "sac" ? Array.Empty<KeyValuePair<string, string>>() : [new("noise_type", "ornstein_uhlenbeck"), new("noise_std", "0.5")],
            ],
            OutputDirectory = _root[folder],
        };

        string straight;
        using (TrainingRun run = TrainingRun.Start(Request("straight"), Gym.Registry))
        {
            Assert.StartsWith("rl-zoo", run.PresetSource, StringComparison.Ordinal);
            Assert.True(run.Learn());
            straight = run.Directory;
        }

        using (TrainingRun first = TrainingRun.Start(Request("halves"), Gym.Registry))
        using (var stop = new CancellationTokenSource())
        {
            Assert.False(first.Learn(a => { if (a.NumTimesteps >= 1130) { stop.Cancel(); } }, stop.Token));
        }

        using (TrainingRun resumed = TrainingRun.Start(new TrainRequest { ResumeDirectory = _root["halves"] }, Gym.Registry))
        {
            // Mid-episode (Pendulum episodes are 200 steps) and past learning_starts.
            Assert.Equal(1130, resumed.StartTimesteps);
            Assert.True(resumed.Learn());
        }

        CheckpointData a = Checkpoint.Load(straight, algorithm, TrainingRun.ModelName);
        CheckpointData b = Checkpoint.Load(_root["halves"], algorithm, TrainingRun.ModelName);
        Assert.Equal(a.Tensors.Select(t => t.Name), b.Tensors.Select(t => t.Name));
        Assert.Contains(a.Tensors, t => t.Name == "replay.observations");
        for (int i = 0; i < a.Tensors.Count; i++)
        {
            Assert.True(a.Tensors[i].RawData.SequenceEqual(b.Tensors[i].RawData), $"{algorithm}: tensor {a.Tensors[i].Name} differs after resume");
        }

        LoadedPolicy loaded = AgentCheckpoint.LoadPolicy(AgentCheckpoint.Resolve(straight), Gym.Registry);
        using IEnv env = Gym.Make("Pendulum-v1");
        Assert.Equal(2, Evaluation.Evaluate(loaded.Policy, env, episodes: 2).Returns.Count);
    }

    [Fact]
    public void SaveReplayBufferFalse_LeavesBufferOutAndResumeWarns()
    {
        var request = new TrainRequest
        {
            Algorithm = "sac",
            EnvId = "Pendulum-v1",
            TotalTimesteps = 300,
            Settings = [new("hidden_sizes", "8"), new("batch_size", "16"), new("save_replay_buffer", "false")],
            OutputDirectory = _root["noreplay"],
        };
        using (TrainingRun run = TrainingRun.Start(request, Gym.Registry))
        {
            Assert.True(run.Learn());
        }

        CheckpointData data = Checkpoint.Load(_root["noreplay"], "sac", TrainingRun.ModelName);
        Assert.DoesNotContain(data.Tensors, t => t.Name.StartsWith("replay.", StringComparison.Ordinal));
        Assert.Equal("none", data.Extra["replay_buffer"]!["storage"]!.GetValue<string>());
    }

    [Fact]
    public void Presets_PendulumAndMountainCar_AreTheZoosValues()
    {
        AlgorithmDescriptor td3 = AlgorithmRegistry.Get("td3");
        Preset<object> pendulum = td3.GetPreset("Pendulum-v1");
        Assert.Equal(20_000, pendulum.TotalTimesteps);
        var options = (Td3Options)pendulum.Options;
        Assert.Equal((0.98, 200_000, 10_000, 0.1, -1, 1e-3), (options.Gamma, options.BufferSize, options.LearningStarts, options.NoiseStd, options.GradientSteps, options.LearningRate));
        Assert.Equal(TrainFrequencyUnit.Episode, options.TrainFreqUnit);
        Assert.Equal([400, 300], options.HiddenSizes);
        Assert.Equal(300_000, td3.GetPreset("MountainCarContinuous-v0").TotalTimesteps);
        Assert.Equal(ActionNoiseKind.OrnsteinUhlenbeck, ((Td3Options)td3.GetPreset("MountainCarContinuous-v0").Options).NoiseType);
        var sac = (SacOptions)AlgorithmRegistry.Get("sac").GetPreset("Pendulum-v1").Options;
        Assert.Equal((1e-3, 256, "auto"), (sac.LearningRate, sac.BatchSize, sac.EntCoef));
    }

    [Theory]
    [InlineData("Hopper-v4", 1_000_000)]
    [InlineData("HalfCheetah-v5", 1_000_000)]
    [InlineData("Humanoid-v4", 2_000_000)]
    public void Presets_MuJoCo_AreTheZoosSharedBlock(string envId, long budget)
    {
        Preset<object> td3 = AlgorithmRegistry.Get("td3").GetPreset(envId);
        var options = (Td3Options)td3.Options;
        Assert.Equal(budget, td3.TotalTimesteps);
        Assert.Equal((10_000, 0.1, 1, 1, 1e-3, 256), (options.LearningStarts, options.NoiseStd, options.TrainFreq, options.GradientSteps, options.LearningRate, options.BatchSize));
        Assert.Equal(SharpRL.Algorithms.OffPolicy.ActionNoiseKind.Normal, options.NoiseType);
        Assert.Equal([400, 300], options.HiddenSizes);

        Preset<object> sac = AlgorithmRegistry.Get("sac").GetPreset(envId);
        var sacOptions = (SacOptions)sac.Options;
        Assert.Equal(budget, sac.TotalTimesteps);
        Assert.Equal((10_000, 3e-4, "auto"), (sacOptions.LearningStarts, sacOptions.LearningRate, sacOptions.EntCoef));
        Assert.Equal([256, 256], sacOptions.HiddenSizes);
        Assert.Contains(envId, sac.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Cli_TrainTd3Pendulum_NoSaveReplayBuffer_TrainsAndLeavesBufferOut()
    {
        string folder = _root["cli-td3"];
        CliResult result = CliHarness.Run("train", "td3", "Pendulum-v1", "--timesteps", "400", "--quiet", "--no-save-replay-buffer", "--set", "hidden_sizes=8", "--set", "learning_starts=200", "--out", folder);
        Assert.True(result.ExitCode == 0, result.Error);
        CheckpointData data = Checkpoint.Load(folder, "td3", TrainingRun.ModelName);
        Assert.Equal(400, data.GetCounter("num_timesteps"));
        Assert.DoesNotContain(data.Tensors, t => t.Name.StartsWith("replay.", StringComparison.Ordinal));
        CliResult eval = CliHarness.Run("eval", folder, "--episodes", "1");
        Assert.True(eval.ExitCode == 0, eval.Error);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Cli_DiscreteEnv_IsRefusedWithOneErrorLine(string algorithm)
    {
        CliResult result = CliHarness.Run("train", algorithm, "CartPole-v1", "--timesteps", "100", "--out", _root[$"cli-{algorithm}"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("continuous (Box) action space", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }
}
