using SharpRL.Environments.MuJoCo;

namespace SharpRL.Environments.Tests.MuJoCo;

public class MuJoCoBenchmarkResultTests
{
    [Fact]
    public void PairedRatios_MedianAndQuartiles_InterpolateLinearlyWhateverTheOrder()
    {
        // Sorted 0.9, 1.0, 1.1, 1.4: median halfway between 1.0 and 1.1; quartiles at positions 0.75 and 2.25.
        var result = new MuJoCoBenchmarkResult("Hopper-v4", 8000, 7900, true, [1.1, 0.9, 1.4, 1.0]);

        Assert.Equal(1.05, result.MedianPairedRatio!.Value, 12);
        (double low, double high) = result.PairedRatioQuartiles!.Value;
        Assert.Equal(0.9 + (0.75 * 0.1), low, 12);
        Assert.Equal(1.1 + (0.25 * 0.3), high, 12);
        Assert.Equal(8000.0 / 7900.0, result.Ratio!.Value, 12);
    }

    [Fact]
    public void WithoutTheNativeLoop_NoRatioIsReported()
    {
        var result = new MuJoCoBenchmarkResult("Hopper-v4", 8000, null, null, []);

        Assert.Null(result.Ratio);
        Assert.Null(result.MedianPairedRatio);
        Assert.Null(result.PairedRatioQuartiles);
    }
}
