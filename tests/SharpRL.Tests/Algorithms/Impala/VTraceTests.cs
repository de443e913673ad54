using SharpRL.Algorithms.Impala;

namespace SharpRL.Tests.Algorithms.Impala;

/// <summary>
/// V-trace (Espeholt et al. 2018, section 4) on constructed trajectories: a hand computation, the
/// on-policy reduction to n-step returns, the clipping of ρ and c, and episode boundaries inside a chunk.
/// The recursion under test is checked against the paper's sum v_s = V(x_s) + Σ_t γ^{t−s} (Π_{i&lt;t} c_i) δ_t V,
/// written out naively below.
/// </summary>
public class VTraceTests
{
    private const double Gamma = 0.9;

    [Fact]
    public void Compute_ConstructedTrajectory_MatchesHandComputation()
    {
        // T = 3, γ = 0.9, ρ̄ = c̄ = λ = 1. V(x_0..x_3) = 1, 2, 3, 4 (x_3 the bootstrap), r = 1, 0, 2, π/μ = 0.5, 2, 0.8.
        // ρ = c = 0.5, 1 (2 clipped), 0.8.
        // δ_2 = 0.8 (2 + 0.9·4 − 3) = 2.08
        // δ_1 = 1.0 (0 + 0.9·3 − 2) = 0.7
        // δ_0 = 0.5 (1 + 0.9·2 − 1) = 0.9
        // v_2 = 3 + 2.08 = 5.08
        // v_1 = 2 + 0.7 + 0.9·1·2.08 = 4.572
        // v_0 = 1 + 0.9 + 0.9·0.5·2.572 = 3.0574   (the sum: 1 + 0.9 + 0.9·0.5·0.7 + 0.81·0.5·1·2.08 = 3.0574)
        // A_2 = 0.8 (2 + 0.9·4 − 3) = 2.08;  A_1 = 1 (0 + 0.9·5.08 − 2) = 2.572;  A_0 = 0.5 (1 + 0.9·4.572 − 1) = 2.0574
        double[] values = [1, 2, 3];
        double[] nextValues = [2, 3, 4];
        double[] rewards = [1, 0, 2];
        double[] logRatios = [Math.Log(0.5), Math.Log(2.0), Math.Log(0.8)];
        var vs = new double[3];
        var advantages = new double[3];

        int clipped = VTrace.Compute<double>(logRatios, rewards, values, nextValues, new bool[3], new VTraceSettings(Gamma), vs, advantages);

        Assert.Equal(1, clipped);
        AssertClose([3.0574, 4.572, 5.08], vs);
        AssertClose([2.0574, 2.572, 2.08], advantages);
    }

    [Fact]
    public void Compute_FloatAndDouble_Agree()
    {
        var random = new Random(3);
        (double[] logRatios, double[] rewards, double[] values, double[] nextValues, bool[] ends) = RandomTrajectory(random, 12, endAt: [4]);
        var vs = new double[12];
        var advantages = new double[12];
        var vsFloat = new float[12];
        var advantagesFloat = new float[12];
        VTrace.Compute<double>(logRatios, rewards, values, nextValues, ends, new VTraceSettings(Gamma), vs, advantages);
        VTrace.Compute<float>(ToFloat(logRatios), ToFloat(rewards), ToFloat(values), ToFloat(nextValues), ends, new VTraceSettings(Gamma), vsFloat, advantagesFloat);
        for (int i = 0; i < 12; i++)
        {
            Assert.Equal(vs[i], vsFloat[i], 4);
            Assert.Equal(advantages[i], advantagesFloat[i], 4);
        }
    }

    [Fact]
    public void Compute_OnPolicy_IsTheNStepReturn()
    {
        // π = μ: ρ = c = 1, so v_s = Σ_{t=s}^{T−1} γ^{t−s} r_t + γ^{T−s} V(x_T) and A_s = v_s − V(x_s).
        var random = new Random(4);
        const int T = 6;
        double[] values = Uniform(random, T, -1, 1);
        double bootstrap = 0.7;
        double[] nextValues = [.. values.Skip(1), bootstrap];
        double[] rewards = Uniform(random, T, -1, 2);
        var vs = new double[T];
        var advantages = new double[T];

        int clipped = VTrace.Compute<double>(new double[T], rewards, values, nextValues, new bool[T], new VTraceSettings(Gamma), vs, advantages);

        Assert.Equal(0, clipped);
        for (int s = 0; s < T; s++)
        {
            double nStep = Math.Pow(Gamma, T - s) * bootstrap;
            for (int t = s; t < T; t++)
            {
                nStep += Math.Pow(Gamma, t - s) * rewards[t];
            }

            Assert.Equal(nStep, vs[s], 12);
            Assert.Equal(nStep - values[s], advantages[s], 12);
        }
    }

    [Fact]
    public void Compute_TerminationMidChunk_CutsTheReturnAndDoesNotBootstrap()
    {
        // Step 2 terminates: v_s for s ≤ 2 is the discounted reward sum up to step 2 (V after a terminal state is 0,
        // whatever V(x_3) of the next episode is); steps 3..5 are an n-step return of the next episode.
        var random = new Random(5);
        const int T = 6;
        double[] values = Uniform(random, T, -1, 1);
        double bootstrap = -0.4;
        double[] nextValues = [values[1], values[2], 0.0, values[4], values[5], bootstrap];
        double[] rewards = Uniform(random, T, -1, 2);
        bool[] ends = [false, false, true, false, false, false];
        var vs = new double[T];
        var advantages = new double[T];

        VTrace.Compute<double>(new double[T], rewards, values, nextValues, ends, new VTraceSettings(Gamma), vs, advantages);

        for (int s = 0; s <= 2; s++)
        {
            double expected = Enumerable.Range(s, 3 - s).Sum(t => Math.Pow(Gamma, t - s) * rewards[t]);
            Assert.Equal(expected, vs[s], 12);
            Assert.Equal(expected - values[s], advantages[s], 12);
        }

        for (int s = 3; s < T; s++)
        {
            double expected = (Math.Pow(Gamma, T - s) * bootstrap) + Enumerable.Range(s, T - s).Sum(t => Math.Pow(Gamma, t - s) * rewards[t]);
            Assert.Equal(expected, vs[s], 12);
        }

        // Nothing of the next episode reaches the terminated one: changing its rewards leaves v_0..v_2 as they were.
        double[] before = [.. vs];
        rewards[4] += 10;
        VTrace.Compute<double>(new double[T], rewards, values, nextValues, ends, new VTraceSettings(Gamma), vs, advantages);
        Assert.Equal(before.Take(3), vs.Take(3));
        Assert.NotEqual(before[3], vs[3]);
    }

    [Fact]
    public void Compute_TruncationMidChunk_BootstrapsFromTheFinalObservation()
    {
        // Step 1 hits the time limit with V(final observation) = 5: v_0 = r_0 + γ r_1 + γ² · 5 (on-policy), not a cut at 0.
        double[] values = [0.5, -0.3, 1.0, 2.0];
        const double finalValue = 5.0;
        double[] nextValues = [values[1], finalValue, values[3], 3.0];
        double[] rewards = [1.0, 2.0, -1.0, 0.5];
        bool[] ends = [false, true, false, false];
        var vs = new double[4];
        var advantages = new double[4];

        VTrace.Compute<double>(new double[4], rewards, values, nextValues, ends, new VTraceSettings(Gamma), vs, advantages);

        Assert.Equal(1.0 + (Gamma * 2.0) + (Gamma * Gamma * finalValue), vs[0], 12);
        Assert.Equal(2.0 + (Gamma * finalValue), vs[1], 12);
        Assert.Equal(2.0 + (Gamma * finalValue) - values[1], advantages[1], 12);
        Assert.Equal(-1.0 + (Gamma * 0.5) + (Gamma * Gamma * 3.0), vs[2], 12);
    }

    [Theory]
    [InlineData(1.0, 1.0, 1.0)]
    [InlineData(2.0, 0.5, 1.0)]
    [InlineData(1.0, 1.0, 0.6)]
    [InlineData(0.5, 0.5, 1.0)]
    public void Compute_OffPolicy_MatchesThePapersSum(double rhoBar, double cBar, double lambda)
    {
        var random = new Random(6);
        const int T = 9;
        (_, double[] rewards, double[] values, double[] nextValues, bool[] ends) = RandomTrajectory(random, T, endAt: [3, 6]);

        // π/μ = 0.30, 2.46, 0.74, 3.00, 1.22, 0.45, 2.12, 0.37, 1.49: some clipped by each ρ̄ and c̄ below, some not.
        double[] logRatios = [-1.2, 0.9, -0.3, 1.1, 0.2, -0.8, 0.75, -1.0, 0.4];
        var settings = new VTraceSettings(Gamma, rhoBar, cBar, lambda);
        var vs = new double[T];
        var advantages = new double[T];

        int clipped = VTrace.Compute<double>(logRatios, rewards, values, nextValues, ends, settings, vs, advantages);

        (double[] expectedVs, double[] expectedAdvantages) = Reference(logRatios, rewards, values, nextValues, ends, settings);
        AssertClose(expectedVs, vs);
        AssertClose(expectedAdvantages, advantages);
        Assert.Equal(logRatios.Count(l => Math.Exp(l) > rhoBar), clipped);
        Assert.InRange(clipped, 1, T - 1);
    }

    [Fact]
    public void Compute_RatiosAboveTheClip_ActOnPolicy()
    {
        // With ρ̄ = c̄ = 1 every π/μ ≥ 1 is clipped to 1: the targets are the on-policy n-step returns.
        var random = new Random(7);
        const int T = 5;
        double[] values = Uniform(random, T, -1, 1);
        double[] nextValues = [.. values.Skip(1), 0.3];
        double[] rewards = Uniform(random, T, 0, 1);
        var onPolicy = new double[T];
        var clippedVs = new double[T];
        var advantages = new double[T];
        VTrace.Compute<double>(new double[T], rewards, values, nextValues, new bool[T], new VTraceSettings(Gamma), onPolicy, advantages);

        int clipped = VTrace.Compute<double>([.. Enumerable.Repeat(Math.Log(3.0), T)], rewards, values, nextValues, new bool[T], new VTraceSettings(Gamma), clippedVs, advantages);

        Assert.Equal(T, clipped);
        AssertClose(onPolicy, clippedVs);
    }

    [Fact]
    public void Compute_ActionsThePolicyWouldNeverTake_LeaveTheValuesUncorrected()
    {
        // π/μ → 0: ρ = c = 0, so v_s = V(x_s) and the policy gradient is 0 (the behaviour policy's actions teach nothing).
        double[] values = [0.2, 0.4, 0.6];
        double[] nextValues = [0.4, 0.6, 0.8];
        var vs = new double[3];
        var advantages = new double[3];
        VTrace.Compute<double>([-80.0, -80.0, -80.0], [1.0, 1.0, 1.0], values, nextValues, new bool[3], new VTraceSettings(Gamma), vs, advantages);
        AssertClose(values, vs);
        AssertClose([0.0, 0.0, 0.0], advantages);
    }

    [Fact]
    public void Compute_MismatchedLengths_AreRefusedWithTheLengths()
    {
        var error = Assert.Throws<ArgumentException>(() => VTrace.Compute<double>(new double[3], new double[2], new double[3], new double[3], new bool[3], new VTraceSettings(Gamma), new double[3], new double[3]));
        Assert.Contains("rewards 2", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The paper's definition, equation (1), summed directly up to each step's episode boundary or the chunk's end.</summary>
    internal static (double[] Vs, double[] Advantages) Reference(double[] logRatios, double[] rewards, double[] values, double[] nextValues, bool[] ends, VTraceSettings settings)
    {
        int n = rewards.Length;
        double[] rho = [.. logRatios.Select(l => Math.Min(settings.RhoBar, Math.Exp(l)))];
        double[] c = [.. logRatios.Select(l => settings.Lambda * Math.Min(settings.CBar, Math.Exp(l)))];
        double[] delta = [.. Enumerable.Range(0, n).Select(t => rho[t] * (rewards[t] + (settings.Gamma * nextValues[t]) - values[t]))];
        var vs = new double[n];
        for (int s = 0; s < n; s++)
        {
            double sum = 0, traceProduct = 1;
            for (int t = s; t < n; t++)
            {
                sum += Math.Pow(settings.Gamma, t - s) * traceProduct * delta[t];
                if (ends[t])
                {
                    break;
                }

                traceProduct *= c[t];
            }

            vs[s] = values[s] + sum;
        }

        // v_{s+1}: the successor's value itself after a boundary or at the chunk's end, else the next target.
        double[] advantages = [.. Enumerable.Range(0, n).Select(s =>
        {
            double vNext = ends[s] || s == n - 1 ? nextValues[s] : vs[s + 1];
            return rho[s] * (rewards[s] + (settings.Gamma * vNext) - values[s]);
        })];
        return (vs, advantages);
    }

    private static (double[] LogRatios, double[] Rewards, double[] Values, double[] NextValues, bool[] Ends) RandomTrajectory(Random random, int length, int[] endAt)
    {
        double[] logRatios = Uniform(random, length, -1.2, 1.2);
        double[] rewards = Uniform(random, length, -1, 1);
        double[] values = Uniform(random, length, -2, 2);
        bool[] ends = [.. Enumerable.Range(0, length).Select(endAt.Contains)];

        // Terminated at the first boundary (0), truncated with some V(final observation) at the others.
        double[] nextValues = [.. Enumerable.Range(0, length).Select(t =>
            !ends[t] ? (t + 1 < length ? values[t + 1] : 0.5)
            : t == endAt[0] ? 0.0 : 1.5)];
        return (logRatios, rewards, values, nextValues, ends);
    }

    private static double[] Uniform(Random random, int count, double low, double high) =>
        [.. Enumerable.Range(0, count).Select(_ => low + ((high - low) * random.NextDouble()))];

    private static float[] ToFloat(double[] values) => [.. values.Select(v => (float)v)];

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected[i])), $"[{i}]: expected {expected[i]}, got {actual[i]}");
        }
    }
}
