using SharpRL.Algorithms.Common;
using SharpRL.Algorithms.ProximalPolicy;
using SharpRL.Nn;


namespace SharpRL.Tests.Algorithms.ProximalPolicy;

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
        Policy = AlgorithmTestSupport.SmallPolicy,
    };

    private static Ppo CollectedPpo(PpoOptions options, bool continuous = false, int seed = 3)
        => AlgorithmTestSupport.Collected(new Ppo(new ContextBanditVectorEnv(options.NumEnvs, continuous), options, seed));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ComputeGradients_FirstMinibatch_RatioIsExactlyOne(bool continuous)
    {
        Ppo ppo = CollectedPpo(SmallOptions(), continuous);
        ppo.Batch.Gather(ppo.Buffer, Enumerable.Range(0, 16).ToArray(), ppo.Options.NormalizeAdvantage);

        var stats = ppo.ComputeGradients(0.2f, 0.2f);

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
        ppo.Batch.Gather(ppo.Buffer, Enumerable.Range(0, 16).ToArray(), ppo.Options.NormalizeAdvantage);
        // Move the old log-probs so some ratios sit outside the clip range and the min is exercised.
        for (int i = 0; i < 16; i += 3)
        {
            ppo.Batch.LogProbOld[i] -= 0.4f;
        }

        ppo.ComputeGradients(0.2f, 0.28f);
        AlgorithmTestSupport.AssertGradientMatchesFiniteDifferences(ppo.Policy.Parameters, () => ppo.ComputeGradients(0.2f, 0.28f).Loss);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ComputeGradients_SharedTrunk_MatchesFiniteDifferencesOfLoss(bool continuous)
    {
        // One trunk under both heads: its gradient is the sum of the policy and value terms.
        PpoOptions options = SmallOptions() with { Policy = AlgorithmTestSupport.SmallPolicy with { SharedTrunk = true } };
        Ppo ppo = CollectedPpo(options, continuous);
        Assert.True(ppo.Policy.SharesTrunk);
        Assert.Equal(ppo.Policy.Parameters.Count, ppo.Policy.Parameters.Select(p => p.Name).Distinct().Count());
        Assert.Contains(ppo.Policy.Parameters, p => p.Name.StartsWith("trunk.", StringComparison.Ordinal));
        ppo.Batch.Gather(ppo.Buffer, Enumerable.Range(0, 16).ToArray(), ppo.Options.NormalizeAdvantage);
        for (int i = 0; i < 16; i += 3)
        {
            ppo.Batch.LogProbOld[i] -= 0.4f;
        }

        ppo.ComputeGradients(0.2f, 0.2f);
        AlgorithmTestSupport.AssertGradientMatchesFiniteDifferences(ppo.Policy.Parameters, () => ppo.ComputeGradients(0.2f, 0.2f).Loss);
    }

    [Fact]
    public void Learn_SharedTrunkContextBandit_ReachesOptimalReturn()
    {
        // Budget 4,000 steps; threshold: mean return of the last 100 episodes ≥ 0.95 (uniform policy: 0.5).
        PpoOptions options = SmallOptions() with { Policy = AlgorithmTestSupport.SmallPolicy with { SharedTrunk = true } };
        using var ppo = new Ppo(new ContextBanditVectorEnv(4), options, seed: 1);
        ppo.Learn(4_000);
        Assert.True(ppo.RecentMeanReturn >= 0.95, $"recent mean return {ppo.RecentMeanReturn}");
    }

    [Fact]
    public void ComputeGradients_AllRatiosClippedOnTheirSide_PolicyGetsNoGradient()
    {
        // "Lecture 8: PPO, DDPG / TD3": where the clipped branch is the min, the gradient is zero, so no signal flows.
        PpoOptions options = SmallOptions() with { EntCoef = 0, VfCoef = 0 };
        Ppo ppo = CollectedPpo(options);
        ppo.Batch.Gather(ppo.Buffer, Enumerable.Range(0, 16).ToArray(), ppo.Options.NormalizeAdvantage);
        // r = π/π_old: push every ratio beyond the clip on the side its advantage favours.
        var advantages = ppo.Buffer.Advantages;
        ppo.ComputeGradients(0.2f, 0.2f);
        for (int i = 0; i < 16; i++)
        {
            float logProb = ppo.Batch.LogProbOld[i];
            // Â > 0: r = e^{0.5} > 1.2 (clipped from above); Â < 0: r = e^{−0.5} < 0.8.
            ppo.Batch.LogProbOld[i] = logProb - (advantages[i] >= 0 ? 0.5f : -0.5f);
        }

        var stats = ppo.ComputeGradients(0.2f, 0.2f);

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
