using SharpRL.Nn.Kernels;

namespace SharpRL.Tests.Nn.Kernels;

public class ElementwiseTests
{
    // Lengths below, at and past every vector width (4, 8, 16 floats), so the SIMD bodies and the
    // scalar remainders all run.
    public static TheoryData<int> Lengths => new() { 1, 7, 16, 33, 100 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AddBias_EveryRow_AddsBiasPerColumn(int n)
    {
        const int batch = 3;
        double[] rows = Random(1, batch * n);
        double[] bias = Random(2, n);
        double[] expected = rows.Select((x, i) => x + bias[i % n]).ToArray();
        Elementwise.AddBias<double>(rows, bias, batch, n);
        Assert.Equal(expected, rows);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SumRows_BothModes_MatchColumnSums(int n)
    {
        const int batch = 5;
        double[] rows = Random(3, batch * n);
        double[] start = Random(4, n);
        double[] sums = Enumerable.Range(0, n).Select(j => Enumerable.Range(0, batch).Sum(b => rows[(b * n) + j])).ToArray();

        double[] overwritten = (double[])start.Clone();
        Elementwise.SumRows<double>(rows, overwritten, batch, n);
        double[] accumulated = (double[])start.Clone();
        Elementwise.SumRows<double>(rows, accumulated, batch, n, accumulate: true);

        for (int j = 0; j < n; j++)
        {
            Assert.Equal(sums[j], overwritten[j], 1e-12);
            Assert.Equal(start[j] + sums[j], accumulated[j], 1e-12);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Tanh_Single_MatchesMathTanh(int length)
    {
        float[] x = Random(5, length).Select(v => (float)(4 * v)).ToArray();
        float[] y = new float[length];
        Elementwise.Tanh<float>(x, y);
        float[] inPlace = (float[])x.Clone();
        Elementwise.Tanh<float>(inPlace.AsSpan());
        for (int i = 0; i < length; i++)
        {
            // A few float ulps of a value in (-1, 1).
            Assert.Equal(Math.Tanh(x[i]), y[i], 1e-6);
        }

        Assert.Equal(y, inPlace);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void TanhBackward_FloatAndDouble_EqualsGradTimesOneMinusYSquared(int length)
    {
        double[] gradOutput = Random(6, length);
        double[] y = Random(7, length);
        double[] expected = gradOutput.Select((g, i) => g * (1 - (y[i] * y[i]))).ToArray();

        double[] gradInput = new double[length];
        Elementwise.TanhBackward<double>(gradOutput, y, gradInput);
        float[] gradInputSingle = new float[length];
        Elementwise.TanhBackward<float>(ToSingle(gradOutput), ToSingle(y), gradInputSingle);

        for (int i = 0; i < length; i++)
        {
            Assert.Equal(expected[i], gradInput[i], 1e-15);
            Assert.Equal(expected[i], gradInputSingle[i], 1e-6);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Relu_FloatAndDouble_ClampsNegativesToZero(int length)
    {
        double[] x = Random(8, length);
        double[] expected = x.Select(v => Math.Max(v, 0)).ToArray();
        double[] y = new double[length];
        Elementwise.Relu<double>(x, y);
        float[] inPlace = ToSingle(x);
        Elementwise.Relu<float>(inPlace.AsSpan());
        Assert.Equal(expected, y);
        Assert.Equal(ToSingle(expected), inPlace);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ReluBackward_FloatAndDouble_PassesGradientOnlyWherePositive(int length)
    {
        double[] gradOutput = Random(9, length);
        double[] x = Random(10, length);
        x[0] = 0; // the kink: derivative taken as 0
        double[] expected = gradOutput.Select((g, i) => x[i] > 0 ? g : 0).ToArray();

        double[] gradInput = new double[length];
        Elementwise.ReluBackward<double>(gradOutput, x, gradInput);
        float[] gradInputSingle = new float[length];
        Elementwise.ReluBackward<float>(ToSingle(gradOutput), ToSingle(x), gradInputSingle);

        Assert.Equal(expected, gradInput);
        Assert.Equal(ToSingle(expected), gradInputSingle);
    }

    [Fact]
    public void ReluBackward_OutputInsteadOfInput_GivesSameGradient()
    {
        double[] gradOutput = Random(11, 37);
        double[] x = Random(12, 37);
        double[] y = x.Select(v => Math.Max(v, 0)).ToArray();
        double[] fromInput = new double[37];
        double[] fromOutput = new double[37];
        Elementwise.ReluBackward<double>(gradOutput, x, fromInput);
        Elementwise.ReluBackward<double>(gradOutput, y, fromOutput);
        Assert.Equal(fromInput, fromOutput);
    }

    [Fact]
    public void TanhBackward_HalfPrecision_UsesScalarFormula()
    {
        Half[] gradOutput = [(Half)0.5, (Half)(-2)];
        Half[] y = [(Half)0.5, (Half)0];
        Half[] gradInput = new Half[2];
        Elementwise.TanhBackward<Half>(gradOutput, y, gradInput);
        Assert.Equal([(Half)0.375, (Half)(-2)], gradInput);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ScaleAndAxpy_Double_MatchFormulas(int length)
    {
        double[] x = Random(13, length);
        double[] y = Random(14, length);
        double[] scaled = (double[])x.Clone();
        Elementwise.Scale<double>(scaled, 2.5);
        double[] axpy = (double[])y.Clone();
        Elementwise.Axpy<double>(-0.5, x, axpy);
        for (int i = 0; i < length; i++)
        {
            Assert.Equal(2.5 * x[i], scaled[i], 1e-15);
            Assert.Equal(y[i] - (0.5 * x[i]), axpy[i], 1e-15);
        }
    }

    [Fact]
    public void BatchOps_ShortOrBadSizes_ThrowNamingTheArgument()
    {
        float[] rows = new float[6];
        float[] bias = new float[3];
        Assert.Equal("rows", Assert.Throws<ArgumentException>(() => Elementwise.AddBias<float>(rows, bias, 3, 3)).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() => Elementwise.AddBias<float>(rows, bias, 1, 6)).ParamName);
        Assert.Equal("batch", Assert.Throws<ArgumentOutOfRangeException>(() => Elementwise.AddBias<float>(rows, bias, 0, 3)).ParamName);
        Assert.Equal("n", Assert.Throws<ArgumentOutOfRangeException>(() => Elementwise.SumRows<float>(rows, bias, 2, -1)).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => Elementwise.SumRows<float>(rows, bias, 1, 6)).ParamName);
        ArgumentException message = Assert.Throws<ArgumentException>(() => Elementwise.SumRows<float>(rows, bias, 4, 3));
        Assert.Contains("12", message.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PairwiseOps_MismatchedLengths_ThrowNamingTheArgument()
    {
        float[] four = new float[4];
        float[] five = new float[5];
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => Elementwise.Tanh<float>(four, five)).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => Elementwise.Relu<float>(four, five)).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => Elementwise.TanhBackward<float>(four, five, four)).ParamName);
        Assert.Equal("gradInput", Assert.Throws<ArgumentException>(() => Elementwise.TanhBackward<float>(four, four, five)).ParamName);
        Assert.Equal("activation", Assert.Throws<ArgumentException>(() => Elementwise.ReluBackward<float>(four, five, four)).ParamName);
        Assert.Equal("gradInput", Assert.Throws<ArgumentException>(() => Elementwise.ReluBackward<float>(four, four, five)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => Elementwise.Axpy<float>(1f, four, five)).ParamName);
    }

    private static double[] Random(int seed, int length)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (random.NextDouble() * 2) - 1).ToArray();
    }

    private static float[] ToSingle(double[] values) => values.Select(v => (float)v).ToArray();
}
