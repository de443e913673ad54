using SharpRL.Algorithms.Common;

namespace SharpRL.Tests.Algorithms.Common;

/// <summary>
/// Each loss of <see cref="Losses"/> in double precision: its value against the formula written out, and the
/// derivative it writes against central differences of its value (h = 1e-6, tolerance 1e-7), at inputs kept
/// away from the kinks of the clipped terms.
/// </summary>
public class LossesTests
{
    private const int M = 7;
    private const double H = 1e-6;
    private const double Tolerance = 1e-7;

    [Fact]
    public void ClippedSurrogate_MatchesFormulaAndCentralDifferences()
    {
        var random = new Random(1);
        double[] logProbOld = Uniform(random, -2, -0.1);

        // Ratios on both sides of the asymmetric band [0.8, 1.28] and inside it, away from its edges.
        double[] logRatio = [-0.5, -0.1, 0.05, 0.4, -0.4, 0.1, 0.6];
        double[] logProb = [.. logProbOld.Select((x, i) => x + logRatio[i])];
        double[] advantage = [1.3, -0.7, 0.4, -1.1, 0.9, 2.0, 0.5];
        double[] grad = new double[M];

        ClippedSurrogateResult result = Losses.ClippedSurrogate<double>(logProb, logProbOld, advantage, 0.2, 0.28, grad);

        double expected = 0, approxKl = 0;
        int clipped = 0;
        for (int i = 0; i < M; i++)
        {
            double r = Math.Exp(logRatio[i]);
            double rc = Math.Clamp(r, 0.8, 1.28);
            expected -= Math.Min(r * advantage[i], rc * advantage[i]) / M;
            approxKl += (r - 1 - logRatio[i]) / M;
            clipped += r != rc ? 1 : 0;
        }

        Assert.Equal(expected, result.Loss, 12);
        Assert.Equal(approxKl, result.ApproxKl, 12);
        Assert.Equal((double)clipped / M, result.ClipFraction);
        Assert.InRange(clipped, 2, M - 2);
        AssertMatchesCentralDifferences(logProb, grad, x => Losses.ClippedSurrogate<double>(x, logProbOld, advantage, 0.2, 0.28, new double[M]).Loss);

        // Where the clip is the min, no gradient flows: sample 0 (Â > 0, r = e^−0.5 < 0.8) is unclipped-min,
        // sample 3 (Â < 0, r = e^0.4 > 1.28) is unclipped-min, sample 6 (Â > 0, r = e^0.6 > 1.28) is clipped.
        Assert.NotEqual(0.0, grad[0]);
        Assert.NotEqual(0.0, grad[3]);
        Assert.Equal(0.0, grad[6]);
    }

    [Fact]
    public void Surrogate_MatchesFormulaAndCentralDifferences()
    {
        var random = new Random(2);
        double[] logProbOld = Uniform(random, -2, -0.1);
        double[] logProb = [.. logProbOld.Select(x => x + ((random.NextDouble() - 0.5) * 0.6))];
        double[] advantage = Uniform(random, -1, 1);
        double[] grad = new double[M];

        double loss = Losses.Surrogate<double>(logProb, logProbOld, advantage, grad);

        Assert.Equal(-Enumerable.Range(0, M).Sum(i => Math.Exp(logProb[i] - logProbOld[i]) * advantage[i]) / M, loss, 12);
        AssertMatchesCentralDifferences(logProb, grad, x => Losses.Surrogate<double>(x, logProbOld, advantage, new double[M]));
    }

    [Fact]
    public void ScoreFunction_MatchesFormulaAndCentralDifferences()
    {
        var random = new Random(3);
        double[] logProb = Uniform(random, -2, -0.1);
        double[] advantage = Uniform(random, -1, 1);
        double[] grad = new double[M];

        double loss = Losses.ScoreFunction<double>(logProb, advantage, grad);

        Assert.Equal(-Enumerable.Range(0, M).Sum(i => logProb[i] * advantage[i]) / M, loss, 12);
        AssertMatchesCentralDifferences(logProb, grad, x => Losses.ScoreFunction<double>(x, advantage, new double[M]));
    }

    [Fact]
    public void Surrogate_AtOldPolicy_HasTheScoreFunctionGradient()
    {
        // At θ = θ_old, r = 1 and ∂(r Â)/∂ ln π = Â: PPO's first step is the REINFORCE gradient (Huang et al. 2022).
        var random = new Random(4);
        double[] logProb = Uniform(random, -2, -0.1);
        double[] advantage = Uniform(random, -1, 1);
        double[] surrogateGrad = new double[M];
        double[] scoreGrad = new double[M];

        Losses.Surrogate<double>(logProb, logProb, advantage, surrogateGrad);
        Losses.ScoreFunction<double>(logProb, advantage, scoreGrad);

        Assert.Equal(scoreGrad, surrogateGrad);
    }

    [Fact]
    public void KlPenalty_MatchesFormulaAndCentralDifferences()
    {
        var random = new Random(5);
        double[] kl = Uniform(random, 0, 0.1);
        double[] grad = new double[M];

        double meanKl = Losses.KlPenalty<double>(kl, 3.0, grad);

        Assert.Equal(kl.Average(), meanKl, 14);
        AssertMatchesCentralDifferences(kl, grad, x => 3.0 * Losses.KlPenalty<double>(x, 3.0, new double[M]));
    }

    [Fact]
    public void EntropyBonus_MatchesFormulaAndCentralDifferences()
    {
        var random = new Random(6);
        double[] entropy = Uniform(random, 0, 1.5);
        double[] grad = new double[M];

        double entropyLoss = Losses.EntropyBonus<double>(entropy, 0.01, grad);

        Assert.Equal(-entropy.Average(), entropyLoss, 14);
        AssertMatchesCentralDifferences(entropy, grad, x => 0.01 * Losses.EntropyBonus<double>(x, 0.01, new double[M]));
    }

    [Fact]
    public void ValueMse_MatchesFormulaAndCentralDifferences()
    {
        var random = new Random(7);
        double[] value = Uniform(random, -2, 2);
        double[] target = Uniform(random, -2, 2);
        double[] grad = new double[M];

        double loss = Losses.ValueMse<double>(value, target, 0.5, grad);

        Assert.Equal(Enumerable.Range(0, M).Average(i => (value[i] - target[i]) * (value[i] - target[i])), loss, 12);
        AssertMatchesCentralDifferences(value, grad, x => 0.5 * Losses.ValueMse<double>(x, target, 0.5, new double[M]));
    }

    [Fact]
    public void ClippedValueMse_IsSb3sClipOfThePrediction_AndMatchesCentralDifferences()
    {
        // SB3: V_c = V_old + clamp(V − V_old, −ε, ε); L = mean (R − V_c)². Steps inside and outside the band ±0.2.
        double[] valueOld = [0.0, 1.0, -1.0, 0.5, 2.0, -0.3, 0.1];
        double[] step = [0.1, -0.5, 0.35, -0.05, 0.15, -0.25, 0.6];
        double[] value = [.. valueOld.Select((v, i) => v + step[i])];
        double[] target = [0.3, 0.0, -2.0, 0.2, 2.5, -0.1, -0.4];
        double[] grad = new double[M];

        double loss = Losses.ClippedValueMse<double>(value, valueOld, target, 0.2, 0.5, grad);

        double expected = Enumerable.Range(0, M).Average(i =>
        {
            double clipped = valueOld[i] + Math.Clamp(value[i] - valueOld[i], -0.2, 0.2);
            return (clipped - target[i]) * (clipped - target[i]);
        });
        Assert.Equal(expected, loss, 12);
        AssertMatchesCentralDifferences(value, grad, x => 0.5 * Losses.ClippedValueMse<double>(x, valueOld, target, 0.2, 0.5, new double[M]));
        for (int i = 0; i < M; i++)
        {
            Assert.True(Math.Abs(step[i]) <= 0.2 ? grad[i] != 0 : grad[i] == 0, $"sample {i}: step {step[i]}, gradient {grad[i]}");
        }
    }

    [Fact]
    public void Losses_MismatchedLengths_ThrowNamingTheLengths()
    {
        var e = Assert.Throws<ArgumentException>(() => Losses.ValueMse<double>(new double[3], new double[4], 1, new double[3]));
        Assert.Contains("3, 4", e.Message, StringComparison.Ordinal);
    }

    private static double[] Uniform(Random random, double low, double high) =>
        [.. Enumerable.Range(0, M).Select(_ => low + ((high - low) * random.NextDouble()))];

    private static void AssertMatchesCentralDifferences(double[] input, double[] analytic, Func<double[], double> loss)
    {
        for (int i = 0; i < input.Length; i++)
        {
            double[] plus = (double[])input.Clone();
            double[] minus = (double[])input.Clone();
            plus[i] += H;
            minus[i] -= H;
            double numeric = (loss(plus) - loss(minus)) / (2 * H);
            Assert.True(Math.Abs(numeric - analytic[i]) <= Tolerance * Math.Max(1, Math.Abs(numeric)), $"d/dx[{i}]: analytic {analytic[i]}, numeric {numeric}");
        }
    }
}
