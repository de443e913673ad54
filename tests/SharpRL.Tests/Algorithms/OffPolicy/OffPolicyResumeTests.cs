using SharpRL.Algorithms.OffPolicy;
using SharpRL.Environments;
using SharpRL.Envs;
using SharpRL.Envs.Vector;
using SharpRL.Nn;
using SharpRL.Serialization;

namespace SharpRL.Tests.Algorithms.OffPolicy;

/// <summary>
/// Exact resume: N steps straight and M &lt; N steps + checkpoint + a fresh agent loading it + the rest
/// give identical weights, optimiser moments and buffers. M is past learning_starts and mid-episode
/// (Pendulum episodes are 200 steps), with live Ornstein–Uhlenbeck noise and a training phase in progress.
/// Small networks keep it fast; the code path is the one the presets use.
/// </summary>
public class OffPolicyResumeTests : IDisposable
{
    private const long Total = 1500;
    private const long Split = 1130;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sharprl-offpolicy-resume-" + Guid.NewGuid().ToString("N"));

    public static TheoryData<string> Algorithms => ["td3", "ddpg", "sac"];

    private static OffPolicyAlgorithm Create(string name, IVectorEnv env) => name switch
    {
        "td3" => new Td3(env, new Td3Options { HiddenSizes = [16, 16], BatchSize = 32, LearningStarts = 1000, NoiseType = ActionNoiseKind.OrnsteinUhlenbeck, NoiseStd = 0.5, TrainFreq = 1, TrainFreqUnit = TrainFrequencyUnit.Episode, GradientSteps = -1 }, seed: 21),
        "ddpg" => new Ddpg(env, new DdpgOptions { HiddenSizes = [16, 16], BatchSize = 32, LearningStarts = 1000, NoiseType = ActionNoiseKind.OrnsteinUhlenbeck, NoiseStd = 0.5, TrainFreq = 7, GradientSteps = 3 }, seed: 22),
        _ => new Sac(env, new SacOptions { HiddenSizes = [16, 16], BatchSize = 32, LearningStarts = 1000 }, seed: 23),
    };

    private static SyncVectorEnv Pendulum() => new(() => Gym.Make("Pendulum-v1"), 1);

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Resume_MidEpisodePastLearningStarts_GivesIdenticalWeights(string name)
    {
        using SyncVectorEnv straightEnv = Pendulum();
        using OffPolicyAlgorithm straight = Create(name, straightEnv);
        straight.Learn(Total);

        using (SyncVectorEnv firstEnv = Pendulum())
        using (OffPolicyAlgorithm first = Create(name, firstEnv))
        {
            first.Learn(Split);
            Assert.True(first.NumUpdates > 0 || name == "td3", "the split must come after training started");
            Assert.NotEqual(0, first.NumTimesteps % 200);
            OffPolicyCheckpoint.Save(first, _directory);
        }

        using SyncVectorEnv resumedEnv = Pendulum();
        using OffPolicyAlgorithm resumed = Create(name, resumedEnv);
        Assert.True(OffPolicyCheckpoint.Load(resumed, _directory));
        resumed.Learn(Total);

        Assert.Equal(straight.NumUpdates, resumed.NumUpdates);
        Assert.True(straight.NumUpdates > 0);
        for (int g = 0; g < straight.Networks.Count; g++)
        {
            IReadOnlyList<Parameter<float>> a = straight.Networks[g].Value, b = resumed.Networks[g].Value;
            for (int p = 0; p < a.Count; p++)
            {
                Assert.True(a[p].Value.AsSpan().SequenceEqual(b[p].Value), $"{name}: {a[p].Name} differs after resume");
            }
        }

        for (int o = 0; o < straight.Optimizers.Count; o++)
        {
            var sa = straight.Optimizers[o].Value.SaveState();
            var sb = resumed.Optimizers[o].Value.SaveState();
            Assert.Equal(sa.StepCount, sb.StepCount);
            foreach ((string key, float[][] buffers) in sa.Buffers)
            {
                for (int i = 0; i < buffers.Length; i++)
                {
                    Assert.True(buffers[i].AsSpan().SequenceEqual(sb.Buffers[key][i]), $"{name}: optimizer {straight.Optimizers[o].Key} {key}[{i}] differs");
                }
            }
        }

        Assert.True(straight.Buffer.Observations.SequenceEqual(resumed.Buffer.Observations));
        Assert.Equal(straight.Random.GetState(), resumed.Random.GetState());
    }

    [Fact]
    public void Load_WithoutReplayBuffer_ReportsInexactAndEmptiesBuffer()
    {
        using SyncVectorEnv env = Pendulum();
        using OffPolicyAlgorithm agent = Create("sac", env);
        agent.Learn(300);
        OffPolicyCheckpoint.Save(agent, _directory, saveReplayBuffer: false);
        Assert.False(File.Exists(Path.Combine(_directory, OffPolicyCheckpoint.ReplayBufferFile)));
        using SyncVectorEnv env2 = Pendulum();
        using OffPolicyAlgorithm copy = Create("sac", env2);
        Assert.False(OffPolicyCheckpoint.Load(copy, _directory));
        Assert.Equal(0, copy.Buffer.Count);
        Assert.Equal(300, copy.NumTimesteps);
    }

    [Fact]
    public void Load_EnvWithoutState_ReportsInexactAndRestartsEpisodes()
    {
        // ConstantRewardEnv is not an IStatefulEnv: a mid-episode checkpoint cannot restore it.
        using var env = new SyncVectorEnv([new ConstantRewardEnv(10_000)]);
        using var agent = new Sac(env, new SacOptions { HiddenSizes = [8], BatchSize = 16, LearningStarts = 50 }, seed: 3);
        agent.Learn(120);
        OffPolicyCheckpoint.Save(agent, _directory);
        using var env2 = new SyncVectorEnv([new ConstantRewardEnv(10_000)]);
        using var copy = new Sac(env2, new SacOptions { HiddenSizes = [8], BatchSize = 16, LearningStarts = 50 }, seed: 3);
        Assert.False(OffPolicyCheckpoint.Load(copy, _directory));
        Assert.Equal(agent.Buffer.Count, copy.Buffer.Count);
        Assert.True(copy.Learn(140));
        Assert.Equal(140, copy.NumTimesteps);
    }

    [Fact]
    public void Load_CorruptOrForeignCheckpoint_IsRefusedBeforeTouchingTheAgent()
    {
        using SyncVectorEnv env = Pendulum();
        using OffPolicyAlgorithm sac = Create("sac", env);
        sac.Learn(100);
        OffPolicyCheckpoint.Save(sac, _directory);

        using SyncVectorEnv env2 = Pendulum();
        using OffPolicyAlgorithm td3 = Create("td3", env2);
        float before = ((Td3)td3).Actor.Parameters[0].Value[0];
        var foreign = Assert.Throws<CheckpointException>(() => OffPolicyCheckpoint.Load(td3, _directory));
        Assert.Contains("sac", foreign.Message);

        string weights = Directory.GetFiles(_directory, "checkpoint.*.safetensors").Single();
        byte[] model = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, model[..(model.Length / 2)]);
        using SyncVectorEnv env3 = Pendulum();
        using OffPolicyAlgorithm sac2 = Create("sac", env3);
        float sacBefore = ((Sac)sac2).Actor.Parameters[0].Value[0];
        Assert.Throws<CheckpointException>(() => OffPolicyCheckpoint.Load(sac2, _directory));
        Assert.Equal(sacBefore, ((Sac)sac2).Actor.Parameters[0].Value[0]);
        Assert.Equal(0, sac2.NumTimesteps);
        Assert.Equal(before, ((Td3)td3).Actor.Parameters[0].Value[0]);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}
