using SharpRL.Nn.Kernels;

namespace SharpRL.Tests.Nn.Kernels;

public class MatrixTransposeTests
{
    [Fact]
    public unsafe void Transpose_SizesAroundSimdBlocks_MovesEveryElement()
    {
        // 4×4 (double) and 8×8 (float) SIMD blocks plus scalar right and bottom edges.
        int[] sizes = [1, 3, 4, 8, 9, 17];
        foreach (int rows in sizes)
        {
            foreach (int columns in sizes)
            {
                float[] source = Enumerable.Range(0, rows * columns).Select(i => (float)i).ToArray();
                double[] sourceDouble = source.Select(x => (double)x).ToArray();
                float[] destination = new float[rows * columns];
                double[] destinationDouble = new double[rows * columns];
                fixed (float* s = source, d = destination)
                fixed (double* sd = sourceDouble, dd = destinationDouble)
                {
                    MatrixTranspose.Transpose(s, d, rows, columns);
                    MatrixTranspose.Transpose(sd, dd, rows, columns);
                }

                for (int r = 0; r < rows; r++)
                {
                    for (int c = 0; c < columns; c++)
                    {
                        Assert.Equal(source[(r * columns) + c], destination[(c * rows) + r]);
                        Assert.Equal(sourceDouble[(r * columns) + c], destinationDouble[(c * rows) + r]);
                    }
                }
            }
        }
    }
}
