using SharpRL.Distributions;
using static SharpRL.Tests.Distributions.DistributionTestSupport;

namespace SharpRL.Tests.Distributions;

public class MultiCategoricalTests
{
    private static readonly int[] Nvec = [3, 2, 4];

    [Fact]
    public void Sizes_Nvec_AreSumOfCategoriesAndOneActionPerComponent()
    {
        var distribution = new MultiCategorical<double>(Nvec);

        Assert.Equal(9, distribution.ParameterSize);
        Assert.Equal(3, distribution.ActionSize);
    }

    [Fact]
    public void LogProbEntropyKl_RandomRows_AreSumsOfIndependentCategoricals()
    {
        var distribution = new MultiCategorical<double>(Nvec);
        var random = new Random(31);
        const int Rows = 4;
        double[] p = RandomParameters(distribution, Rows, random);
        double[] q = RandomParameters(distribution, Rows, random);
        double[] actions = SampleActions(distribution, p, Rows, random);
        double[] logProb = new double[Rows];
        double[] entropy = new double[Rows];
        double[] kl = new double[Rows];
        distribution.LogProb(p, actions, logProb, Rows);
        distribution.Entropy(p, entropy, Rows);
        distribution.Kl(p, q, kl, Rows);

        double[] expectedLogProb = new double[Rows];
        double[] expectedEntropy = new double[Rows];
        double[] expectedKl = new double[Rows];
        double[] one = new double[1];
        for (int i = 0; i < Rows; i++)
        {
            int offset = 0;
            for (int k = 0; k < Nvec.Length; k++)
            {
                var component = new Categorical<double>(Nvec[k]);
                double[] pk = p.AsSpan((i * 9) + offset, Nvec[k]).ToArray();
                double[] qk = q.AsSpan((i * 9) + offset, Nvec[k]).ToArray();
                component.LogProb(pk, [actions[(i * 3) + k]], one, 1);
                expectedLogProb[i] += one[0];
                component.Entropy(pk, one, 1);
                expectedEntropy[i] += one[0];
                component.Kl(pk, qk, one, 1);
                expectedKl[i] += one[0];
                offset += Nvec[k];
            }
        }

        AssertClose(expectedLogProb, logProb, 1e-14, 1e-14);
        AssertClose(expectedEntropy, entropy, 1e-14, 1e-14);
        AssertClose(expectedKl, kl, 1e-14, 1e-14);
    }

    [Fact]
    public void Mode_Logits_IsArgMaxPerComponent()
    {
        var distribution = new MultiCategorical<double>(Nvec);
        double[] actions = new double[3];

        distribution.Mode([0, 5, 1, /**/ 2, -2, /**/ 0, 0, 0, 9], actions, 1);

        Assert.Equal([1.0, 0.0, 3.0], actions);
    }

    [Fact]
    public void Sample_EveryComponent_StaysInItsRange()
    {
        var distribution = new MultiCategorical<double>(Nvec);
        const int Rows = 2_000;
        double[] parameters = RandomParameters(distribution, Rows, new Random(32));

        double[] actions = SampleActions(distribution, parameters, Rows, new Random(33));

        for (int k = 0; k < Nvec.Length; k++)
        {
            var seen = new HashSet<double>();
            for (int i = 0; i < Rows; i++)
            {
                seen.Add(actions[(i * 3) + k]);
            }

            Assert.Equal(Enumerable.Range(0, Nvec[k]).Select(j => (double)j), seen.Order());
        }
    }

    [Fact]
    public void LogProb_ActionOutsideItsComponentRange_ThrowsNamingComponent()
    {
        var distribution = new MultiCategorical<double>(Nvec);
        double[] parameters = new double[9];

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => distribution.LogProb(parameters, [2.0, 2.0, 3.0], new double[1], 1));

        Assert.Equal("actions", exception.ParamName);
        Assert.Contains("row 0, component 1", exception.Message, StringComparison.Ordinal);
        Assert.Contains("[0, 2)", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_EmptyNvec_Throws()
    {
        var exception = Assert.Throws<ArgumentException>(() => new MultiCategorical<double>([]));

        Assert.Equal("nvec", exception.ParamName);
        Assert.Contains("at least one component", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NonPositiveEntry_ThrowsNamingIndex()
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new MultiCategorical<double>([3, 0, 2]));

        Assert.Equal("nvec", exception.ParamName);
        Assert.Contains("nvec[1] is 0; expected a positive", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_CallerChangesNvecLater_SizesUnchanged()
    {
        int[] nvec = [2, 2];
        var distribution = new MultiCategorical<double>(nvec);

        nvec[0] = 10;

        Assert.Equal(4, distribution.ParameterSize);
        Assert.Equal([2, 2], distribution.CategoryCounts);
    }
}
