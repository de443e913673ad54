using SharpRL.Algorithms.Common;
using SharpRL.Algorithms.Ppo;
using SharpRL.Nn;

using Ppo = SharpRL.Algorithms.Ppo.Ppo;

// Not SharpRL.Tests.Algorithms.Ppo: a namespace named like the Ppo class would hide it.
namespace SharpRL.Tests.Algorithms;

public class PpoTests
{
    private static PpoOptions SmallOptions() => new()
    {
        NumEnvs = 4,
        NumSteps = 8,
        BatchSize = 16,
        NumEpochs = 4,
        LearningRate = Schedule.Constant(3e-3),
        EntCoef = 0.01,
        Policy = new() { PolicyHiddenSizes = [8], ValueHiddenSizes = [8] },
    };

    private static Ppo CollectedPpo(PpoOptions options, bool continuous = false, int seed = 3)
    {
        var ppo = new Ppo(new ContextBanditVectorEnv(options.NumEnvs, continuous), options, seed);
        ppo.CollectRollout();
        ppo.Buffer.ComputeAdvantages((float)options.Gamma, (float)options.GaeLambda);
        return ppo;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ComputeGradients_FirstMinibatch_RatioIsExactlyOne(bool continuous)
    {
        Ppo ppo = CollectedPpo(SmallOptions(), continuous);
        ppo.GatherMinibatch(Enumerable.Range(0, 16).ToArray());

        var stats = ppo.ComputeGradients(16, 0.2f, 0.2f);

        Assert.Equal(0.0, stats.ApproxKl, 12);
        Assert.Equal(0.0, stats.ClipFraction);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ComputeGradients_MatchesFiniteDifferencesOfLoss(bool continuous)
    {
        // Float32 networks: central differences with h = 1e-3 agree to ~1e-3 relative; tolerance 2e-2 · max(1, |g|).
        Ppo ppo = CollectedPpo(SmallOptions() with { ClipRangeVf = 0.5 }, continuous);
        ppo.GatherMinibatch(Enumerable.Range(0, 16).ToArray());
        // Move the old log-probs so some ratios sit outside the clip range and the min is exercised.
        for (int i = 0; i < 16; i += 3)
        {
            ppo.LogProbOldBatch[i] -= 0.4f;
        }

        ppo.ComputeGradients(16, 0.2f, 0.28f);
        var analytic = ppo.Policy.Parameters.Select(p => (float[])p.Gradient.Clone()).ToList();
        const float h = 1e-3f;
        for (int pi = 0; pi < ppo.Policy.Parameters.Count; pi++)
        {
            Parameter<float> parameter = ppo.Policy.Parameters[pi];
            for (int j = 0; j < parameter.Length; j += Math.Max(1, parameter.Length / 5))
            {
                float saved = parameter.Value[j];
                parameter.Value[j] = saved + h;
                double plus = ppo.ComputeGradients(16, 0.2f, 0.28f).Loss;
                parameter.Value[j] = saved - h;
                double minus = ppo.ComputeGradients(16, 0.2f, 0.28f).Loss;
                parameter.Value[j] = saved;
                double numeric = (plus - minus) / (2 * h);
                Assert.True(
                    Math.Abs(numeric - analytic[pi][j]) <= 2e-2 * Math.Max(1, Math.Abs(numeric)),
                    $"{parameter.Name}[{j}]: analytic {analytic[pi][j]}, numeric {numeric}");
            }
        }
    }

    [Fact]
    public void ComputeGradients_AllRatiosClippedOnTheirSide_PolicyGetsNoGradient()
    {
        // Seed 002: where the clipped branch is the min, the gradient is zero, so no signal flows.
        PpoOptions options = SmallOptions() with { EntCoef = 0, VfCoef = 0 };
        Ppo ppo = CollectedPpo(options);
        ppo.GatherMinibatch(Enumerable.Range(0, 16).ToArray());
        // r = π/π_old: push every ratio beyond the clip on the side its advantage favours.
        var advantages = ppo.Buffer.Advantages;
        ppo.ComputeGradients(16, 0.2f, 0.2f);
        for (int i = 0; i < 16; i++)
        {
            float logProb = ppo.LogProbOldBatch[i];
            // Â > 0: r = e^{0.5} > 1.2 (clipped from above); Â < 0: r = e^{−0.5} < 0.8.
            ppo.LogProbOldBatch[i] = logProb - (advantages[i] >= 0 ? 0.5f : -0.5f);
        }

        var stats = ppo.ComputeGradients(16, 0.2f, 0.2f);

        Assert.Equal(1.0, stats.ClipFraction);
        foreach (Parameter<float> parameter in ppo.Policy.PolicyParameters)
        {
            Assert.All(parameter.Gradient, g => Assert.Equal(0f, g));
        }
    }

    [Fact]
    public void Learn_ContextBandit_ReachesOptimalReturn()
    {
        // Budget 4,000 steps; threshold: mean return of the last 100 episodes ≥ 0.95 (uniform policy: 0.5).
        var ppo = new Ppo(new ContextBanditVectorEnv(4), SmallOptions(), seed: 1);
        ppo.Learn(4_000);
        Assert.True(ppo.RecentMeanReturn >= 0.95, $"recent mean return {ppo.RecentMeanReturn}");
    }

    [Fact]
    public void Learn_SameSeed_SameParameters()
    {
        float[] Run()
        {
            var ppo = new Ppo(new ContextBanditVectorEnv(4), SmallOptions(), seed: 7);
            ppo.Learn(512);
            return ppo.Policy.Parameters.SelectMany(p => p.Value).ToArray();
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Constructor_BatchLargerThanRollout_ThrowsNamingSetting()
    {
        var e = Assert.Throws<ArgumentException>(() => new Ppo(new ContextBanditVectorEnv(4), SmallOptions() with { BatchSize = 64 }));
        Assert.Contains("batch_size", e.Message, StringComparison.Ordinal);
        Assert.Contains("32", e.Message, StringComparison.Ordinal);
    }
}
