using SharpRL.Nn;

namespace SharpRL.Tests.Nn;

public class InitTests
{
    [Theory]
    [InlineData(64, 4, 1.0)]
    [InlineData(4, 64, 1.4142135623730951)]
    [InlineData(16, 16, 0.01)]
    [InlineData(1, 5, 2.0)]
    public void Orthogonal_AnyShape_SmallerSideIsOrthonormalTimesGain(int rows, int cols, double gain)
    {
        var weight = new Parameter<double>("w", rows, cols);

        Init.Orthogonal(weight, gain, new Random(30));

        // Tall W: WᵀW = gain²·I (cols × cols). Wide W: WWᵀ = gain²·I (rows × rows).
        bool tall = rows >= cols;
        int n = Math.Min(rows, cols);
        double[] w = weight.Value;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double dot = 0;
                for (int p = 0; p < Math.Max(rows, cols); p++)
                {
                    dot += tall ? w[(p * cols) + i] * w[(p * cols) + j] : w[(i * cols) + p] * w[(j * cols) + p];
                }

                Assert.Equal(i == j ? gain * gain : 0.0, dot, 1e-12);
            }
        }
    }

    [Fact]
    public void Orthogonal_Float_OrthonormalToSinglePrecision()
    {
        var weight = new Parameter<float>("w", 64, 64);

        Init.Orthogonal(weight, 1.0, new Random(31));

        // Row 0 with itself and with row 1 (float rounding of 64 terms: tolerance 1e-5).
        float[] w = weight.Value;
        double self = 0;
        double cross = 0;
        for (int p = 0; p < 64; p++)
        {
            self += w[p] * w[p];
            cross += w[p] * w[64 + p];
        }

        Assert.Equal(1.0, self, 1e-5);
        Assert.Equal(0.0, cross, 1e-5);
    }

    [Fact]
    public void Orthogonal_DifferentSeeds_DifferentWeights()
    {
        var a = new Parameter<double>("w", 8, 8);
        var b = new Parameter<double>("w", 8, 8);

        Init.Orthogonal(a, 1.0, new Random(1));
        Init.Orthogonal(b, 1.0, new Random(2));

        Assert.NotEqual(a.Value, b.Value);
    }

    [Fact]
    public void OrthogonalLinear_NonZeroBias_ZeroesBias()
    {
        var layer = new Linear<double>(3, 2);
        Array.Fill(layer.Bias.Value, 5.0);

        Init.Orthogonal(layer, 1.0, new Random(3));

        Assert.All(layer.Bias.Value, b => Assert.Equal(0.0, b));
        Assert.Contains(layer.Weight.Value, w => w != 0);
    }

    [Fact]
    public void Orthogonal_OneDimensionalParameter_ThrowsNamingWeight()
    {
        var error = Assert.Throws<ArgumentException>(() => Init.Orthogonal(new Parameter<double>("bias", 4), 1.0, new Random(0)));

        Assert.Equal("weight", error.ParamName);
        Assert.Contains("2-D", error.Message);
    }
}
