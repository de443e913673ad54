using SharpRL.Distributions;
using static SharpRL.Tests.Distributions.DistributionTestSupport;

namespace SharpRL.Tests.Distributions;

public class DiagGaussianTests
{
    [Fact]
    public void Sizes_ActionDimension_AreMeanPlusLogStdAndD()
    {
        var gaussian = new DiagGaussian<float>(4);

        Assert.Equal(8, gaussian.ParameterSize);
        Assert.Equal(4, gaussian.ActionSize);
    }

    [Fact]
    public void LogProb_RandomInputs_MatchesLogOfClosedFormDensity()
    {
        var gaussian = new DiagGaussian<double>(2);
        var random = new Random(41);
        const int Rows = 6;
        double[] parameters = RandomParameters(gaussian, Rows, random);
        double[] actions = new double[Rows * 2];
        for (int k = 0; k < actions.Length; k++)
        {
            actions[k] = (6 * random.NextDouble()) - 3;
        }

        double[] logProb = new double[Rows];
        gaussian.LogProb(parameters, actions, logProb, Rows);

        double[] expected = new double[Rows];
        for (int i = 0; i < Rows; i++)
        {
            // N(a; μ, σ²) = exp(−(a − μ)²/(2σ²)) / (σ √(2π)), a product over the two dimensions.
            double density = 1;
            for (int j = 0; j < 2; j++)
            {
                double mean = parameters[(i * 4) + j];
                double std = Math.Exp(parameters[(i * 4) + 2 + j]);
                double gap = actions[(i * 2) + j] - mean;
                density *= Math.Exp(-gap * gap / (2 * std * std)) / (std * Math.Sqrt(2 * Math.PI));
            }

            expected[i] = Math.Log(density);
        }

        AssertClose(expected, logProb, 1e-13, 1e-13);
    }

    [Fact]
    public void Entropy_UnitStd_IsHalfLogTwoPiEPerDimension()
    {
        var gaussian = new DiagGaussian<double>(3);
        double[] entropy = new double[1];

        gaussian.Entropy([1, 2, 3, 0, 0, 0], entropy, 1);

        Assert.Equal(1.5 * Math.Log(2 * Math.PI * Math.E), entropy[0], 1e-14);
    }

    [Fact]
    public void Kl_KnownPair_MatchesHandComputed()
    {
        // p = N(0, 1), q = N(1, 2²): KL = ln 2 + (1 + 1)/(2·4) − ½ = ln 2 − ¼.
        var gaussian = new DiagGaussian<double>(1);
        double[] kl = new double[1];

        gaussian.Kl([0, 0], [1, Math.Log(2)], kl, 1);

        Assert.Equal(Math.Log(2) - 0.25, kl[0], 1e-15);
    }

    [Fact]
    public void FisherVectorProduct_Diagonal_IsInverseVarianceOnMeanAndTwoOnLogStd()
    {
        var gaussian = new DiagGaussian<double>(2);
        double[] result = new double[4];

        gaussian.FisherVectorProduct([0.3, -1, Math.Log(0.5), Math.Log(4)], [1, 1, 1, 1], result, 1);

        AssertClose([4, 1.0 / 16, 2, 2], result, 1e-15, 1e-14);
    }

    [Fact]
    public void Mode_Parameters_IsMean()
    {
        var gaussian = new DiagGaussian<double>(2);
        double[] actions = new double[4];

        gaussian.Mode([1, 2, 9, 9, -3, 4, 9, 9], actions, 2);

        Assert.Equal([1.0, 2.0, -3.0, 4.0], actions);
    }

    [Fact]
    public void Sample_ManyDraws_MatchMeanAndStd()
    {
        var gaussian = new DiagGaussian<double>(3);
        const int Draws = 40_001; // odd count × 3 dimensions: exercises the discarded Box–Muller spare
        double[] row = [1.5, -2, 0, Math.Log(0.5), Math.Log(2), 0];
        double[] actions = SampleActions(gaussian, Repeat(row, Draws), Draws, new Random(42));

        for (int j = 0; j < 3; j++)
        {
            double mean = row[j];
            double std = Math.Exp(row[3 + j]);
            double[] column = Enumerable.Range(0, Draws).Select(i => actions[(i * 3) + j]).ToArray();
            double sampleMean = column.Average();
            double sampleStd = Math.Sqrt(column.Sum(a => (a - sampleMean) * (a - sampleMean)) / (Draws - 1));

            // SE of the mean is σ/√N; of the std about σ/√(2N). Allow 5 of each.
            Assert.True(Math.Abs(sampleMean - mean) <= 5 * std / Math.Sqrt(Draws), $"Dimension {j}: mean {sampleMean}, expected {mean}");
            Assert.True(Math.Abs(sampleStd - std) <= 5 * std / Math.Sqrt(2.0 * Draws), $"Dimension {j}: std {sampleStd}, expected {std}");
        }
    }

    [Fact]
    public void LogProb_NaNAction_ThrowsNamingRowAndColumn()
    {
        var gaussian = new DiagGaussian<double>(2);

        var exception = Assert.Throws<ArgumentException>(() => gaussian.LogProb([0, 0, 0, 0], [0.5, double.NaN], new double[1], 1));

        Assert.Equal("actions", exception.ParamName);
        Assert.Contains("row 0, column 1", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void Constructor_NonPositiveDimension_Throws(int actionDimension)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new DiagGaussian<double>(actionDimension));

        Assert.Equal("actionDimension", exception.ParamName);
        Assert.Contains("must be positive", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AllMethods_FloatWithWideLogStd_StayFinite()
    {
        // σ_p²/σ_q² is formed as e^(2(s_p − s_q)), so s = ±30 (σ² = e^±60) stays finite in float.
        var gaussian = new DiagGaussian<float>(1);
        float[] p = [0f, 30f];
        float[] q = [1f, -30f];
        float[] kl = new float[1];
        float[] gradient = new float[2];

        gaussian.Kl(q, p, kl, 1);
        gaussian.KlBackward(q, p, [1f], gradient, 1);

        Assert.True(float.IsFinite(kl[0]), $"KL = {kl[0]}");
        Assert.All(gradient, value => Assert.True(float.IsFinite(value), $"{value} is not finite"));
    }
}
