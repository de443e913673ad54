using SharpRL.Distributions;
using static SharpRL.Tests.Distributions.DistributionTestSupport;

namespace SharpRL.Tests.Distributions;

/// <summary>
/// Invalid-action masking: the masked Categorical / MultiCategorical must equal the softmax over the allowed
/// actions only (a reference written independently below), with exact gradients (central differences of that
/// reference with respect to the raw logits, where masked logits have derivative 0).
/// </summary>
public class ActionMaskingTests
{
    private static readonly int[] Components = [3, 2, 4];

    // Row 0: [T F T | F T | T F F T]; row 1: [F F T | T T | F T T F].
    private static readonly bool[] Mask =
    [
        true, false, true, false, true, true, false, false, true,
        false, false, true, true, true, false, true, true, false,
    ];

    private const int Rows = 2;
    private const int Width = 9;

    /// <summary>ln softmax over the allowed entries of one component: z_a − ln Σ_{k allowed} e^{z_k}.</summary>
    private static double ReferenceLogProb(ReadOnlySpan<double> z, ReadOnlySpan<bool> allowed, int a)
    {
        double max = double.NegativeInfinity;
        for (int k = 0; k < z.Length; k++)
        {
            if (allowed[k])
            {
                max = Math.Max(max, z[k]);
            }
        }

        double sum = 0;
        for (int k = 0; k < z.Length; k++)
        {
            if (allowed[k])
            {
                sum += Math.Exp(z[k] - max);
            }
        }

        return z[a] - max - Math.Log(sum);
    }

    private static double ReferenceEntropy(ReadOnlySpan<double> z, ReadOnlySpan<bool> allowed)
    {
        double h = 0;
        for (int k = 0; k < z.Length; k++)
        {
            if (allowed[k])
            {
                double logP = ReferenceLogProb(z, allowed, k);
                h -= Math.Exp(logP) * logP;
            }
        }

        return h;
    }

    private static double ReferenceKl(ReadOnlySpan<double> zp, ReadOnlySpan<double> zq, ReadOnlySpan<bool> allowed)
    {
        double kl = 0;
        for (int k = 0; k < zp.Length; k++)
        {
            if (allowed[k])
            {
                double logP = ReferenceLogProb(zp, allowed, k);
                kl += Math.Exp(logP) * (logP - ReferenceLogProb(zq, allowed, k));
            }
        }

        return kl;
    }

    // A Categorical over all 9 logits (the batched softmax path) or a MultiCategorical [3, 2, 4] (per component).
    private static int[] ComponentsOf(bool single) => single ? [Width] : Components;

    private static IDistribution<double> Create(bool single) => single ? new Categorical<double>(Width) : new MultiCategorical<double>(Components);

    private static double[] ActionsOf(bool single) => single ? [2, 7] : Actions;

    /// <summary>Σ over rows and components of a per-component reference, on raw (unmasked) logits.</summary>
    private static double SumOverComponents(bool single, double[] logits, Func<int, int, int, int, double> perComponent)
    {
        int[] components = ComponentsOf(single);
        double total = 0;
        for (int row = 0; row < Rows; row++)
        {
            int offset = row * Width;
            for (int c = 0; c < components.Length; c++)
            {
                total += perComponent(row, c, offset, components[c]);
                offset += components[c];
            }
        }

        return total;
    }

    private static double[] Masked(bool single, double[] raw)
    {
        double[] masked = (double[])raw.Clone();
        ActionMasking.Apply<double>(masked, Mask, Rows, ComponentsOf(single));
        return masked;
    }

    private static double[] RawLogits(int seed)
    {
        var random = new Random(seed);
        double[] z = new double[Rows * Width];
        for (int k = 0; k < z.Length; k++)
        {
            z[k] = (4 * random.NextDouble()) - 2;
        }

        // A disallowed logit that would dominate if it were not masked.
        z[1] = 6;
        return z;
    }

    // An allowed action per row and component.
    private static readonly double[] Actions = [2, 1, 3, 2, 0, 2];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LogProbAndGradient_MatchSoftmaxOverAllowedActions(bool single)
    {
        IDistribution<double> d = Create(single);
        int components = ComponentsOf(single).Length;
        double[] actions = ActionsOf(single);
        double[] raw = RawLogits(1);
        double[] logProb = new double[Rows];
        d.LogProb(Masked(single, raw), actions, logProb, Rows);

        double Reference(double[] z) => SumOverComponents(single, z, (row, c, offset, size) =>
            ReferenceLogProb(z.AsSpan(offset, size), Mask.AsSpan(offset, size), (int)actions[(row * components) + c]));
        Assert.Equal(Reference(raw), logProb[0] + logProb[1], 12);

        double[] grad = new double[Rows * Width];
        d.LogProbBackward(Masked(single, raw), actions, [1.0, 1.0], grad, Rows);
        AssertClose(Gradient(raw, Reference), grad, absolute: 1e-8);
        for (int k = 0; k < Mask.Length; k++)
        {
            Assert.True(Mask[k] || grad[k] == 0, $"Logit {k} is masked, yet its gradient is {grad[k]}.");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EntropyAndGradient_SumOverAllowedActionsOnly(bool single)
    {
        IDistribution<double> d = Create(single);
        double[] raw = RawLogits(2);
        double[] entropy = new double[Rows];
        d.Entropy(Masked(single, raw), entropy, Rows);

        double Reference(double[] z) => SumOverComponents(single, z, (_, _, offset, size) => ReferenceEntropy(z.AsSpan(offset, size), Mask.AsSpan(offset, size)));
        Assert.Equal(Reference(raw), entropy[0] + entropy[1], 12);

        // At most the entropy of the uniform distribution over the allowed actions: Σ_c ln |A_c| per row.
        double bound = SumOverComponents(single, raw, (_, _, offset, size) => Math.Log(Mask.AsSpan(offset, size).Count(true)));
        Assert.True(entropy[0] + entropy[1] <= bound + 1e-12, $"Entropy {entropy[0] + entropy[1]} exceeds the allowed-set bound {bound}.");

        double[] grad = new double[Rows * Width];
        d.EntropyBackward(Masked(single, raw), [1.0, 1.0], grad, Rows);
        AssertClose(Gradient(raw, Reference), grad, absolute: 1e-8);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void KlAndGradient_SumOverAllowedActionsOnly(bool single)
    {
        IDistribution<double> d = Create(single);
        double[] rawP = RawLogits(3);
        double[] rawQ = RawLogits(4);
        double[] kl = new double[Rows];
        d.Kl(Masked(single, rawP), Masked(single, rawQ), kl, Rows);

        double Reference(double[] zq) => SumOverComponents(single, zq, (_, _, offset, size) =>
            ReferenceKl(rawP.AsSpan(offset, size), zq.AsSpan(offset, size), Mask.AsSpan(offset, size)));
        Assert.Equal(Reference(rawQ), kl[0] + kl[1], 12);
        Assert.True(kl[0] + kl[1] > 1e-3, "The two policies should differ on the allowed actions.");

        double[] grad = new double[Rows * Width];
        d.KlBackward(Masked(single, rawP), Masked(single, rawQ), [1.0, 1.0], grad, Rows);
        AssertClose(Gradient(rawQ, Reference), grad, absolute: 1e-8);
    }

    [Fact]
    public void FisherVectorProduct_IsTheHessianOfTheMaskedKl()
    {
        // M v = ∂/∂ε ∇_q KL(p ‖ q + εv) at q = p: central differences of the masked KL gradient.
        var d = new Categorical<double>(Width);
        double[] raw = RawLogits(5);
        bool[] mask = Mask;
        double[] masked = (double[])raw.Clone();
        ActionMasking.Apply<double>(masked, mask, Rows, [Width]);
        var random = new Random(6);
        double[] v = new double[Rows * Width];
        for (int k = 0; k < v.Length; k++)
        {
            v[k] = (2 * random.NextDouble()) - 1;
        }

        double[] product = new double[Rows * Width];
        d.FisherVectorProduct(masked, v, product, Rows);

        const double h = 1e-5;
        double[] gradPlus = new double[Rows * Width];
        double[] gradMinus = new double[Rows * Width];
        double[] shifted = new double[Rows * Width];
        for (int k = 0; k < v.Length; k++)
        {
            shifted[k] = raw[k] + (h * v[k]);
        }

        ActionMasking.Apply<double>(shifted, mask, Rows, [Width]);
        d.KlBackward(masked, shifted, [1.0, 1.0], gradPlus, Rows);
        for (int k = 0; k < v.Length; k++)
        {
            shifted[k] = raw[k] - (h * v[k]);
        }

        ActionMasking.Apply<double>(shifted, mask, Rows, [Width]);
        d.KlBackward(masked, shifted, [1.0, 1.0], gradMinus, Rows);
        double[] expected = new double[Rows * Width];
        for (int k = 0; k < v.Length; k++)
        {
            expected[k] = (gradPlus[k] - gradMinus[k]) / (2 * h);
            Assert.True(mask[k] || product[k] == 0, $"Logit {k} is masked, yet (M v)_{k} = {product[k]}.");
        }

        AssertClose(expected, product, absolute: 1e-8);
    }

    [Fact]
    public void Sample_NeverDrawsAMaskedAction_AndDrawsAllowedOnesByTheirMaskedSoftmax()
    {
        // Float, as training samples: 3 of 5 actions allowed, the disallowed ones with the largest logits.
        var d = new Categorical<float>(5);
        float[] row = [4f, 0.5f, 5f, -0.5f, 0f];
        bool[] rowMask = [false, true, false, true, true];
        const int draws = 60_000;
        float[] logits = Repeat<float>(row, draws);
        ActionMasking.Apply<float>(logits, Repeat<bool>(rowMask, draws), draws, [5]);
        float[] actions = new float[draws];
        d.Sample(logits, actions, draws, new Random(11));

        int[] counts = new int[5];
        foreach (float a in actions)
        {
            counts[(int)a]++;
        }

        Assert.Equal(0, counts[0]);
        Assert.Equal(0, counts[2]);
        double z = Math.Exp(0.5) + Math.Exp(-0.5) + 1;
        foreach ((int k, double p) in new[] { (1, Math.Exp(0.5) / z), (3, Math.Exp(-0.5) / z), (4, 1 / z) })
        {
            double standardError = Math.Sqrt(p * (1 - p) / draws);
            Assert.True(Math.Abs(((double)counts[k] / draws) - p) < 5 * standardError, $"Action {k}: frequency {(double)counts[k] / draws}, expected {p}.");
        }

        float[] mode = new float[1];
        d.Mode(logits.AsSpan(0, 5), mode, 1);
        Assert.Equal(1f, mode[0]);
    }

    [Fact]
    public void Apply_MaskWithNoAllowedAction_ThrowsNamingTheRowAndComponent()
    {
        double[] logits = new double[Rows * Width];
        bool[] mask = (bool[])Mask.Clone();
        mask[Width + 3] = mask[Width + 4] = false;
        var error = Assert.Throws<ArgumentException>(() => ActionMasking.Apply<double>(logits, mask, Rows, Components));
        Assert.Contains("row 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("component 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("allows no action", error.Message, StringComparison.Ordinal);
        Assert.All(logits, value => Assert.Equal(0, value));

        var lengthError = Assert.Throws<ArgumentException>(() => ActionMasking.Apply<double>(logits, mask.AsSpan(1), Rows, Components));
        Assert.Contains("expected 2 rows × 9", lengthError.Message, StringComparison.Ordinal);
    }
}
