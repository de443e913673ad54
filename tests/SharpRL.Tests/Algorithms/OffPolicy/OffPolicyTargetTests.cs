using SharpRL.Algorithms.OffPolicy;
using SharpRL.Rng;
using SharpRL.Envs.Vector;
using SharpRL.Nn;
using SharpRL.Policies;

namespace SharpRL.Tests.Algorithms.OffPolicy;

/// <summary>
/// TD3's and SAC's regression targets on a hand-made batch, against a hand computation with networks
/// whose weights are set so each output has a closed form (one hidden ReLU unit). Row 0 is an ordinary
/// step, row 1 terminated (y = r), row 2 truncated (d = 0, s' is the episode's final observation:
/// it must bootstrap), row 3 has a large μ'(s') so the target action is clipped at 1.
/// </summary>
public class OffPolicyTargetTests
{
    private static readonly float[] NextObs = [0.3f, -0.4f, 0.8f, 5f];
    private static readonly float[] Rewards = [1f, -2f, 0.5f, 3f];
    private static readonly float[] Terminated = [0f, 1f, 0f, 0f];

    // Critic i: Q_i(s, a) = v_i relu(ws_i s + wa_i a + c_i) + e_i.
    private static readonly (float Ws, float Wa, float C, float V, float E)[] CriticWeights = [(1f, 2f, 0.5f, 1.5f, 0.1f), (-0.5f, 1f, 1f, 2f, -0.3f)];

    private static void SetOneUnit(Mlp<float> network, float[] firstWeights, float firstBias, float[] secondWeights, float[] secondBias)
    {
        firstWeights.CopyTo(network.Layers[0].Weight.Value, 0);
        network.Layers[0].Bias.Value[0] = firstBias;
        secondWeights.CopyTo(network.Layers[1].Weight.Value, 0);
        secondBias.CopyTo(network.Layers[1].Bias.Value, 0);
    }

    private static void SetCritics(QCritic<float> critic)
    {
        for (int i = 0; i < critic.Count; i++)
        {
            (float ws, float wa, float c, float v, float e) = CriticWeights[i];
            SetOneUnit(critic.Networks[i], [ws, wa], c, [v], [e]);
        }
    }

    private static double HandQ(int i, double s, double a)
    {
        (float ws, float wa, float c, float v, float e) = CriticWeights[i];
        return (v * Math.Max(0, (ws * s) + (wa * a) + c)) + e;
    }

    private static void FillBatch(ReplayBatch batch)
    {
        NextObs.CopyTo(batch.NextObservations, 0);
        Rewards.CopyTo(batch.Rewards, 0);
        Terminated.CopyTo(batch.Terminated, 0);
    }

    [Fact]
    public void Td3Targets_HandMadeBatch_MatchHandComputation()
    {
        const double gamma = 0.9, sigma = 0.2, clip = 0.5;
        using var env = new SyncVectorEnv([new ConstantRewardEnv(10)]);
        using var td3 = new Td3(env, new Td3Options { HiddenSizes = [1], BatchSize = 4, Gamma = gamma, TargetPolicyNoise = sigma, TargetNoiseClip = clip }, seed: 3);

        // μ'(s') = tanh(1.2 relu(s') + 0.1)
        SetOneUnit(td3.ActorTarget.Network, [1f], 0f, [1.2f], [0.1f]);
        SetCritics(td3.CriticTarget);
        FillBatch(td3.Batch);

        // The smoothing noise is the next four normals of the agent's generator.
        var replay = new SerializableRandom(td3.Random.GetState());
        var epsilon = new float[4];
        StandardNormal.Fill<float>(epsilon, replay);
        td3.ComputeTargets();

        for (int r = 0; r < 4; r++)
        {
            double mu = Math.Tanh((1.2 * Math.Max(0, NextObs[r])) + 0.1);
            double noise = Math.Clamp(sigma * epsilon[r], -clip, clip);
            double action = Math.Clamp(mu + noise, -1, 1);
            double minQ = Math.Min(HandQ(0, NextObs[r], action), HandQ(1, NextObs[r], action));
            double y = Rewards[r] + (gamma * (1 - Terminated[r]) * minQ);
            Assert.Equal(y, td3.Targets[r], 1e-5);
        }

        // The terminated row is just r; the truncated row bootstraps (y ≠ r).
        Assert.Equal(-2f, td3.Targets[1]);
        Assert.NotEqual(Rewards[2], td3.Targets[2]);
    }

    [Fact]
    public void SacTargets_HandMadeBatch_MatchHandComputation()
    {
        const double gamma = 0.95, alpha = 0.3;
        using var env = new SyncVectorEnv([new ConstantRewardEnv(10)]);
        using var sac = new Sac(env, new SacOptions { HiddenSizes = [1], BatchSize = 4, Gamma = gamma, EntCoef = "0.3" }, seed: 4);

        // [μ, log σ](s') = [0.8 relu(s') − 0.2, −0.5 relu(s') + 0.3]
        SetOneUnit(sac.Actor.Network, [1f], 0f, [0.8f, -0.5f], [-0.2f, 0.3f]);
        SetCritics(sac.CriticTarget);
        FillBatch(sac.Batch);
        float[] epsilon = [0.7f, -1.3f, 0.2f, 2.1f];
        epsilon.CopyTo(sac.Epsilon, 0);
        sac.ComputeTargets(alpha);

        for (int r = 0; r < 4; r++)
        {
            double h = Math.Max(0, NextObs[r]);
            double mu = (0.8 * h) - 0.2, logStd = (-0.5 * h) + 0.3, std = Math.Exp(logStd);
            double u = mu + (std * epsilon[r]);
            double action = Math.Tanh(u);

            // ln π(a') by the textbook change of variables: ln N(u; μ, σ) − ln(1 − tanh² u).
            double logProb = (-0.5 * epsilon[r] * epsilon[r]) - logStd - (0.5 * Math.Log(2 * Math.PI)) - Math.Log(1 - (action * action));
            double minQ = Math.Min(HandQ(0, NextObs[r], action), HandQ(1, NextObs[r], action));
            double y = Rewards[r] + (gamma * (1 - Terminated[r]) * (minQ - (alpha * logProb)));
            Assert.Equal(y, sac.Targets[r], 1e-4);
        }

        Assert.Equal(-2f, sac.Targets[1]);
    }

    [Fact]
    public void Polyak_KnownValues_IsExact()
    {
        var source = new Parameter<double>("w", 3);
        var target = new Parameter<double>("w", 3);
        ((double[])[3.0, -1.0, 0.5]).CopyTo(source.Value, 0);
        ((double[])[1.0, 1.0, 0.0]).CopyTo(target.Value, 0);
        TargetNetworks.Polyak([source], [target], 0.25);

        // (1 − τ) θ' + τ θ with exactly representable values.
        Assert.Equal([1.5, 0.5, 0.125], target.Value);

        TargetNetworks.Polyak([source], [target], 1.0);
        Assert.Equal(source.Value, target.Value);
        Assert.Throws<ArgumentOutOfRangeException>(() => TargetNetworks.Polyak([source], [target], 0));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Td3Train_PolicyDelay_ActorAndTargetsMoveOnlyEveryDelaySteps(int delay)
    {
        using var env = new SyncVectorEnv([new StepCountEnv(timeLimit: 7)]);
        using var td3 = new Td3(env, new Td3Options { HiddenSizes = [8], BatchSize = 8, LearningStarts = 50, PolicyDelay = delay, GradientSteps = 0, TrainFreq = 1 }, seed: 5);
        td3.Learn(60);
        for (int update = 1; update <= 2 * delay; update++)
        {
            float[] actor = Snapshot(td3.Actor.Parameters), actorTarget = Snapshot(td3.ActorTarget.Parameters);
            float[] critic = Snapshot([.. td3.Critic.Parameters]), criticTarget = Snapshot([.. td3.CriticTarget.Parameters]);
            td3.Train(1);
            Assert.Equal(update, td3.NumUpdates);
            bool policyStep = update % delay == 0;
            Assert.False(critic.AsSpan().SequenceEqual(Snapshot([.. td3.Critic.Parameters])), $"critic must move at update {update}");
            Assert.Equal(policyStep, !actor.AsSpan().SequenceEqual(Snapshot(td3.Actor.Parameters)));
            Assert.Equal(policyStep, !actorTarget.AsSpan().SequenceEqual(Snapshot(td3.ActorTarget.Parameters)));
            Assert.Equal(policyStep, !criticTarget.AsSpan().SequenceEqual(Snapshot([.. td3.CriticTarget.Parameters])));
        }
    }

    private static float[] Snapshot(IReadOnlyList<Parameter<float>> parameters) => [.. parameters.SelectMany(p => p.Value)];
}
