using SharpRL.Algorithms.Common;
using SharpRL.Algorithms.TrustRegion;
using SharpRL.Distributions;
using SharpRL.Logging;
using SharpRL.Nn;
using SharpRL.Tests.Algorithms.Common;


namespace SharpRL.Tests.Algorithms.TrustRegion;

public class NpgTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ConjugateGradient_ExactFisherOfTinyPolicy_MatchesDenseSolve(bool gaussian)
    {
        // A 3-5-2 tanh policy (categorical over 2 actions, or a 2-d Gaussian with a state-independent log-std)
        // on 6 states. F + λI is formed column by column from the Fisher-vector product, symmetry checked, and
        // (F + λI) x = g solved by Gaussian elimination; CG with enough iterations must agree.
        var random = new Random(11);
        var network = Mlp<double>.Create([3, 5, 2], Activation.Tanh, random, hiddenGain: 1.0, outputGain: 1.0);
        IDistribution<double> distribution;
        Parameter<double>? logStd = null;
        if (gaussian)
        {
            distribution = new DiagGaussian<double>(2);
            logStd = new Parameter<double>("log_std", 2);
            logStd.Value[0] = -0.3;
            logStd.Value[1] = 0.2;
        }
        else
        {
            distribution = new Categorical<double>(2);
        }

        const int batch = 6;
        const double damping = 0.05;
        var fisher = new PolicyFisher<double>(network, distribution, logStd, damping);
        int n = fisher.ParameterCount;
        double[] observations = [.. Enumerable.Range(0, batch * 3).Select(_ => (2 * random.NextDouble()) - 1)];
        double[] g = [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() - 0.5)];

        double[,] dense = new double[n, n];
        double[] unit = new double[n];
        double[] column = new double[n];
        for (int j = 0; j < n; j++)
        {
            unit[j] = 1;
            fisher.Multiply(observations, unit, column, batch);
            unit[j] = 0;
            for (int i = 0; i < n; i++)
            {
                dense[i, j] = column[i];
            }
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < i; j++)
            {
                Assert.Equal(dense[i, j], dense[j, i], 1e-12);
            }
        }

        double[] expected = DenseSolver.Solve(dense, g);
        double[] x = new double[n];
        ConjugateGradientResult result = new ConjugateGradient<double>(n).Solve(
            (v, r) => fisher.Multiply(observations, v, r, batch), g, x, maxIterations: 4 * n, tolerance: 1e-12);

        Assert.True(result.Converged, $"CG stopped at residual {result.ResidualNorm} after {result.Iterations} iterations");
        // F has rank ≤ 6 states × 2 (or 4) outputs, so CG needs far fewer than dim θ = 32 (34) iterations.
        Assert.True(result.Iterations < n, $"{result.Iterations} iterations for dimension {n}");
        double scale = expected.Max(v => Math.Abs(v));
        for (int i = 0; i < n; i++)
        {
            Assert.True(Math.Abs(expected[i] - x[i]) <= 1e-8 * scale, $"x[{i}]: CG {x[i]}, dense {expected[i]}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Train_ConvergedConjugateGradient_StepKlIsTargetKl(bool continuous)
    {
        // η = √(2δ / xᵀFx) puts the step on the edge of the quadratic model ½ ΔθᵀFΔθ = δ. For a small δ the true
        // mean KL(π_old ‖ π_new) matches to second order; tolerance 15 % covers the cubic term and the damping.
        const double delta = 1e-3;
        var options = new NpgOptions
        {
            NumEnvs = 4,
            NumSteps = 16,
            BatchSize = 16,
            TargetKl = delta,
            CgDamping = 1e-3,
            CgMaxSteps = 60,
            CgTolerance = 0,
            Policy = AlgorithmTestSupport.SmallPolicy,
        };
        var sink = new MemoryMetricsSink();
        var npg = new Npg(new ContextBanditVectorEnv(4, continuous), options, seed: 4, new MetricsLogger(sink));

        npg.Learn(64);

        double kl = sink.Series(MetricKeys.Kl)[0].Value;
        Assert.InRange(kl, 0.85 * delta, 1.15 * delta);
        Assert.True(sink.Series(MetricKeys.CgResidual)[0].Value < 1e-3, "CG should have converged");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Learn_ContextBandit_ReachesOptimalReturn(bool continuous)
    {
        // Budget 4,000 steps (62 natural steps of KL 0.02); threshold: mean return of the last 100 episodes ≥ 0.95.
        var options = new NpgOptions
        {
            NumEnvs = 4,
            NumSteps = 16,
            BatchSize = 16,
            TargetKl = 0.02,
            Policy = AlgorithmTestSupport.SmallPolicy,
        };
        var npg = new Npg(new ContextBanditVectorEnv(4, continuous), options, seed: 1);
        npg.Learn(4_000);
        Assert.True(npg.RecentMeanReturn >= 0.95, $"recent mean return {npg.RecentMeanReturn}");
    }

    [Fact]
    public void Constructor_NonPositiveTargetKl_ThrowsNamingSetting()
    {
        var e = Assert.Throws<ArgumentException>(() => new Npg(new ContextBanditVectorEnv(1), new NpgOptions { TargetKl = 0 }));
        Assert.Contains("target_kl", e.Message, StringComparison.Ordinal);
    }
}
