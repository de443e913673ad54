using SharpRL.Algorithms.Common;
using SharpRL.Algorithms.ProximalPolicy;
using SharpRL.Logging;

namespace SharpRL.Tests.Algorithms.ProximalPolicy;

public class PpoKlTests
{
    private static PpoKlOptions SmallOptions() => new()
    {
        NumEnvs = 4,
        NumSteps = 8,
        BatchSize = 16,
        NumEpochs = 4,
        LearningRate = Schedule.Constant(3e-3),
        EntCoef = 0.01,
        Policy = AlgorithmTestSupport.SmallPolicy,
    };

    [Theory]
    [InlineData(0.001, 1.0, 0.5)]     // d < d_targ / 1.5: the policy barely moved, halve β
    [InlineData(0.0066, 1.0, 0.5)]    // just below d_targ / 1.5 = 0.00667
    [InlineData(0.00667, 1.0, 1.0)]   // inside [d_targ / 1.5, 1.5 d_targ]: keep β
    [InlineData(0.01, 1.0, 1.0)]
    [InlineData(0.015, 1.0, 1.0)]     // exactly 1.5 d_targ is not "greater": keep β
    [InlineData(0.0151, 1.0, 2.0)]    // d > 1.5 d_targ: it moved too far, double β
    [InlineData(0.5, 3.0, 6.0)]
    [InlineData(0.0, 0.25, 0.125)]
    public void AdaptBeta_ConstructedKl_FollowsPaperRule(double meanKl, double beta, double expected)
    {
        Assert.Equal(expected, PpoKl.AdaptBeta(beta, meanKl, klTarget: 0.01), 15);
    }

    [Fact]
    public void Train_RepeatedUpdates_BetaFollowsMeasuredKl()
    {
        // After each update β must equal AdaptBeta(previous β, logged d): the rule is applied, once per update.
        var sink = new MemoryMetricsSink();
        var ppo = new PpoKl(new ContextBanditVectorEnv(4), SmallOptions() with { KlTarget = 0.002 }, seed: 3, new MetricsLogger(sink));
        double beta = ppo.Beta;
        for (int i = 0; i < 6; i++)
        {
            ppo.Learn((i + 1) * 32);
            MetricsSnapshot snapshot = sink.Snapshots[^1];
            double d = snapshot.Values[MetricKeys.Kl];
            beta = PpoKl.AdaptBeta(beta, d, 0.002);
            Assert.Equal(beta, ppo.Beta);
            Assert.Equal(beta, snapshot.Values[MetricKeys.Beta]);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ComputeGradients_MatchesFiniteDifferencesOfLoss(bool continuous)
    {
        // Float32 networks: central differences with h = 1e-3; tolerance 2e-2 · max(1, |g|) as in the PPO test.
        PpoKlOptions options = SmallOptions();
        PpoKl ppo = AlgorithmTestSupport.Collected(new PpoKl(new ContextBanditVectorEnv(4, continuous), options, seed: 3));
        ppo.Batch.Gather(ppo.Buffer, Enumerable.Range(0, 16).ToArray(), ppo.Options.NormalizeAdvantage);

        // Move π_old away from π_θ so the ratios differ from 1 and the KL term has a non-zero gradient.
        for (int i = 0; i < ppo.Batch.OldDistributionParameters.Length; i += 2)
        {
            ppo.Batch.OldDistributionParameters[i] += 0.3f;
        }

        for (int i = 0; i < 16; i += 3)
        {
            ppo.Batch.LogProbOld[i] -= 0.4f;
        }

        const float beta = 2f;
        ppo.ComputeGradients(beta);
        AlgorithmTestSupport.AssertGradientMatchesFiniteDifferences(ppo.Policy.Parameters, () => ppo.ComputeGradients(beta).Loss);
    }

    [Fact]
    public void Learn_ContextBandit_ReachesOptimalReturn()
    {
        // Budget 4,000 steps; threshold: mean return of the last 100 episodes ≥ 0.95 (uniform policy: 0.5).
        var ppo = new PpoKl(new ContextBanditVectorEnv(4), SmallOptions(), seed: 1);
        ppo.Learn(4_000);
        Assert.True(ppo.RecentMeanReturn >= 0.95, $"recent mean return {ppo.RecentMeanReturn}");
    }
}
