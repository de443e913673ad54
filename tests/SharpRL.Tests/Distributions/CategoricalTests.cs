using SharpRL.Distributions;
using static SharpRL.Tests.Distributions.DistributionTestSupport;

namespace SharpRL.Tests.Distributions;

public class CategoricalTests
{
    [Fact]
    public void LogProb_SmallCase_MatchesLogOfSoftmax()
    {
        var categorical = new Categorical<double>(3);
        double[] logits = [1.0, 2.0, 0.5];
        double normaliser = Math.Exp(1.0) + Math.Exp(2.0) + Math.Exp(0.5);
        double[] logProb = new double[3];

        categorical.LogProb([.. logits, .. logits, .. logits], [0, 1, 2], logProb, 3);

        AssertClose([Math.Log(Math.Exp(1.0) / normaliser), Math.Log(Math.Exp(2.0) / normaliser), Math.Log(Math.Exp(0.5) / normaliser)], logProb, 1e-15, 1e-14);
    }

    [Fact]
    public void LogProbAndEntropy_EqualsTheSeparateCalls_BitForBit()
    {
        // The training step's fused call must not change a single weight: same softmax, same values.
        var categorical = new Categorical<float>(3);
        float[] logits = [1.5f, -0.25f, 0.75f, -3f, 2f, 0.125f, 40f, -40f, 0f, 0.3f, 0.3f, 0.3f];
        float[] actions = [0, 1, 2, 1];
        float[] logProb = new float[4], entropy = new float[4], fusedLogProb = new float[4], fusedEntropy = new float[4];

        categorical.LogProb(logits, actions, logProb, 4);
        categorical.Entropy(logits, entropy, 4);
        ((IDistribution<float>)categorical).LogProbAndEntropy(logits, actions, fusedLogProb, fusedEntropy, 4);

        Assert.Equal(logProb, fusedLogProb);
        Assert.Equal(entropy, fusedEntropy);
        Assert.True(entropy[0] > 0f && logProb[2] < 0f);
    }

    [Fact]
    public void LogProbAndEntropy_DefaultForOtherDistributions_EqualsTheSeparateCalls()
    {
        IDistribution<double> gaussian = new DiagGaussian<double>(2);
        double[] parameters = [0.5, -1.0, 0.1, -0.3, 2.0, 0.0, -0.5, 0.4];
        double[] actions = [0.2, -0.7, 1.5, 0.3];
        double[] logProb = new double[2], entropy = new double[2], fusedLogProb = new double[2], fusedEntropy = new double[2];

        gaussian.LogProb(parameters, actions, logProb, 2);
        gaussian.Entropy(parameters, entropy, 2);
        gaussian.LogProbAndEntropy(parameters, actions, fusedLogProb, fusedEntropy, 2);

        Assert.Equal(logProb, fusedLogProb);
        Assert.Equal(entropy, fusedEntropy);
    }

    [Fact]
    public void Entropy_UniformLogits_IsLogN()
    {
        var categorical = new Categorical<double>(5);
        double[] entropy = new double[1];

        categorical.Entropy([0.3, 0.3, 0.3, 0.3, 0.3], entropy, 1);

        Assert.Equal(Math.Log(5), entropy[0], 1e-14);
    }

    [Fact]
    public void Mode_Logits_IsArgMax()
    {
        var categorical = new Categorical<double>(4);
        double[] actions = new double[2];

        categorical.Mode([0.1, 3.0, -1.0, 2.9, -5.0, -4.0, -6.0, -4.5], actions, 2);

        Assert.Equal([1.0, 1.0], actions);
    }

    [Fact]
    public void Sample_ManyDraws_FrequenciesMatchSoftmax()
    {
        var categorical = new Categorical<double>(3);
        double[] row = [0.5, -1.0, 1.2];
        const int Draws = 60_000;
        double[] actions = new double[Draws];
        categorical.Sample(Repeat(row, Draws), actions, Draws, new Random(21));

        double normaliser = row.Sum(Math.Exp);
        for (int j = 0; j < 3; j++)
        {
            double p = Math.Exp(row[j]) / normaliser;
            double frequency = actions.Count(a => a == j) / (double)Draws;
            double standardError = Math.Sqrt(p * (1 - p) / Draws);
            Assert.True(Math.Abs(frequency - p) <= 5 * standardError, $"Category {j}: p = {p:F4}, frequency {frequency:F4} (SE {standardError:F4}).");
        }
    }

    [Fact]
    public void Sample_ZeroProbabilityCategory_IsNeverDrawn()
    {
        // e^(−200) underflows to 0 in float: that category must never come out, not even on rounding.
        var categorical = new Categorical<float>(3);
        float[] row = [100f, -100f, 100f];
        const int Draws = 5_000;
        float[] actions = new float[Draws];

        categorical.Sample(Repeat(row, Draws), actions, Draws, new Random(22));

        Assert.DoesNotContain(1f, actions);
        Assert.Contains(0f, actions);
        Assert.Contains(2f, actions);
    }

    [Fact]
    public void AllMethods_LogitsOfPlusMinus80InFloat_StayFinite()
    {
        // e^160 overflows float (max ≈ 3.4e38): only the max-shifted log-sum-exp keeps these finite.
        var categorical = new Categorical<float>(3);
        float[] p = [80f, -80f, 0f, -80f, 80f, 0f];
        float[] q = [-80f, 80f, 0f, 80f, -80f, 0f];
        float[] actions = [1f, 0f];
        float[] ones = [1f, 1f];
        float[] logProb = new float[2];
        float[] entropy = new float[2];
        float[] kl = new float[2];
        float[] gradients = new float[6];
        float[] fisher = new float[6];

        categorical.LogProb(p, actions, logProb, 2);
        categorical.Entropy(p, entropy, 2);
        categorical.Kl(p, q, kl, 2);
        categorical.LogProbBackward(p, actions, ones, gradients, 2);
        categorical.EntropyBackward(p, ones, gradients, 2);
        categorical.KlBackward(p, q, ones, gradients, 2);
        categorical.FisherVectorProduct(p, q, fisher, 2);
        categorical.Sample(p, actions, 2, new Random(23));

        Assert.All([.. logProb, .. entropy, .. kl, .. gradients, .. fisher, .. actions], value => Assert.True(float.IsFinite(value), $"{value} is not finite"));
        Assert.Equal(-160f, logProb[0], 1e-3f);
        Assert.Equal(-160f, logProb[1], 1e-3f);
        Assert.Equal(160f, kl[0], 1e-3f);
        Assert.Equal(0f, actions[0]);
    }

    [Fact]
    public void LogProbBackward_ConfidentPolicy_ChosenActionGradientKeepsPrecision()
    {
        // p = softmax(25, 0): 1 − p₀ = e^(−25)/(1 + e^(−25)) ≈ 1.4e-11, which the subtraction 1 − p₀
        // would only get to ~1e-5 relative in double.
        var categorical = new Categorical<double>(2);
        double[] gradient = new double[2];

        categorical.LogProbBackward([25, 0], [0], [1], gradient, 1);

        double others = 1 / (1 + Math.Exp(25));
        Assert.Equal(others, gradient[0], others * 1e-12);
        Assert.Equal(-others, gradient[1], others * 1e-12);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(3.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void LogProb_InvalidAction_ThrowsNamingRowAndRange(double action)
    {
        var categorical = new Categorical<double>(3);
        double[] logProb = new double[2];

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => categorical.LogProb([0, 0, 0, 0, 0, 0], [0.0, action], logProb, 2));

        Assert.Equal("actions", exception.ParamName);
        Assert.Contains("row 1", exception.Message, StringComparison.Ordinal);
        Assert.Contains("expected an integer category in [0, 3)", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LogProbBackward_InvalidAction_Throws()
    {
        var categorical = new Categorical<double>(2);

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => categorical.LogProbBackward([0, 0], [2.0], [1.0], new double[2], 1));

        Assert.Equal("actions", exception.ParamName);
    }

    [Fact]
    public void Entropy_InfiniteLogit_ThrowsNamingRowAndColumn()
    {
        var categorical = new Categorical<double>(2);

        var exception = Assert.Throws<ArgumentException>(() => categorical.Entropy([0, 0, 0, double.PositiveInfinity], new double[2], 2));

        Assert.Equal("parameters", exception.ParamName);
        Assert.Contains("row 1, column 1", exception.Message, StringComparison.Ordinal);
        Assert.Contains("expected a finite number", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Constructor_NonPositiveCategoryCount_Throws(int categoryCount)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new Categorical<double>(categoryCount));

        Assert.Equal("categoryCount", exception.ParamName);
        Assert.Contains("must be positive", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sizes_CategoryCount_AreLogitsAndOneAction()
    {
        var categorical = new Categorical<float>(6);

        Assert.Equal(6, categorical.ParameterSize);
        Assert.Equal(1, categorical.ActionSize);
    }
}
