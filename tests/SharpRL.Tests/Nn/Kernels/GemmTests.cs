using SharpRL.Nn.Kernels;

namespace SharpRL.Tests.Nn.Kernels;

public class GemmTests
{
    [Fact]
    public void Multiply_TwoByTwo_MatchesHandComputed()
    {
        double[] a = [1, 2, 3, 4];
        double[] b = [5, 6, 7, 8];
        double[] c = new double[4];
        Gemm.Multiply<double>(a, b, c, 2, 2, 2);
        Assert.Equal([19.0, 22.0, 43.0, 50.0], c);
    }
}
