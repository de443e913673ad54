using SharpRL.Nn.Kernels;

namespace SharpRL.Tests.Nn;

/// <summary>A row of C = A·B must not depend on the other rows of A (distributed rollouts split batches).</summary>
public class GemmRowIndependenceTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(64)]
    [InlineData(256)]
    [InlineData(300)]
    public void Multiply_RowOfBatch_EqualsRowAlone_BitForBit(int columns)
    {
        const int Depth = 67;
        var random = new Random(3);
        float[] a = [.. Enumerable.Range(0, 13 * Depth).Select(_ => (float)(random.NextDouble() - 0.5))];
        float[] b = [.. Enumerable.Range(0, Depth * columns).Select(_ => (float)(random.NextDouble() - 0.5))];
        KernelPath previous = Gemm.ForcedPath;
        try
        {
            // Every width, the ones this CPU emulates included. Vector512's one-output sum used to take .NET's
            // Vector512.Sum order (two 256-bit halves summed apart) while its eight-output sum adds the halves
            // lane by lane first, so on AVX-512 hardware a row's value head differed by an ulp with the batch size.
            foreach (KernelPath path in (KernelPath[])[KernelPath.Scalar, KernelPath.Vector128, KernelPath.Vector256, KernelPath.Vector512])
            {
                Gemm.ForcedPath = path;
                AssertRowsIndependent(a, b, Depth, columns, path);
            }
        }
        finally
        {
            Gemm.ForcedPath = previous;
        }
    }

    private static void AssertRowsIndependent(float[] a, float[] b, int depth, int columns, KernelPath path)
    {
        for (int m = 1; m <= 13; m++)
        {
            float[] batch = new float[m * columns];
            Gemm.Multiply<float>(a.AsSpan(0, m * depth), b, batch, m, depth, columns);
            for (int i = 0; i < m; i++)
            {
                float[] alone = new float[columns];
                Gemm.Multiply<float>(a.AsSpan(i * depth, depth), b, alone, 1, depth, columns);
                for (int j = 0; j < columns; j++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(alone[j]) == BitConverter.SingleToInt32Bits(batch[(i * columns) + j]), $"{path}, m = {m}, row {i}, column {j}: {batch[(i * columns) + j]:R} in the batch, {alone[j]:R} alone");
                }
            }
        }
    }
}
