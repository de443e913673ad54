using SharpRL.Algorithms;
using SharpRL.Environments;
using SharpRL.Envs;
using SharpRL.Serialization;
using SharpRL.Tests.Cli;
using SharpRL.Training;

namespace SharpRL.Tests.Training;

/// <summary>
/// The algorithm-agnostic run layer: any registered <see cref="AlgorithmDescriptor"/> trains in a run folder,
/// checkpoints, resumes exactly and evaluates; periodic evaluation and early stopping never change training.
/// </summary>
public sealed class RunLayerTests : IDisposable
{
    private static readonly Lazy<bool> HillClimbRegistered = new(() =>
    {
        AlgorithmRegistry.Register(HillClimbLearner.Descriptor);
        return true;
    });

    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void EvalFreq_DoesNotChangeTrainedWeights_AndKeepsBestModel()
    {
        string plain = Train(PpoRequest("plain"));
        string evaluated = Train(PpoRequest("evaluated") with { EvalFrequency = 1024, EvalEpisodes = 2 });

        Assert.Equal(WeightsBytes(plain), WeightsBytes(evaluated));
        string[] rows = File.ReadAllLines(Path.Combine(evaluated, EvaluationCallback.FileName));
        Assert.Equal(1 + 4, rows.Length);
        Assert.Contains(EvaluationCallback.MeanRewardKey, rows[0], StringComparison.Ordinal);
        CheckpointData best = Checkpoint.Load(evaluated, "ppo", EvaluationCallback.BestModelName);
        Assert.Contains(best.GetCounter("num_timesteps"), new long[] { 1024, 2048, 3072, 4096 });
        Assert.False(File.Exists(Path.Combine(plain, EvaluationCallback.FileName)));
    }

    [Fact]
    public void StopAtReward_StopsAtTheFirstEvaluationReachingIt_AndWritesTheModel()
    {
        // Every CartPole episode returns at least 8, so the first evaluation reaches a threshold of 1.
        using TrainingRun run = TrainingRun.Start(PpoRequest("stopped") with { EvalFrequency = 1024, EvalEpisodes = 1, StopAtReward = 1 }, Gym.Registry);
        Assert.True(run.Learn());

        Assert.NotNull(run.StopReason);
        Assert.Contains("--stop-at-reward 1", run.StopReason, StringComparison.Ordinal);
        CheckpointData model = Checkpoint.Load(run.Directory, "ppo", TrainingRun.ModelName);
        Assert.Equal(1024, model.GetCounter("num_timesteps"));
        Assert.Equal(run.StopReason, model.Extra[TrainingRun.StopReasonKey]!.GetValue<string>());
        Assert.False(File.Exists(Checkpoint.MetadataPath(run.Directory, TrainingRun.LatestCheckpointName)));
    }

    [Fact]
    public void StopAtReward_WithoutEvalFreq_IsRefusedBeforeTheFolderExists()
    {
        TrainRequest request = PpoRequest("refused") with { StopAtReward = 100 };
        var error = Assert.Throws<ArgumentException>(() => TrainingRun.Start(request, Gym.Registry));
        Assert.Contains("--eval-freq", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(request.OutputDirectory));
    }

    [Fact]
    public void Resume_WithEvaluation_ContinuesTheEvaluationsOfTheUninterruptedRun()
    {
        string uninterrupted = Train(PpoRequest("whole") with { EvalFrequency = 1024, EvalEpisodes = 2 });
        TrainRequest request = PpoRequest("halves") with { EvalFrequency = 1024, EvalEpisodes = 2 };
        using (TrainingRun first = TrainingRun.Start(request, Gym.Registry))
        using (var stop = new CancellationTokenSource())
        {
            Assert.False(first.Learn(a => { if (a.NumTimesteps >= 1536) { stop.Cancel(); } }, stop.Token));
        }

        using (TrainingRun resumed = TrainingRun.Start(new TrainRequest { ResumeDirectory = request.OutputDirectory }, Gym.Registry))
        {
            Assert.Equal(1024, Assert.IsType<EvaluationCallback>(Assert.Single(resumed.Callbacks)).Frequency);
            Assert.True(resumed.Learn());
        }

        Assert.Equal(File.ReadAllLines(Path.Combine(uninterrupted, EvaluationCallback.FileName)), File.ReadAllLines(Path.Combine(request.OutputDirectory!, EvaluationCallback.FileName)));
        Assert.Equal(WeightsBytes(uninterrupted), WeightsBytes(request.OutputDirectory!));
    }

    [Fact]
    public void CustomAlgorithm_TrainsResumesExactlyAndEvaluates()
    {
        Assert.True(HillClimbRegistered.Value);
        TrainRequest Request(string folder) => new() { Algorithm = HillClimbLearner.Name, EnvId = "CartPole-v1", Seed = 3, TotalTimesteps = 3000, OutputDirectory = _root[folder] };
        string uninterrupted = Train(Request("whole"));

        using (TrainingRun first = TrainingRun.Start(Request("halves"), Gym.Registry))
        using (var stop = new CancellationTokenSource())
        {
            Assert.Equal("test preset", first.PresetSource);
            Assert.False(first.Learn(a => { if (a.NumTimesteps >= 1500) { stop.Cancel(); } }, stop.Token));
        }

        using (TrainingRun resumed = TrainingRun.Start(new TrainRequest { ResumeDirectory = _root["halves"] }, Gym.Registry))
        {
            Assert.True(resumed.StartTimesteps >= 1500);
            Assert.True(resumed.Learn());
        }

        Assert.Equal(WeightsBytes(uninterrupted), WeightsBytes(_root["halves"]));
        LoadedPolicy loaded = AgentCheckpoint.LoadPolicy(AgentCheckpoint.Resolve(uninterrupted), Gym.Registry);
        using IEnv env = Gym.Make("CartPole-v1");
        EvaluationResult result = Evaluation.Evaluate(loaded.Policy, env, episodes: 2);
        Assert.Equal(2, result.Returns.Count);

        CliResult eval = CliHarness.Run("eval", uninterrupted, "--episodes", "2");
        Assert.True(eval.ExitCode == 0, eval.Error);
        Assert.Contains($"{HillClimbLearner.Name} on CartPole-v1", eval.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void CustomAlgorithm_OptionsAreValidatedBeforeAnythingIsWritten()
    {
        Assert.True(HillClimbRegistered.Value);
        var request = new TrainRequest { Algorithm = HillClimbLearner.Name, EnvId = "CartPole-v1", Settings = [new("noise_scale", "-1")], OutputDirectory = _root["bad"] };
        var error = Assert.Throws<ArgumentException>(() => TrainingRun.Start(request, Gym.Registry));
        Assert.Contains("noise_scale", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_root["bad"]));
    }

    [Fact]
    public void Registry_KnowsEveryFamilyMember_AndRefusesDuplicatesAndUnknownNames()
    {
        Assert.All(AlgorithmRegistry.All, d => Assert.Equal(d.OptionsType, d.DefaultOptions.GetType()));
        Assert.Equal(AlgorithmFamily.OnPolicy, AlgorithmRegistry.Get("PPO").Family);
        var unknown = Assert.Throws<ArgumentException>(() => AlgorithmRegistry.Get("nope"));
        Assert.Contains("ppo", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => AlgorithmRegistry.Register(AlgorithmRegistry.Get("ppo")));
    }

    private static string Train(TrainRequest request)
    {
        using TrainingRun run = TrainingRun.Start(request, Gym.Registry);
        Assert.True(run.Learn());
        return run.Directory;
    }

    private static byte[] WeightsBytes(string directory)
    {
        CheckpointData data = Checkpoint.Load(directory, expectedAlgorithm: null, TrainingRun.ModelName);
        return [.. data.Tensors.SelectMany(t => t.RawData.ToArray())];
    }

    private TrainRequest PpoRequest(string folder) => new()
    {
        Algorithm = "ppo",
        EnvId = "CartPole-v1",
        Seed = 1,
        TotalTimesteps = 4096,
        Settings = [new("n_steps", "32"), new("n_epochs", "2")],
        OutputDirectory = _root[folder],
    };
}
