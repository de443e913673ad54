using SharpRL.Nn;

namespace SharpRL.Tests.Nn;

public class ParameterVectorTests
{
    [Fact]
    public void CopyValuesTo_TwoParameters_ConcatenatesInListOrder()
    {
        (ParameterVector<double> vector, Parameter<double> a, Parameter<double> b) = Create();
        double[] valuesA = [1, 2, 3, 4];
        valuesA.CopyTo(a.Value, 0);
        b.Value[0] = 5;
        b.Value[1] = 6;
        double[] flat = new double[vector.Count];

        vector.CopyValuesTo(flat);

        Assert.Equal(6, vector.Count);
        Assert.Equal([1.0, 2, 3, 4, 5, 6], flat);
    }

    [Fact]
    public void SetValues_ThenCopyValuesTo_RoundTrips()
    {
        (ParameterVector<double> vector, Parameter<double> a, Parameter<double> b) = Create();
        double[] values = [6, 5, 4, 3, 2, 1];

        vector.SetValues(values);

        Assert.Equal([6.0, 5, 4, 3], a.Value);
        Assert.Equal([2.0, 1], b.Value);
    }

    [Fact]
    public void CopyGradientsTo_AndSetTangents_UseGradientAndTangentArrays()
    {
        (ParameterVector<double> vector, Parameter<double> a, Parameter<double> b) = Create();
        a.Gradient[3] = 7;
        b.Gradient[1] = 8;
        double[] gradient = new double[6];

        vector.CopyGradientsTo(gradient);
        vector.SetTangents([1, 1, 1, 1, -1, -1]);

        Assert.Equal([0.0, 0, 0, 7, 0, 8], gradient);
        Assert.Equal([1.0, 1, 1, 1], a.Tangent);
        Assert.Equal([-1.0, -1], b.Tangent);
        Assert.All(a.Value, v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void AddScaledToValues_Direction_AddsAlphaTimesDirection()
    {
        (ParameterVector<double> vector, _, Parameter<double> b) = Create();
        vector.SetValues([1, 1, 1, 1, 1, 1]);

        vector.AddScaledToValues(-0.5, [2, 4, 6, 8, 10, 12]);

        double[] flat = new double[6];
        vector.CopyValuesTo(flat);
        Assert.Equal([0.0, -1, -2, -3, -4, -5], flat);
        Assert.Equal([-4.0, -5], b.Value);
    }

    [Fact]
    public void SetValues_WrongLength_ThrowsWithExpectedCount()
    {
        (ParameterVector<double> vector, _, _) = Create();

        var error = Assert.Throws<ArgumentException>(() => vector.SetValues(new double[5]));

        Assert.Equal("values", error.ParamName);
        Assert.Contains("5 elements", error.Message);
        Assert.Contains("6", error.Message);
    }

    [Fact]
    public void AddScaledToValues_WrongLength_ThrowsNamingDirection()
    {
        (ParameterVector<double> vector, _, _) = Create();

        var error = Assert.Throws<ArgumentException>(() => vector.AddScaledToValues(1.0, new double[7]));

        Assert.Equal("direction", error.ParamName);
    }

    [Fact]
    public void Count_MlpParameters_EqualsSumOfLengths()
    {
        var mlp = new Mlp<float>([4, 64, 64, 2], Activation.Tanh);

        var vector = new ParameterVector<float>(mlp.Parameters);

        Assert.Equal((4 * 64) + 64 + (64 * 64) + 64 + (64 * 2) + 2, vector.Count);
    }

    private static (ParameterVector<double> Vector, Parameter<double> A, Parameter<double> B) Create()
    {
        var a = new Parameter<double>("a", 2, 2);
        var b = new Parameter<double>("b", 2);
        return (new ParameterVector<double>([a, b]), a, b);
    }
}
