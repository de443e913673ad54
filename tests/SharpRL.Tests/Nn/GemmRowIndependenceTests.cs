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
    public void Multiply_RowOfBatch_EqualsRowAlone_BitForBit(int columns)
    {
        const int Depth = 67;
        var random = new Random(3);
        float[] a = [.. Enumerable.Range(0, 13 * Depth).Select(_ => (float)(random.NextDouble() - 0.5))];
        float[] b = [.. Enumerable.Range(0, Depth * columns).Select(_ => (float)(random.NextDouble() - 0.5))];
        for (int m = 1; m <= 13; m++)
        {
            float[] batch = new float[m * columns];
            Gemm.Multiply<float>(a.AsSpan(0, m * Depth), b, batch, m, Depth, columns);
            for (int i = 0; i < m; i++)
            {
                float[] alone = new float[columns];
                Gemm.Multiply<float>(a.AsSpan(i * Depth, Depth), b, alone, 1, Depth, columns);
                for (int j = 0; j < columns; j++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(alone[j]) == BitConverter.SingleToInt32Bits(batch[(i * columns) + j]), $"m = {m}, row {i}, column {j}: {batch[(i * columns) + j]:R} in the batch, {alone[j]:R} alone");
                }
            }
        }
    }
}
