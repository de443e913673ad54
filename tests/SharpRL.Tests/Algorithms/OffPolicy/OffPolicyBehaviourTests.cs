using SharpRL.Algorithms.OffPolicy;
using SharpRL.Rng;
using SharpRL.Environments;
using SharpRL.Envs.Vector;

namespace SharpRL.Tests.Algorithms.OffPolicy;

public class OffPolicyBehaviourTests
{
    [Fact]
    public void OrnsteinUhlenbeck_LongRun_MatchesStationaryMeanAndVariance()
    {
        const int processes = 64, burnIn = 3000, steps = 40_000;
        var noise = new ActionNoise(ActionNoiseKind.OrnsteinUhlenbeck, processes, 1, sigma: 0.5, theta: 0.15, dt: 1e-2);
        var random = new SerializableRandom(11);
        var x = new float[processes];
        double sum = 0, sumSquares = 0;
        for (int t = 0; t < burnIn + steps; t++)
        {
            Array.Clear(x);
            noise.AddTo(x, random);
            if (t >= burnIn)
            {
                foreach (float v in x)
                {
                    sum += v;
                    sumSquares += v * v;
                }
            }
        }

        double n = (double)processes * steps;
        double mean = sum / n, variance = (sumSquares / n) - (mean * mean);

        // Stationary law of x ← (1 − θdt) x + σ√dt ε: N(0, σ²dt / (1 − (1 − θdt)²)) ≈ σ²/(2θ) = 0.833.
        double expected = noise.StationaryVariance;
        Assert.Equal(0.5 * 0.5 / (2 * 0.15), expected, 2);

        // Successive values are correlated (ρ = 1 − θdt), so the effective sample is n (1 − ρ)/(1 + ρ) ≈ 1900.
        double effective = n * (0.15e-2) / (2 - 0.15e-2);
        Assert.True(Math.Abs(mean) < 4 * Math.Sqrt(expected / effective), $"mean {mean:F4}");
        Assert.True(Math.Abs(variance - expected) < 4 * expected * Math.Sqrt(2 / effective), $"variance {variance:F4}, stationary {expected:F4}");

        noise.Reset(3);
        Assert.Equal(0.0, noise.State[3]);
        Assert.NotEqual(0.0, noise.State[4]);
    }

    [Fact]
    public void NormalNoise_Draws_HaveSigmaSquaredVariance()
    {
        var noise = new ActionNoise(ActionNoiseKind.Normal, 2, 3, sigma: 0.1);
        var random = new SerializableRandom(12);
        var x = new float[6];
        double sumSquares = 0;
        const int steps = 20_000;
        for (int t = 0; t < steps; t++)
        {
            Array.Clear(x);
            noise.AddTo(x, random);
            sumSquares += x.Sum(v => (double)v * v);
        }

        double variance = sumSquares / (6.0 * steps);
        Assert.True(Math.Abs(variance - 0.01) < 4 * 0.01 * Math.Sqrt(2.0 / (6 * steps)), $"variance {variance}");
    }

    [Fact]
    public void ActionScaling_RoundTrip_MapsBoundsToUnitInterval()
    {
        var scaling = new ActionScaling([-2f, 0f], [2f, 10f]);
        var env = new float[4];
        scaling.Unscale([-1f, -1f, 1f, 0f], env);
        Assert.Equal([-2f, 0f, 2f, 5f], env);
        var back = new float[4];
        scaling.Scale(env, back);
        Assert.Equal([-1f, -1f, 1f, 0f], back);
        Assert.Throws<ArgumentException>(() => new ActionScaling([float.NegativeInfinity], [1f]));
    }

    [Fact]
    public void Constructors_DiscreteActions_AreRefusedWithClearMessage()
    {
        using var env = new SyncVectorEnv(() => Gym.Make("CartPole-v1"), 1);
        foreach (Action create in new Action[] { () => _ = new Td3(env), () => _ = new Ddpg(env), () => _ = new Sac(env) })
        {
            var error = Assert.Throws<ArgumentException>(create);
            Assert.Contains("continuous (Box) action space", error.Message);
            Assert.Contains("Discrete", error.Message);
        }
    }

    [Fact]
    public void SacTemperature_GradientSign_AndFixedPoint()
    {
        using var env = new SyncVectorEnv([new ConstantRewardEnv(10)]);
        SacOptions options = new() { HiddenSizes = [8], BatchSize = 16, LearningStarts = 100, GradientSteps = 0 };

        // The same seed, buffer, batch and ε give the same ln π in every agent below; only H̄ differs.
        (double Gap, double Gradient, double Step, double Loss) Update(double? targetEntropy)
        {
            using var sac = new Sac(env, options with { TargetEntropy = targetEntropy is null ? "auto" : targetEntropy.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture) }, seed: 9);
            sac.Learn(120);
            sac.Buffer.Sample(sac.Batch, new SerializableRandom(1));
            StandardNormal.Fill<float>(sac.Epsilon, new SerializableRandom(2));
            double before = sac.LogAlpha.Value[0];
            sac.UpdateActorAndTemperature(sac.Alpha, out double loss);
            double gap = sac.LastLogProbs.ToArray().Average(v => (double)v) + sac.TargetEntropy;
            return (gap, sac.LogAlpha.Gradient[0], sac.LogAlpha.Value[0] - before, loss);
        }

        (double gap, double gradient, _, double loss) = Update(null);

        // L_α = −ln α (ln π + H̄): ∂L/∂ln α = −(mean ln π + H̄); at ln α = 0 the loss is 0.
        Assert.Equal(-gap, gradient, 5);
        Assert.Equal(0.0, loss, 10);
        double meanLogProb = gap + 1; // H̄ = −dim(A) = −1 here

        // Entropy below target (ln π + H̄ > 0) raises α; above target lowers it; at the target the gradient vanishes.
        (double gapLow, double gradLow, double stepLow, _) = Update(-meanLogProb + 1);
        Assert.Equal(1.0, gapLow, 4);
        Assert.True(gradLow < 0 && stepLow > 0, $"entropy too low: gradient {gradLow}, step {stepLow}");
        (double gapHigh, double gradHigh, double stepHigh, _) = Update(-meanLogProb - 1);
        Assert.Equal(-1.0, gapHigh, 4);
        Assert.True(gradHigh > 0 && stepHigh < 0, $"entropy too high: gradient {gradHigh}, step {stepHigh}");
        (_, double gradFixed, _, _) = Update(-meanLogProb);
        Assert.True(Math.Abs(gradFixed) < 1e-5, $"at H = H̄ the gradient is {gradFixed}");
    }

    [Fact]
    public void Td3_TimeLimitedEnv_LearnsBootstrappedQNotTerminalOne()
    {
        // Reward 1 forever, cut every 4 steps, γ = 0.5: the correct Q is 1/(1 − γ) = 2; a learner that
        // stores the cut as terminal converges to 1/(1 − γ·3/4) = 1.6.
        const double gamma = 0.5;
        using var env = new SyncVectorEnv([new ConstantRewardEnv(4)]);
        using var td3 = new Td3(env, new Td3Options { HiddenSizes = [16], BatchSize = 64, Gamma = gamma, LearningStarts = 200, LearningRate = 3e-3, ParallelCritics = false }, seed: 13);
        td3.Learn(2500);
        var q = new float[1];
        foreach (float action in new[] { -0.5f, 0f, 0.5f })
        {
            td3.Critic.Forward(0, [1f], [action], q, 1);
            Assert.True(Math.Abs(q[0] - 2.0) < 0.1, $"Q(s, {action}) = {q[0]}; correct 2, terminal-bug 1.6");
        }
    }
}
