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

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void ComputeGradients_AllRatiosClippedOnTheirSide_PolicyGetsNoGradient(int seed)
    {
        // "Lecture 8: PPO, DDPG / TD3": where the clipped branch is the min, the gradient is zero, so no signal flows.
        Ppo ppo = RatiosPushed(seed, towardsClip: true);

        var stats = ppo.ComputeGradients(0.2f, 0.2f);

        Assert.Equal(1.0, stats.ClipFraction);
        foreach (Parameter<float> parameter in ppo.Policy.PolicyParameters)
        {
            Assert.All(parameter.Gradient, g => Assert.Equal(0f, g));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void ComputeGradients_AllRatiosBeyondClipOnTheOtherSide_PolicyGetsGradient(int seed)
    {
        // The mirror image: r beyond the clip on the side the advantage disfavours keeps the unclipped term as
        // the min, so the gradient flows (and the test above is not passing because gradients are always 0).
        Ppo ppo = RatiosPushed(seed, towardsClip: false);

        var stats = ppo.ComputeGradients(0.2f, 0.2f);

        Assert.Equal(1.0, stats.ClipFraction);
        Assert.Contains(ppo.Policy.PolicyParameters, p => p.Gradient.Any(g => g != 0f));
    }

    /// <summary>
    /// A PPO learner at θ = θ_old with its first minibatch gathered and ln π_old moved so every ratio
    /// r = π/π_old is e^{±0.5}: beyond 1 ± 0.2 on the side the sample's (normalised, as the loss sees it)
    /// advantage favours when <paramref name="towardsClip"/>, on the other side otherwise.
    /// </summary>
    private static Ppo RatiosPushed(int seed, bool towardsClip)
    {
        PpoOptions options = SmallOptions() with { EntCoef = 0, VfCoef = 0 };
        Ppo ppo = CollectedPpo(options, seed: seed);
        ppo.Batch.Gather(ppo.Buffer, Enumerable.Range(0, 16).ToArray(), ppo.Options.NormalizeAdvantage);
        ReadOnlySpan<float> advantages = ppo.Batch.Advantages;
        Span<float> logProbOld = ppo.Batch.LogProbOld;
        for (int i = 0; i < 16; i++)
        {
            // Â > 0: r = e^{0.5} > 1.2 is clipped from above (the min); Â < 0: r = e^{−0.5} < 0.8 from below.
            float push = (advantages[i] >= 0) == towardsClip ? 0.5f : -0.5f;
            logProbOld[i] -= push;
        }

        return ppo;
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

    [Fact]
    public void Constructor_NonPositiveLayerWidth_ThrowsTheRunLayersMessage()
    {
        // The size checks are part of the options' own Validate, so a program that constructs the
        // algorithm directly gets the same refusal as `sharprl train --set policy.pi_hidden=0`.
        PpoOptions options = SmallOptions() with { Policy = AlgorithmTestSupport.SmallPolicy with { PolicyHiddenSizes = [0] } };

        var e = Assert.Throws<ArgumentException>(() => new Ppo(new ContextBanditVectorEnv(4), options));

        Assert.StartsWith("Setting policy.pi_hidden = 0 is invalid; expected positive layer widths", e.Message, StringComparison.Ordinal);
    }
}
