using SharpRL.Nn;

namespace SharpRL.Tests.Nn;

public class ActivationTests
{
    [Fact]
    public void TanhForward_KnownValues_MatchMathTanh()
    {
        var tanh = new Tanh<double>(3);
        double[] output = new double[3];

        tanh.Forward([-1.0, 0.0, 0.5], output, 1);

        Assert.Equal([Math.Tanh(-1.0), 0.0, Math.Tanh(0.5)], output);
    }

    [Fact]
    public void TanhBackward_RandomLoss_MatchesFiniteDifferences()
    {
        var rng = new Random(10);
        GradientCheck.AssertBackwardMatchesFiniteDifferences(new Tanh<double>(4), GradientCheck.RandomArray(rng, 3 * 4, 2.0), 3, rng);
    }

    [Fact]
    public void TanhJvp_RandomTangent_MatchesFiniteDifferences()
    {
        var rng = new Random(11);
        GradientCheck.AssertJvpMatchesFiniteDifferences(new Tanh<double>(4), GradientCheck.RandomArray(rng, 3 * 4, 2.0), 3, rng);
    }

    [Fact]
    public void ReluForward_KnownValues_ClampsNegativesToZero()
    {
        var relu = new Relu<double>(4);
        double[] output = new double[4];

        relu.Forward([-2.0, 0.0, 0.5, 3.0], output, 1);

        Assert.Equal([0.0, 0.0, 0.5, 3.0], output);
    }

    [Fact]
    public void ReluBackward_AtZero_GradientIsZero()
    {
        var relu = new Relu<double>(2);
        relu.Forward([0.0, 1.0], new double[2], 1);
        double[] gradInput = new double[2];

        relu.Backward([5.0, 5.0], gradInput, 1);

        Assert.Equal([0.0, 5.0], gradInput);
    }

    [Fact]
    public void ReluBackward_RandomLossAwayFromKink_MatchesFiniteDifferences()
    {
        var rng = new Random(12);
        GradientCheck.AssertBackwardMatchesFiniteDifferences(new Relu<double>(4), AwayFromZero(rng, 3 * 4), 3, rng);
    }

    [Fact]
    public void ReluJvp_RandomTangentAwayFromKink_MatchesFiniteDifferences()
    {
        var rng = new Random(13);
        GradientCheck.AssertJvpMatchesFiniteDifferences(new Relu<double>(4), AwayFromZero(rng, 3 * 4), 3, rng);
    }

    [Fact]
    public void TanhBackward_WithoutForward_ThrowsInvalidOperation()
    {
        var tanh = new Tanh<double>(2);

        Assert.Throws<InvalidOperationException>(() => tanh.Backward(new double[2], new double[2], 1));
    }

    [Fact]
    public void ReluConstructor_ZeroSize_ThrowsNamingSize()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Relu<float>(0));

        Assert.Equal("size", error.ParamName);
    }

    /// <summary>Entries ±[0.1, 1.1): the kink at 0 is far beyond the finite-difference step.</summary>
    private static double[] AwayFromZero(Random rng, int length)
    {
        var values = new double[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (rng.Next(2) == 0 ? -1 : 1) * (0.1 + rng.NextDouble());
        }

        return values;
    }
}
