using SharpRL.Nn;

namespace SharpRL.Tests.Nn;

public class GradientClippingTests
{
    [Fact]
    public void ClipGlobalNorm_AboveMax_ScalesToMaxNormAndReturnsOriginalNorm()
    {
        // Gradients [3, 4] and [12]: global norm √(9 + 16 + 144) = 13.
        var a = new Parameter<double>("a", 2);
        var b = new Parameter<double>("b", 1);
        double[] gradA = [3.0, 4.0];
        gradA.CopyTo(a.Gradient, 0);
        b.Gradient[0] = 12.0;

        double norm = GradientClipping.ClipGlobalNorm([a, b], 0.5);

        Assert.Equal(13.0, norm, 1e-12);
        double clipped = Math.Sqrt(a.Gradient.Concat(b.Gradient).Sum(g => g * g));
        Assert.Equal(0.5, clipped, 1e-6);
        Assert.Equal(3.0 / 4.0, a.Gradient[0] / a.Gradient[1], 1e-15);
    }

    [Fact]
    public void ClipGlobalNorm_BelowMax_LeavesGradientsUntouched()
    {
        var a = new Parameter<float>("a", 3);
        float[] gradient = [0.1f, -0.2f, 0.2f];
        gradient.CopyTo(a.Gradient, 0);

        double norm = GradientClipping.ClipGlobalNorm([a], 0.5);

        Assert.Equal(0.3, norm, 1e-6);
        Assert.Equal(gradient, a.Gradient);
    }

    [Fact]
    public void ClipGlobalNorm_ZeroGradient_ReturnsZeroWithoutNaN()
    {
        var a = new Parameter<double>("a", 4);

        Assert.Equal(0.0, GradientClipping.ClipGlobalNorm([a], 1.0));
        Assert.All(a.Gradient, g => Assert.Equal(0.0, g));
    }

    [Fact]
    public void ClipGlobalNorm_NonPositiveMaxNorm_ThrowsNamingMaxNorm()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipGlobalNorm([new Parameter<double>("a", 1)], 0));

        Assert.Equal("maxNorm", error.ParamName);
    }
}
