using SharpRL.Algorithms.TrustRegion;
using SharpRL.Logging;


namespace SharpRL.Tests.Algorithms.TrustRegion;

public class TrpoTests
{
    private static TrpoOptions SmallOptions() => new()
    {
        NumEnvs = 4,
        NumSteps = 16,
        BatchSize = 16,
        Policy = AlgorithmTestSupport.SmallPolicy,
    };

    /// <summary>A TRPO learner with a collected and gathered rollout, L(θ_old) and g = ∇L(θ_old).</summary>
    private static (Trpo Trpo, double SurrogateOld, float[] Gradient) Prepared(bool continuous)
    {
        Trpo trpo = AlgorithmTestSupport.Collected(new Trpo(new ContextBanditVectorEnv(4, continuous), SmallOptions(), seed: 6));
        trpo.Natural.Gather(normalizeAdvantage: true);
        float[] gradient = new float[trpo.Natural.ParameterCount];
        double surrogateOld = trpo.Natural.Surrogate(0, gradient, out double klOld);
        Assert.Equal(0.0, klOld, 6);
        return (trpo, surrogateOld, gradient);
    }

    private static float[] PolicyValues(Trpo trpo)
    {
        float[] theta = new float[trpo.Natural.ParameterCount];
        trpo.Natural.PolicyVector.CopyValuesTo(theta);
        return theta;
    }

    private static double Norm(float[] v) => Math.Sqrt(v.Sum(x => (double)x * x));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LineSearch_EveryFractionViolatesKl_RejectsAndRestoresParameters(bool continuous)
    {
        (Trpo trpo, double surrogateOld, float[] gradient) = Prepared(continuous);
        float[] before = PolicyValues(trpo);

        // A step of length 50 along g: even the smallest fraction tried, 0.8⁹ ≈ 0.13, moves θ by ≈ 7, far outside
        // KL ≤ 0.01 (the surrogate may well improve, so only the KL bound can reject it).
        var result = trpo.LineSearch(gradient, maxStep: 50 / Norm(gradient), surrogateOld);

        Assert.False(result.Accepted);
        Assert.Equal(0.0, result.StepFraction);
        Assert.Equal(before, PolicyValues(trpo));
        trpo.Natural.Surrogate(0, default, out double klAfter);
        Assert.Equal(0.0, klAfter, 6);
    }

    [Fact]
    public void LineSearch_StepAgainstGradient_RejectedBecauseSurrogateDrops()
    {
        (Trpo trpo, double surrogateOld, float[] gradient) = Prepared(continuous: false);
        float[] before = PolicyValues(trpo);
        float[] descent = [.. gradient.Select(g => -g)];

        // Tiny steps downhill satisfy the KL bound but never improve L.
        var result = trpo.LineSearch(descent, maxStep: 1e-3 / Norm(gradient), surrogateOld);

        Assert.False(result.Accepted);
        Assert.Equal(before, PolicyValues(trpo));
    }

    [Fact]
    public void LineSearch_FullStepTwiceTheBound_AcceptsAShrunkenStepWithinBound()
    {
        (Trpo trpo, double surrogateOld, float[] gradient) = Prepared(continuous: false);
        float[] before = PolicyValues(trpo);
        double delta = trpo.Options.TargetKl;

        // KL grows quadratically along a ray: measure it at a small step s₀, then aim the full step at KL ≈ 2δ.
        double s0 = 0.05 / Norm(gradient);
        trpo.Natural.PolicyVector.AddScaledToValues((float)s0, gradient);
        trpo.Natural.Surrogate(0, default, out double kl0);
        trpo.Natural.PolicyVector.SetValues(before);
        double maxStep = s0 * Math.Sqrt(2 * delta / kl0);

        var result = trpo.LineSearch(gradient, maxStep, surrogateOld);

        Assert.True(result.Accepted);
        Assert.InRange(result.StepFraction, 0.05, 0.81);
        Assert.True(result.Kl <= delta, $"accepted KL {result.Kl} > δ {delta}");
        Assert.True(result.Surrogate > surrogateOld);
        Assert.NotEqual(before, PolicyValues(trpo));
    }

    [Fact]
    public void Learn_OneIteration_LogsTrustRegionMetrics()
    {
        var sink = new MemoryMetricsSink();
        var trpo = new Trpo(new ContextBanditVectorEnv(4), SmallOptions(), seed: 2, new MetricsLogger(sink));

        trpo.Learn(64);

        IReadOnlyDictionary<string, double> values = sink.Snapshots[0].Values;
        Assert.Equal(1.0, values[MetricKeys.IsLineSearchSuccess]);
        Assert.InRange(values[MetricKeys.StepFraction], 0.1, 1.0);
        Assert.InRange(values[MetricKeys.Kl], 1e-6, trpo.Options.TargetKl);
        Assert.InRange(values[MetricKeys.CgResidual], 0.0, 1.0);
        Assert.True(values.ContainsKey(MetricKeys.ValueLoss));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Learn_ContextBandit_ReachesOptimalReturn(bool continuous)
    {
        // Budget 4,000 steps (62 updates, δ = 0.02); threshold: mean return of the last 100 episodes ≥ 0.95.
        var trpo = new Trpo(new ContextBanditVectorEnv(4, continuous), SmallOptions() with { TargetKl = 0.02 }, seed: 1);
        trpo.Learn(4_000);
        Assert.True(trpo.RecentMeanReturn >= 0.95, $"recent mean return {trpo.RecentMeanReturn}");
    }
}
