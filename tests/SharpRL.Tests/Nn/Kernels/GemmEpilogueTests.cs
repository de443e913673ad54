using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using SharpRL.Nn.Kernels;

namespace SharpRL.Tests.Nn.Kernels;

/// <summary>
/// The fused epilogues (bias and ReLU in the forward product, the ReLU derivative in the input gradient)
/// must give exactly the bits of the separate passes they replace, on every instruction path, split or not.
/// </summary>
public class GemmEpilogueTests
{
    private static readonly KernelPath[] Paths = [KernelPath.Scalar, KernelPath.Vector128, KernelPath.Vector256, KernelPath.Vector512];

    // Below, at and past the tile and vector widths; 131 × 129 × 133 and 256 × 300 × 400 pass the split threshold
    // (row and column splits with remainders), 7 columns take the narrow (dot-product) path; 1–3 rows of ≥ 256
    // columns take the one-row, eight-vector tile.
    private static readonly (int M, int K, int N)[] Shapes = [(1, 3, 17), (17, 65, 63), (65, 17, 7), (7, 63, 2), (131, 129, 133), (256, 300, 400), (257, 64, 65), (1, 11, 256), (2, 256, 300), (3, 70, 520)];

    [Fact]
    public void MultiplyAddBias_BitwiseEqualToBiasRowsThenProductThenRelu()
    {
        using var worker = new SplitWorker("epilogue test");
        foreach ((int m, int k, int n) in Shapes)
        {
            var random = new Random((m * 31) + n);
            float[] a = Random(random, m * k), b = Random(random, k * n), bias = Random(random, n);

            // A few exact zeros of both signs in the bias, so some outputs land on ±0.
            bias[0] = -0f;
            for (int relu = 0; relu < 2; relu++)
            {
                foreach (KernelPath path in Paths)
                {
                    KernelPath previous = Gemm.ForcedPath;
                    Gemm.ForcedPath = path;
                    try
                    {
                        float[] expected = new float[m * n];
                        for (int r = 0; r < m; r++)
                        {
                            bias.CopyTo(expected, r * n);
                        }

                        Gemm.Multiply<float>(a, b, expected, m, k, n, accumulate: true);
                        if (relu == 1)
                        {
                            TensorPrimitives.Max(expected, 0f, expected);
                        }

                        float[] fused = new float[m * n];
                        Gemm.MultiplyAddBias<float>(a, b, bias, fused, m, k, n, relu == 1);
                        AssertBitwise(expected, fused, $"{m}×{k}×{n}, relu {relu}, {path}");

                        float[] split = new float[m * n];
                        using (Gemm.SplitWith(worker))
                        {
                            Gemm.MultiplyAddBias<float>(a, b, bias, split, m, k, n, relu == 1);
                        }

                        AssertBitwise(expected, split, $"{m}×{k}×{n}, relu {relu}, {path}, split");
                    }
                    finally
                    {
                        Gemm.ForcedPath = previous;
                    }
                }
            }
        }
    }

    [Fact]
    public void MultiplyTransposedBMasked_BitwiseEqualToProductThenReluBackward()
    {
        using var worker = new SplitWorker("epilogue test");
        foreach ((int m, int k, int n) in Shapes)
        {
            var random = new Random((m * 17) + k);
            float[] a = Random(random, m * k), b = Random(random, n * k), mask = Random(random, m * n);

            // ReLU outputs: zeros (both signs) and positives.
            for (int i = 0; i < mask.Length; i++)
            {
                mask[i] = mask[i] < 0 ? (i % 2 == 0 ? 0f : -0f) : mask[i];
            }

            foreach (KernelPath path in Paths)
            {
                KernelPath previous = Gemm.ForcedPath;
                Gemm.ForcedPath = path;
                try
                {
                    float[] expected = new float[m * n];
                    Gemm.MultiplyTransposedB<float>(a, b, expected, m, k, n);
                    Elementwise.ReluBackward<float>(expected, mask, expected);

                    float[] fused = new float[m * n];
                    Gemm.MultiplyTransposedBMasked<float>(a, b, fused, m, k, n, mask);
                    AssertBitwise(expected, fused, $"{m}×{k}×{n}, {path}");

                    float[] split = Random(random, m * n);
                    using (Gemm.SplitWith(worker))
                    {
                        Gemm.MultiplyTransposedBMasked<float>(a, b, split, m, k, n, mask);
                    }

                    AssertBitwise(expected, split, $"{m}×{k}×{n}, {path}, split");

                    // The plain product split by columns (each thread packs its own rows of B) is the unsplit one.
                    float[] plain = new float[m * n], plainSplit = Random(random, m * n);
                    Gemm.MultiplyTransposedB<float>(a, b, plain, m, k, n);
                    using (Gemm.SplitWith(worker))
                    {
                        Gemm.MultiplyTransposedB<float>(a, b, plainSplit, m, k, n);
                    }

                    AssertBitwise(plain, plainSplit, $"{m}×{k}×{n}, {path}, plain split");
                }
                finally
                {
                    Gemm.ForcedPath = previous;
                }
            }
        }
    }

    [Fact]
    public void EpilogueOps_MatchTensorPrimitivesMaxAndReluBackward_OnSpecialValues()
    {
        float[] values = [-0f, 0f, -1e-30f, 1e-30f, -3.5f, 2.25f, float.NegativeInfinity, float.PositiveInfinity, float.NaN, -float.Epsilon];
        float[] max = new float[values.Length];
        TensorPrimitives.Max(values, 0f, max);
        for (int i = 0; i < values.Length; i++)
        {
            float scalar = ScalarOps<float>.Relu(values[i]);
            float vector = Vector256SingleOps.Relu(Vector256.Create(values[i])).GetElement(0);
            Assert.Equal(BitConverter.SingleToInt32Bits(max[i]), BitConverter.SingleToInt32Bits(scalar));
            Assert.Equal(BitConverter.SingleToInt32Bits(max[i]), BitConverter.SingleToInt32Bits(vector));

            float[] gradient = [values[(i + 3) % values.Length]];
            float[] expected = new float[1];
            Elementwise.ReluBackward<float>(gradient, [values[i]], expected);
            float kept = ScalarOps<float>.KeepWherePositive(gradient[0], values[i]);
            float keptVector = Vector256SingleOps.KeepWherePositive(Vector256.Create(gradient[0]), Vector256.Create(values[i])).GetElement(0);
            Assert.Equal(BitConverter.SingleToInt32Bits(expected[0]), BitConverter.SingleToInt32Bits(kept));
            Assert.Equal(BitConverter.SingleToInt32Bits(expected[0]), BitConverter.SingleToInt32Bits(keptVector));
        }
    }

    private static float[] Random(Random random, int length)
    {
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(random.NextDouble() - 0.5);
        }

        return values;
    }

    private static void AssertBitwise(float[] expected, float[] actual, string label)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{label}: element {i} is {actual[i]:R}, expected {expected[i]:R}");
            }
        }
    }
}
