using System.Numerics;
using SharpRL.Algorithms.Common;
using SharpRL.Nn.Kernels;

namespace SharpRL.Tests.Nn.Kernels;

public class GemmTests
{
    public enum Product
    {
        Multiply,
        TransposedB,
        TransposedA,
    }

    private static readonly KernelPath[] Paths = [KernelPath.Scalar, KernelPath.Vector128, KernelPath.Vector256, KernelPath.Vector512];

    public static TheoryData<Product> Products => new() { Product.Multiply, Product.TransposedB, Product.TransposedA };

    /// <summary>
    /// Every (m, k, n) from {1, 3, 17, 63, 65}³, more narrow n, and 257 in each position: sizes below,
    /// at and just past the tile and vector widths, so every tile shape and every narrower-width tail runs.
    /// </summary>
    private static IEnumerable<(int M, int K, int N)> Shapes()
    {
        int[] sizes = [1, 3, 17, 63, 65];
        foreach (int m in sizes)
        {
            foreach (int k in sizes)
            {
                foreach (int n in sizes)
                {
                    yield return (m, k, n);
                }
            }
        }

        // Columns narrower than one vector (dot-product and transposed-output kernels).
        foreach (int n in new[] { 2, 5, 8, 12, 15 })
        {
            yield return (7, 63, n);
            yield return (65, 17, n);
        }

        foreach (int s in new[] { 3, 65 })
        {
            foreach (int t in new[] { 3, 65 })
            {
                yield return (257, s, t);
                yield return (s, 257, t);
                yield return (s, t, 257);
            }
        }
    }

    [Fact]
    public void Multiply_TwoByTwo_MatchesHandComputed()
    {
        double[] a = [1, 2, 3, 4];
        double[] b = [5, 6, 7, 8];
        double[] c = new double[4];
        Gemm.Multiply<double>(a, b, c, 2, 2, 2);
        Assert.Equal([19.0, 22.0, 43.0, 50.0], c);
    }

    [Fact]
    public void MultiplyTransposedB_TwoByThree_MatchesHandComputed()
    {
        // A = [[1, 2, 3], [4, 5, 6]], B stored [n×k] = [[1, 0, 1], [0, 1, 0]]: C = A·Bᵀ.
        float[] a = [1, 2, 3, 4, 5, 6];
        float[] b = [1, 0, 1, 0, 1, 0];
        float[] c = [10, 20, 30, 40];
        Gemm.MultiplyTransposedB<float>(a, b, c, 2, 3, 2, accumulate: true);
        Assert.Equal([14f, 22f, 40f, 45f], c);
    }

    [Fact]
    public void MultiplyTransposedA_TwoByTwo_MatchesHandComputed()
    {
        // A stored [k×m] = [[1, 2], [3, 4]] so Aᵀ = [[1, 3], [2, 4]]; B = [[5, 6], [7, 8]].
        double[] a = [1, 2, 3, 4];
        double[] b = [5, 6, 7, 8];
        double[] c = new double[4];
        Gemm.MultiplyTransposedA<double>(a, b, c, 2, 2, 2);
        Assert.Equal([26.0, 30.0, 38.0, 44.0], c);
    }

    [Theory]
    [MemberData(nameof(Products))]
    public void Product_AllPathsAndShapesInDouble_WithinDotProductErrorBound(Product product)
        => CheckAllPathsAndShapes<double>(product, Math.Pow(2, -53));

    [Theory]
    [MemberData(nameof(Products))]
    public void Product_AllPathsAndShapesInSingle_WithinDotProductErrorBound(Product product)
        => CheckAllPathsAndShapes<float>(product, Math.Pow(2, -24));

    [Fact]
    public void Multiply_HalfPrecision_RunsScalarKernelsCorrectly()
    {
        // Element types other than float and double take the generic scalar kernels.
        const int m = 5, k = 6, n = 7;
        var random = new Random(3);
        double[] a = RandomMatrix(random, m * k);
        double[] b = RandomMatrix(random, k * n);
        double[] expected = Reference(Product.Multiply, a, b, new double[m * n], m, k, n, accumulate: false, out double[] magnitude);
        Half[] c = new Half[m * n];
        Gemm.Multiply<Half>(a.Select(x => (Half)x).ToArray(), b.Select(x => (Half)x).ToArray(), c, m, k, n);
        for (int i = 0; i < c.Length; i++)
        {
            // Rounding the inputs to half costs 2⁻¹¹ relative each; the sum adds k roundings more.
            Assert.True(Math.Abs((double)c[i] - expected[i]) <= (k + 4) * Math.Pow(2, -11) * magnitude[i], $"c[{i}] = {c[i]}, expected {expected[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(Products))]
    public void Product_TwoThreads_BitwiseEqualToOneThread(Product product)
    {
        const int m = 130, k = 129, n = 131;
        var random = new Random(11);
        float[] a = RandomMatrix(random, m * k).Select(x => (float)x).ToArray();
        float[] b = RandomMatrix(random, k * n).Select(x => (float)x).ToArray();
        float[] initial = RandomMatrix(random, m * n).Select(x => (float)x).ToArray();
        float[] single = (float[])initial.Clone();
        float[] parallel = (float[])initial.Clone();
        Run(product, a, b, single, m, k, n, accumulate: true);
        int previous = Gemm.MaxDegreeOfParallelism;
        try
        {
            Gemm.MaxDegreeOfParallelism = 2;
            Run(product, a, b, parallel, m, k, n, accumulate: true);
        }
        finally
        {
            Gemm.MaxDegreeOfParallelism = previous;
        }

        Assert.Equal(single, parallel);
    }

    [Theory]
    [MemberData(nameof(Products))]
    public void Product_SplitWithPartner_BitwiseEqualToUnsplit_OnEveryPath(Product product)
    {
        // 2·m·k·n is above ParallelThresholdFlops, so the split is taken; m = 131 leaves row tails.
        const int m = 131, k = 129, n = 133;
        var random = new Random(13);
        float[] a = RandomMatrix(random, m * k).Select(x => (float)x).ToArray();
        float[] b = RandomMatrix(random, k * n).Select(x => (float)x).ToArray();
        float[] initial = RandomMatrix(random, m * n).Select(x => (float)x).ToArray();
        KernelPath previous = Gemm.ForcedPath;
        using var worker = new PairedWorker("gemm split test");
        try
        {
            foreach (KernelPath path in Paths)
            {
                Gemm.ForcedPath = path;
                float[] whole = (float[])initial.Clone();
                Run(product, a, b, whole, m, k, n, accumulate: true);

                var counting = new CountingPartner();
                float[] halves = (float[])initial.Clone();
                using (Gemm.SplitWith(counting))
                {
                    Run(product, a, b, halves, m, k, n, accumulate: true);
                }

                float[] threaded = (float[])initial.Clone();
                using (Gemm.SplitWith(worker))
                {
                    Run(product, a, b, threaded, m, k, n, accumulate: true);
                }

                Assert.Equal(1, counting.Calls);
                Assert.Equal(whole, halves);
                Assert.Equal(whole, threaded);
            }
        }
        finally
        {
            Gemm.ForcedPath = previous;
        }
    }

    [Fact]
    public void SplitWith_SmallProduct_StaysOnTheCaller_AndScopeRestoresPrevious()
    {
        var outer = new CountingPartner();
        var inner = new CountingPartner();
        float[] a = new float[16 * 16], b = new float[16 * 16], c = new float[16 * 16];
        float[] big = new float[256 * 256];
        using (Gemm.SplitWith(outer))
        {
            // 2·16³ flops is far below the threshold.
            Gemm.Multiply<float>(a, b, c, 16, 16, 16);
            using (Gemm.SplitWith(inner))
            {
                Gemm.Multiply<float>(big, big, new float[256 * 256], 256, 256, 256);
            }

            Gemm.Multiply<float>(big, big, new float[256 * 256], 256, 256, 256);
        }

        Gemm.Multiply<float>(big, big, new float[256 * 256], 256, 256, 256);
        Assert.Equal(1, inner.Calls);
        Assert.Equal(1, outer.Calls);
    }

    [Fact]
    public void SplitRow_NearHalf_EndsBothHalvesInWholeTiles()
    {
        for (int rows = 16; rows <= 600; rows++)
        {
            int split = GemmKernels.SplitRow(rows, KernelPath.Vector256);
            Assert.InRange(split, 1, rows - 1);
            Assert.True(Math.Abs(rows - (2 * split)) <= 12, $"rows={rows} split={split}");
        }

        // The preset's batch and widths: no half falls to one-row tiles (6-row tiles, then 4-row tiles).
        foreach (int rows in new[] { 256, 300, 400 })
        {
            int split = GemmKernels.SplitRow(rows, KernelPath.Vector256);
            Assert.True(SingleRows(split) == 0 && SingleRows(rows - split) == 0, $"rows={rows} split={split}");
            int wide = GemmKernels.SplitRow(rows, KernelPath.Vector512);
            Assert.True(wide % 4 == 0 && (rows - wide) % 4 == 0, $"rows={rows} AVX-512 split={wide}");
        }
    }

    [Fact]
    public void SixRowTiles_LeaveAsFewSingleRowsAsAnyCount_AndAsManySixRowTilesAsThatAllows()
    {
        for (int rows = 0; rows <= 600; rows++)
        {
            int tiles = GemmKernels.SixRowTiles(rows);
            int fewest = Enumerable.Range(0, (rows / 6) + 1).Min(t => (rows - (6 * t)) % 4);
            int most = Enumerable.Range(0, (rows / 6) + 1).Where(t => (rows - (6 * t)) % 4 == fewest).Max();
            Assert.True(tiles == most, $"rows={rows}: {tiles} six-row tiles, expected {most} (leaving {fewest} single rows)");
        }

        Assert.Equal(4, GemmKernels.SixRowTiles(32));  // PPO's minibatch of 32: 4·6 + 2·4 rows, none left to one-row tiles
    }

    // Rows the 16-register path leaves to one-row tiles after its 6-row and 4-row tiles.
    private static int SingleRows(int rows) => (rows - (6 * GemmKernels.SixRowTiles(rows))) % 4;

    [Fact]
    public void ChunkRows_SplitsOnTileBoundaries_CoversAllRowsOnce()
    {
        foreach (int rows in new[] { 1, 4, 7, 130, 257 })
        {
            foreach (int chunks in new[] { 1, 2, 3, 8 })
            {
                int covered = 0;
                for (int chunk = 0; chunk < chunks; chunk++)
                {
                    (int start, int end) = GemmThreadPool.ChunkRows(rows, chunks, chunk);
                    Assert.Equal(covered, start);
                    Assert.True(end == rows || end % GemmKernels.TileRows == 0, $"rows={rows} chunks={chunks} chunk={chunk} ends at {end}");
                    covered = Math.Max(covered, end);
                }

                Assert.Equal(rows, covered);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Products))]
    public void Product_LongerOutputSpan_LeavesElementsPastMTimesNUntouched(Product product)
    {
        const int m = 5, k = 9, n = 19;
        float[] a = new float[m * k + 3];
        float[] b = new float[k * n + 3];
        Array.Fill(a, 1f);
        Array.Fill(b, 1f);
        float[] c = new float[(m * n) + 4];
        Array.Fill(c, -7f);
        Run(product, a, b, c, m, k, n, accumulate: false);
        Assert.All(c[..(m * n)], x => Assert.Equal(k, x));
        Assert.All(c[(m * n)..], x => Assert.Equal(-7f, x));
    }

    [Theory]
    [MemberData(nameof(Products))]
    public void Product_NonPositiveSize_ThrowsNamingIt(Product product)
    {
        float[] buffer = new float[100];
        Assert.Equal("m", Assert.Throws<ArgumentOutOfRangeException>(() => Run(product, buffer, buffer, buffer, 0, 2, 2, false)).ParamName);
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => Run(product, buffer, buffer, buffer, 2, -1, 2, false)).ParamName);
        Assert.Equal("n", Assert.Throws<ArgumentOutOfRangeException>(() => Run(product, buffer, buffer, buffer, 2, 2, 0, false)).ParamName);
    }

    [Theory]
    [MemberData(nameof(Products))]
    public void Product_ShortSpan_ThrowsNamingItWithSizes(Product product)
    {
        const int m = 3, k = 4, n = 5;
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        float[] c = new float[m * n];
        float[] shortSpan = new float[5];
        ArgumentException shortA = Assert.Throws<ArgumentException>(() => Run(product, shortSpan, b, c, m, k, n, false));
        Assert.Equal("a", shortA.ParamName);
        Assert.Contains("12", shortA.Message, StringComparison.Ordinal);
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => Run(product, a, shortSpan, c, m, k, n, false)).ParamName);
        Assert.Equal("c", Assert.Throws<ArgumentException>(() => Run(product, a, b, shortSpan, m, k, n, false)).ParamName);
    }

    [Fact]
    public void MaxDegreeOfParallelism_Zero_Throws()
    {
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => Gemm.MaxDegreeOfParallelism = 0);
        Assert.Equal("value", error.ParamName);
        Assert.Equal(1, Gemm.MaxDegreeOfParallelism);
    }

    [Fact]
    public void AllProducts_SteadyState_AllocateNothing()
    {
        float[] a = new float[64 * 64];
        float[] b = new float[64 * 64];
        float[] c = new float[64 * 64];
        Gemm.MultiplyTransposedB<float>(a, b, c, 64, 64, 64);
        Gemm.MultiplyTransposedA<float>(a, b, c, 64, 64, 1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            Gemm.Multiply<float>(a, b, c, 64, 64, 64);
            Gemm.MultiplyTransposedB<float>(a, b, c, 64, 64, 64);
            Gemm.MultiplyTransposedA<float>(a, b, c, 64, 64, 64, accumulate: true);

            // Narrow outputs take the dot-product and transposed-output paths.
            Gemm.Multiply<float>(a, b, c, 64, 64, 1);
            Gemm.MultiplyTransposedB<float>(a, b, c, 64, 64, 1);
            Gemm.MultiplyTransposedA<float>(a, b, c, 64, 64, 1, accumulate: true);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    private static void CheckAllPathsAndShapes<T>(Product product, double unitRoundoff)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var random = new Random(42);
        KernelPath previous = Gemm.ForcedPath;
        try
        {
            foreach ((int m, int k, int n) in Shapes())
            {
                double[] a = RandomMatrix(random, m * k);
                double[] b = RandomMatrix(random, k * n);
                double[] c0 = RandomMatrix(random, m * n);
                T[] aT = Convert<T>(a);
                T[] bT = Convert<T>(b);
                foreach (bool accumulate in new[] { false, true })
                {
                    // The reference takes the inputs as rounded to T, so only the kernel's own rounding counts.
                    double[] expected = Reference(product, ToDouble(aT), ToDouble(bT), ToDouble(Convert<T>(c0)), m, k, n, accumulate, out double[] magnitude);
                    foreach (KernelPath path in Paths)
                    {
                        Gemm.ForcedPath = path;
                        T[] c = Convert<T>(c0);
                        Run<T>(product, aT, bT, c, m, k, n, accumulate);

                        // Higham: a k-term dot product (plus the initial C when accumulating) computed
                        // in any order errs by at most γ ≈ (k+1)·u times Σ|terms|; doubled for the
                        // reference's own rounding.
                        double bound = 2 * (k + 2) * unitRoundoff;
                        for (int i = 0; i < c.Length; i++)
                        {
                            double error = Math.Abs(double.CreateChecked(c[i]) - expected[i]);
                            if (error > (bound * magnitude[i]) + 1e-300)
                            {
                                Assert.Fail($"{product} {typeof(T).Name} {path} m={m} k={k} n={n} accumulate={accumulate}: c[{i}] = {c[i]}, expected {expected[i]} (error {error}, bound {bound * magnitude[i]})");
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            Gemm.ForcedPath = previous;
        }
    }

    private static void Run<T>(Product product, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (product)
        {
            case Product.Multiply:
                Gemm.Multiply(a, b, c, m, k, n, accumulate);
                break;
            case Product.TransposedB:
                Gemm.MultiplyTransposedB(a, b, c, m, k, n, accumulate);
                break;
            default:
                Gemm.MultiplyTransposedA(a, b, c, m, k, n, accumulate);
                break;
        }
    }

    /// <summary>
    /// The product in double with plain loops, reading each operand in the layout the product
    /// documents; <paramref name="magnitude"/> gets Σ|terms| for the error bound.
    /// </summary>
    private static double[] Reference(Product product, double[] a, double[] b, double[] c0, int m, int k, int n, bool accumulate, out double[] magnitude)
    {
        double[] c = new double[m * n];
        magnitude = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = accumulate ? c0[(i * n) + j] : 0;
                double abs = Math.Abs(sum);
                for (int p = 0; p < k; p++)
                {
                    double left = product == Product.TransposedA ? a[(p * m) + i] : a[(i * k) + p];
                    double right = product == Product.TransposedB ? b[(j * k) + p] : b[(p * n) + j];
                    sum += left * right;
                    abs += Math.Abs(left * right);
                }

                c[(i * n) + j] = sum;
                magnitude[(i * n) + j] = abs;
            }
        }

        return c;
    }

    private static double[] RandomMatrix(Random random, int length)
    {
        double[] values = new double[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (random.NextDouble() * 2) - 1;
        }

        return values;
    }

    private static T[] Convert<T>(double[] values)
        where T : unmanaged, IFloatingPointIeee754<T>
        => values.Select(T.CreateChecked).ToArray();

    private static double[] ToDouble<T>(T[] values)
        where T : unmanaged, IFloatingPointIeee754<T>
        => values.Select(double.CreateChecked).ToArray();

    /// <summary>Runs both halves on the calling thread and counts the splits it was offered.</summary>
    private sealed unsafe class CountingPartner : IGemmPartner
    {
        public int Calls { get; private set; }

        public void RunSplit(in GemmTask task, int split)
        {
            Calls++;
            task.ComputeRange(task, 0, split);
            task.ComputeRange(task, split, task.Extent);
        }
    }
}
