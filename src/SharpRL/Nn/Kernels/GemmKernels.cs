using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SharpRL.Nn.Kernels;

/// <summary>
/// Register-blocked GEMM on raw pointers: C[rows × columns] (+)= A·B with B row-major [depth × columns]
/// and A addressed as a[row·aRowStride + p·aDepthStride], which covers both A = [rows × depth]
/// (stride depth, 1) and A = [depth × rows] read transposed (stride 1, rows).
/// </summary>
/// <remarks>
/// Each tile keeps a TileRows × TileVectors block of C in registers for the whole depth loop, so per
/// step of p it loads TileVectors vectors of B, broadcasts TileRows elements of A and issues
/// TileRows·TileVectors independent FMAs: enough independent chains to hide FMA latency and few
/// enough loads per FMA that the loop runs at FMA throughput. Columns a vector width cannot cover are
/// handed to the next narrower width, then to width 1, so every path handles any n.
/// Every element of C is summed over p in the same order by every tile shape, so the result does not
/// depend on how rows are split across threads.
/// </remarks>
internal static unsafe class GemmKernels
{
    /// <summary>Rows of C in the main register tile; row splits for threads are multiples of it.</summary>
    internal const int TileRows = 4;

    /// <summary>
    /// Depth handled per pass over C: the slice of B the tiles re-read (DepthBlock × 4 vectors) then
    /// stays in L1 across all row tiles instead of streaming from L2 for each of them.
    /// </summary>
    internal const int DepthBlock = 64;

    private const int TileVectors = 4;

    /// <summary>
    /// Where to cut <paramref name="rows"/> in two near-equal halves so that each half ends in whole
    /// 6-row or 4-row tiles where possible (a one-row tile runs on two FMA chains, far below peak).
    /// </summary>
    internal static int SplitRow(int rows, KernelPath path)
    {
        bool wideTiles = path >= KernelPath.Vector512;
        int best = rows / 2, bestScore = int.MaxValue;
        for (int split = Math.Max(1, (rows / 2) - 6); split <= Math.Min(rows - 1, (rows / 2) + 6); split++)
        {
            int score = (2 * (Leftover(split) + Leftover(rows - split))) + Math.Abs(rows - (2 * split));
            if (score < bestScore)
            {
                (best, bestScore) = (split, score);
            }
        }

        return best;

        // Rows that would fall to one-row tiles after the 6-row and 4-row tiles (AVX-512: after the 4-row ones).
        int Leftover(int count) => wideTiles ? count % 4 : (count - (6 * SixRowTiles(count))) % 4;
    }

    /// <summary>
    /// How many 6-row tiles the 16-register path runs over <paramref name="rows"/> rows before its 4-row tiles:
    /// as many as fit, or one fewer where that leaves fewer rows to the slow one-row tiles (32 rows: 4·6 + 2·4
    /// instead of 5·6 + 2 single rows). Since 6 ≡ 2 (mod 4), those two counts cover every remainder.
    /// </summary>
    internal static int SixRowTiles(int rows)
    {
        int tiles = rows / 6;
        return tiles > 0 && ((rows - (6 * tiles)) % 4) > ((rows - (6 * (tiles - 1))) % 4) ? tiles - 1 : tiles;
    }

    /// <summary>
    /// Where to cut <paramref name="columns"/> in two near-equal halves at a whole vector, or 0 when there
    /// are fewer than two vectors per half (then the product is not split by columns).
    /// </summary>
    internal static int SplitColumn(int columns, KernelPath path, int elementSize)
    {
        int lanes = path switch
        {
            KernelPath.Vector512 => 64,
            KernelPath.Vector256 => 32,
            KernelPath.Vector128 => 16,
            _ => 0,
        } / elementSize;
        if (lanes == 0 || columns < 4 * lanes)
        {
            return 0;
        }

        return (columns + lanes) / (2 * lanes) * lanes;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute<T>(KernelPath path, T* a, nint aRowStride, nint aDepthStride, T* b, nint ldb, T* c, nint ldc, int rows, int depth, int columns, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Compute(path, a, aRowStride, aDepthStride, b, ldb, c, ldc, rows, depth, columns, accumulate, null, EpilogueMode.None, null);

    /// <summary>
    /// As the plain overload, with an epilogue: when not accumulating, C starts from the row vector
    /// <paramref name="bias"/> (if not null) instead of zero, the same sums as storing the bias first and
    /// accumulating onto it; the last depth block stores its vectors through <paramref name="mode"/>
    /// (ReLU, or keep where <paramref name="mask"/>, laid out as C, is positive) instead of leaving that
    /// to a separate pass over C.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute<T>(KernelPath path, T* a, nint aRowStride, nint aDepthStride, T* b, nint ldb, T* c, nint ldc, int rows, int depth, int columns, bool accumulate, T* bias, EpilogueMode mode, T* mask)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Depth blocks after the first add to what the earlier ones stored: C is loaded into the
        // accumulators and the sum over p continues in the same order, so blocking changes no bits.
        for (int p0 = 0; p0 < depth; p0 += DepthBlock)
        {
            int blockDepth = Math.Min(DepthBlock, depth - p0);
            bool first = p0 == 0, last = p0 + blockDepth >= depth;
            ComputeBlock(path, a + (p0 * aDepthStride), aRowStride, aDepthStride, b + (p0 * ldb), ldb, c, ldc, rows, blockDepth, columns, accumulate || !first, first && !accumulate ? bias : null, last ? mode : EpilogueMode.None, mask);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ComputeBlock<T>(KernelPath path, T* a, nint aRowStride, nint aDepthStride, T* b, nint ldb, T* c, nint ldc, int rows, int depth, int columns, bool accumulate, T* bias, EpilogueMode mode, T* mask)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int done = 0;
        if (typeof(T) == typeof(float))
        {
            float* fa = (float*)a;
            float* fb = (float*)b;
            float* fc = (float*)c;
            if (path >= KernelPath.Vector512)
            {
                done = Columns<Vector512<float>, float, Vector512SingleOps>(fa, aRowStride, aDepthStride, fb, ldb, fc, ldc, rows, depth, done, columns, accumulate, (float*)bias, mode, (float*)mask);
            }

            if (path >= KernelPath.Vector256)
            {
                done = Columns<Vector256<float>, float, Vector256SingleOps>(fa, aRowStride, aDepthStride, fb, ldb, fc, ldc, rows, depth, done, columns, accumulate, (float*)bias, mode, (float*)mask);
            }

            if (path >= KernelPath.Vector128)
            {
                done = Columns<Vector128<float>, float, Vector128SingleOps>(fa, aRowStride, aDepthStride, fb, ldb, fc, ldc, rows, depth, done, columns, accumulate, (float*)bias, mode, (float*)mask);
            }
        }
        else if (typeof(T) == typeof(double))
        {
            double* da = (double*)a;
            double* db = (double*)b;
            double* dc = (double*)c;
            if (path >= KernelPath.Vector512)
            {
                done = Columns<Vector512<double>, double, Vector512DoubleOps>(da, aRowStride, aDepthStride, db, ldb, dc, ldc, rows, depth, done, columns, accumulate, (double*)bias, mode, (double*)mask);
            }

            if (path >= KernelPath.Vector256)
            {
                done = Columns<Vector256<double>, double, Vector256DoubleOps>(da, aRowStride, aDepthStride, db, ldb, dc, ldc, rows, depth, done, columns, accumulate, (double*)bias, mode, (double*)mask);
            }

            if (path >= KernelPath.Vector128)
            {
                done = Columns<Vector128<double>, double, Vector128DoubleOps>(da, aRowStride, aDepthStride, db, ldb, dc, ldc, rows, depth, done, columns, accumulate, (double*)bias, mode, (double*)mask);
            }
        }

        Columns<T, T, ScalarOps<T>>(a, aRowStride, aDepthStride, b, ldb, c, ldc, rows, depth, done, columns, accumulate, bias, mode, mask);
    }

    /// <summary>
    /// Computes the columns [columnStart, columnStart + ⌊(columnEnd − columnStart) / width⌋·width)
    /// and returns the first column it left for a narrower width.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Columns<TVector, TElement, TOps>(TElement* a, nint aRowStride, nint aDepthStride, TElement* b, nint ldb, TElement* c, nint ldc, int rows, int depth, int columnStart, int columnEnd, bool accumulate, TElement* bias, EpilogueMode mode, TElement* mask)
        where TVector : unmanaged
        where TElement : unmanaged
        where TOps : IVectorOps<TVector, TElement>
    {
        nint w = TOps.Count;
        int j = columnStart;

        // A product of fewer than four rows (a policy acting on one observation) would otherwise run one-row
        // tiles of two or four vectors, whose two or four FMA chains leave the FMA units waiting on latency. A
        // one-row tile of eight vectors has eight chains; every element is still summed over p in the same order,
        // so the result is bitwise that of the narrower tiles.
        if (rows < 4)
        {
            for (; j + (8 * w) <= columnEnd; j += 8 * (int)w)
            {
                for (int i = 0; i < rows; i++)
                {
                    Tile1x8<TVector, TElement, TOps>(a + (i * aRowStride), aDepthStride, b + j, ldb, c + (i * ldc) + j, depth, accumulate, At(bias, j), mode, mask + (i * ldc) + j);
                }
            }
        }

        // With 16 vector registers (AVX2, SSE, AdvSimd) a 4×4 tile's 16 accumulators leave no room for
        // the B vectors and the broadcast, so the JIT spills; a 6×2 tile (12 accumulators, 2 B vectors,
        // 1 broadcast) fits, the usual AVX2 micro-kernel shape. AVX-512 has 32 registers and keeps 4×4.
        if (!TOps.HasWideRegisterFile)
        {
            int sixRowEnd = 6 * SixRowTiles(rows);
            for (; j + (2 * w) <= columnEnd; j += 2 * (int)w)
            {
                int i = 0;
                for (; i < sixRowEnd; i += 6)
                {
                    Tile6x2<TVector, TElement, TOps>(a + (i * aRowStride), aRowStride, aDepthStride, b + j, ldb, c + (i * ldc) + j, ldc, depth, accumulate, At(bias, j), mode, mask + (i * ldc) + j);
                }

                for (; i + 4 <= rows; i += 4)
                {
                    Tile4x2<TVector, TElement, TOps>(a + (i * aRowStride), aRowStride, aDepthStride, b + j, ldb, c + (i * ldc) + j, ldc, depth, accumulate, At(bias, j), mode, mask + (i * ldc) + j);
                }

                for (; i < rows; i++)
                {
                    Tile1x2<TVector, TElement, TOps>(a + (i * aRowStride), aRowStride, aDepthStride, b + j, ldb, c + (i * ldc) + j, ldc, depth, accumulate, At(bias, j), mode, mask + (i * ldc) + j);
                }
            }
        }

        for (; j + (TileVectors * w) <= columnEnd; j += TileVectors * (int)w)
        {
            int i = 0;
            for (; i + 4 <= rows; i += 4)
            {
                Tile4x4<TVector, TElement, TOps>(a + (i * aRowStride), aRowStride, aDepthStride, b + j, ldb, c + (i * ldc) + j, ldc, depth, accumulate, At(bias, j), mode, mask + (i * ldc) + j);
            }

            for (; i < rows; i++)
            {
                Tile1x4<TVector, TElement, TOps>(a + (i * aRowStride), aRowStride, aDepthStride, b + j, ldb, c + (i * ldc) + j, ldc, depth, accumulate, At(bias, j), mode, mask + (i * ldc) + j);
            }
        }

        // Fewer than four vectors left. Narrow tiles get more rows so that they still have eight
        // independent FMA chains, enough to cover FMA latency.
        if (j + (2 * w) <= columnEnd)
        {
            int i = 0;
            for (; i + 4 <= rows; i += 4)
            {
                Tile4x2<TVector, TElement, TOps>(a + (i * aRowStride), aRowStride, aDepthStride, b + j, ldb, c + (i * ldc) + j, ldc, depth, accumulate, At(bias, j), mode, mask + (i * ldc) + j);
            }

            for (; i < rows; i++)
            {
                Tile1x2<TVector, TElement, TOps>(a + (i * aRowStride), aRowStride, aDepthStride, b + j, ldb, c + (i * ldc) + j, ldc, depth, accumulate, At(bias, j), mode, mask + (i * ldc) + j);
            }

            j += 2 * (int)w;
        }

        if (j + w <= columnEnd)
        {
            int i = 0;
            for (; i + 8 <= rows; i += 8)
            {
                Tile8x1<TVector, TElement, TOps>(a + (i * aRowStride), aRowStride, aDepthStride, b + j, ldb, c + (i * ldc) + j, ldc, depth, accumulate, At(bias, j), mode, mask + (i * ldc) + j);
            }

            for (; i + 4 <= rows; i += 4)
            {
                Tile4x1<TVector, TElement, TOps>(a + (i * aRowStride), aRowStride, aDepthStride, b + j, ldb, c + (i * ldc) + j, ldc, depth, accumulate, At(bias, j), mode, mask + (i * ldc) + j);
            }

            for (; i < rows; i++)
            {
                Tile1x1<TVector, TElement, TOps>(a + (i * aRowStride), aRowStride, aDepthStride, b + j, ldb, c + (i * ldc) + j, ldc, depth, accumulate, At(bias, j), mode, mask + (i * ldc) + j);
            }

            j += (int)w;
        }

        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x4<TVector, TElement, TOps>(TElement* a, nint aRowStride, nint aDepthStride, TElement* b, nint ldb, TElement* c, nint ldc, int depth, bool accumulate, TElement* bias, EpilogueMode mode, TElement* mask)
        where TVector : unmanaged
        where TElement : unmanaged
        where TOps : IVectorOps<TVector, TElement>
    {
        nint w = TOps.Count;
        TVector c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        if (accumulate)
        {
            c00 = TOps.Load(c);
            c01 = TOps.Load(c + w);
            c02 = TOps.Load(c + (2 * w));
            c03 = TOps.Load(c + (3 * w));
            c10 = TOps.Load(c + ldc);
            c11 = TOps.Load(c + ldc + w);
            c12 = TOps.Load(c + ldc + (2 * w));
            c13 = TOps.Load(c + ldc + (3 * w));
            c20 = TOps.Load(c + (2 * ldc));
            c21 = TOps.Load(c + (2 * ldc) + w);
            c22 = TOps.Load(c + (2 * ldc) + (2 * w));
            c23 = TOps.Load(c + (2 * ldc) + (3 * w));
            c30 = TOps.Load(c + (3 * ldc));
            c31 = TOps.Load(c + (3 * ldc) + w);
            c32 = TOps.Load(c + (3 * ldc) + (2 * w));
            c33 = TOps.Load(c + (3 * ldc) + (3 * w));
        }
        else if (bias != null)
        {
            // C starts from the bias row: the same sums as storing b and accumulating onto it.
            TVector bias0 = TOps.Load(bias);
            TVector bias1 = TOps.Load(bias + w);
            TVector bias2 = TOps.Load(bias + (2 * w));
            TVector bias3 = TOps.Load(bias + (3 * w));
            c00 = bias0;
            c01 = bias1;
            c02 = bias2;
            c03 = bias3;
            c10 = bias0;
            c11 = bias1;
            c12 = bias2;
            c13 = bias3;
            c20 = bias0;
            c21 = bias1;
            c22 = bias2;
            c23 = bias3;
            c30 = bias0;
            c31 = bias1;
            c32 = bias2;
            c33 = bias3;
        }
        else
        {
            c00 = TOps.Zero;
            c01 = TOps.Zero;
            c02 = TOps.Zero;
            c03 = TOps.Zero;
            c10 = TOps.Zero;
            c11 = TOps.Zero;
            c12 = TOps.Zero;
            c13 = TOps.Zero;
            c20 = TOps.Zero;
            c21 = TOps.Zero;
            c22 = TOps.Zero;
            c23 = TOps.Zero;
            c30 = TOps.Zero;
            c31 = TOps.Zero;
            c32 = TOps.Zero;
            c33 = TOps.Zero;
        }

        TElement* a0 = a;
        TElement* a1 = a + aRowStride;
        TElement* a2 = a + (2 * aRowStride);
        TElement* a3 = a + (3 * aRowStride);
        for (int p = 0; p < depth; p++)
        {
            TVector b0 = TOps.Load(b);
            TVector b1 = TOps.Load(b + w);
            TVector b2 = TOps.Load(b + (2 * w));
            TVector b3 = TOps.Load(b + (3 * w));
            TVector x0 = TOps.Broadcast(a0);
            c00 = TOps.MultiplyAdd(x0, b0, c00);
            c01 = TOps.MultiplyAdd(x0, b1, c01);
            c02 = TOps.MultiplyAdd(x0, b2, c02);
            c03 = TOps.MultiplyAdd(x0, b3, c03);
            TVector x1 = TOps.Broadcast(a1);
            c10 = TOps.MultiplyAdd(x1, b0, c10);
            c11 = TOps.MultiplyAdd(x1, b1, c11);
            c12 = TOps.MultiplyAdd(x1, b2, c12);
            c13 = TOps.MultiplyAdd(x1, b3, c13);
            TVector x2 = TOps.Broadcast(a2);
            c20 = TOps.MultiplyAdd(x2, b0, c20);
            c21 = TOps.MultiplyAdd(x2, b1, c21);
            c22 = TOps.MultiplyAdd(x2, b2, c22);
            c23 = TOps.MultiplyAdd(x2, b3, c23);
            TVector x3 = TOps.Broadcast(a3);
            c30 = TOps.MultiplyAdd(x3, b0, c30);
            c31 = TOps.MultiplyAdd(x3, b1, c31);
            c32 = TOps.MultiplyAdd(x3, b2, c32);
            c33 = TOps.MultiplyAdd(x3, b3, c33);
            a0 += aDepthStride;
            a1 += aDepthStride;
            a2 += aDepthStride;
            a3 += aDepthStride;
            b += ldb;
        }

        if (mode == EpilogueMode.None)
        {
            TOps.Store(c, c00);
            TOps.Store(c + w, c01);
            TOps.Store(c + (2 * w), c02);
            TOps.Store(c + (3 * w), c03);
            TOps.Store(c + ldc, c10);
            TOps.Store(c + ldc + w, c11);
            TOps.Store(c + ldc + (2 * w), c12);
            TOps.Store(c + ldc + (3 * w), c13);
            TOps.Store(c + (2 * ldc), c20);
            TOps.Store(c + (2 * ldc) + w, c21);
            TOps.Store(c + (2 * ldc) + (2 * w), c22);
            TOps.Store(c + (2 * ldc) + (3 * w), c23);
            TOps.Store(c + (3 * ldc), c30);
            TOps.Store(c + (3 * ldc) + w, c31);
            TOps.Store(c + (3 * ldc) + (2 * w), c32);
            TOps.Store(c + (3 * ldc) + (3 * w), c33);
            return;
        }

        Put<TVector, TElement, TOps>(c, 0, c00, mode, mask);
        Put<TVector, TElement, TOps>(c, w, c01, mode, mask);
        Put<TVector, TElement, TOps>(c, (2 * w), c02, mode, mask);
        Put<TVector, TElement, TOps>(c, (3 * w), c03, mode, mask);
        Put<TVector, TElement, TOps>(c, ldc, c10, mode, mask);
        Put<TVector, TElement, TOps>(c, ldc + w, c11, mode, mask);
        Put<TVector, TElement, TOps>(c, ldc + (2 * w), c12, mode, mask);
        Put<TVector, TElement, TOps>(c, ldc + (3 * w), c13, mode, mask);
        Put<TVector, TElement, TOps>(c, (2 * ldc), c20, mode, mask);
        Put<TVector, TElement, TOps>(c, (2 * ldc) + w, c21, mode, mask);
        Put<TVector, TElement, TOps>(c, (2 * ldc) + (2 * w), c22, mode, mask);
        Put<TVector, TElement, TOps>(c, (2 * ldc) + (3 * w), c23, mode, mask);
        Put<TVector, TElement, TOps>(c, (3 * ldc), c30, mode, mask);
        Put<TVector, TElement, TOps>(c, (3 * ldc) + w, c31, mode, mask);
        Put<TVector, TElement, TOps>(c, (3 * ldc) + (2 * w), c32, mode, mask);
        Put<TVector, TElement, TOps>(c, (3 * ldc) + (3 * w), c33, mode, mask);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1x4<TVector, TElement, TOps>(TElement* a, nint aRowStride, nint aDepthStride, TElement* b, nint ldb, TElement* c, nint ldc, int depth, bool accumulate, TElement* bias, EpilogueMode mode, TElement* mask)
        where TVector : unmanaged
        where TElement : unmanaged
        where TOps : IVectorOps<TVector, TElement>
    {
        nint w = TOps.Count;
        TVector c00, c01, c02, c03;
        if (accumulate)
        {
            c00 = TOps.Load(c);
            c01 = TOps.Load(c + w);
            c02 = TOps.Load(c + (2 * w));
            c03 = TOps.Load(c + (3 * w));
        }
        else if (bias != null)
        {
            // C starts from the bias row: the same sums as storing b and accumulating onto it.
            TVector bias0 = TOps.Load(bias);
            TVector bias1 = TOps.Load(bias + w);
            TVector bias2 = TOps.Load(bias + (2 * w));
            TVector bias3 = TOps.Load(bias + (3 * w));
            c00 = bias0;
            c01 = bias1;
            c02 = bias2;
            c03 = bias3;
        }
        else
        {
            c00 = TOps.Zero;
            c01 = TOps.Zero;
            c02 = TOps.Zero;
            c03 = TOps.Zero;
        }

        TElement* a0 = a;
        for (int p = 0; p < depth; p++)
        {
            TVector b0 = TOps.Load(b);
            TVector b1 = TOps.Load(b + w);
            TVector b2 = TOps.Load(b + (2 * w));
            TVector b3 = TOps.Load(b + (3 * w));
            TVector x0 = TOps.Broadcast(a0);
            c00 = TOps.MultiplyAdd(x0, b0, c00);
            c01 = TOps.MultiplyAdd(x0, b1, c01);
            c02 = TOps.MultiplyAdd(x0, b2, c02);
            c03 = TOps.MultiplyAdd(x0, b3, c03);
            a0 += aDepthStride;
            b += ldb;
        }

        if (mode == EpilogueMode.None)
        {
            TOps.Store(c, c00);
            TOps.Store(c + w, c01);
            TOps.Store(c + (2 * w), c02);
            TOps.Store(c + (3 * w), c03);
            return;
        }

        Put<TVector, TElement, TOps>(c, 0, c00, mode, mask);
        Put<TVector, TElement, TOps>(c, w, c01, mode, mask);
        Put<TVector, TElement, TOps>(c, (2 * w), c02, mode, mask);
        Put<TVector, TElement, TOps>(c, (3 * w), c03, mode, mask);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile6x2<TVector, TElement, TOps>(TElement* a, nint aRowStride, nint aDepthStride, TElement* b, nint ldb, TElement* c, nint ldc, int depth, bool accumulate, TElement* bias, EpilogueMode mode, TElement* mask)
        where TVector : unmanaged
        where TElement : unmanaged
        where TOps : IVectorOps<TVector, TElement>
    {
        nint w = TOps.Count;
        TVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (accumulate)
        {
            c00 = TOps.Load(c);
            c01 = TOps.Load(c + w);
            c10 = TOps.Load(c + ldc);
            c11 = TOps.Load(c + ldc + w);
            c20 = TOps.Load(c + (2 * ldc));
            c21 = TOps.Load(c + (2 * ldc) + w);
            c30 = TOps.Load(c + (3 * ldc));
            c31 = TOps.Load(c + (3 * ldc) + w);
            c40 = TOps.Load(c + (4 * ldc));
            c41 = TOps.Load(c + (4 * ldc) + w);
            c50 = TOps.Load(c + (5 * ldc));
            c51 = TOps.Load(c + (5 * ldc) + w);
        }
        else if (bias != null)
        {
            // C starts from the bias row: the same sums as storing b and accumulating onto it.
            TVector bias0 = TOps.Load(bias);
            TVector bias1 = TOps.Load(bias + w);
            c00 = bias0;
            c01 = bias1;
            c10 = bias0;
            c11 = bias1;
            c20 = bias0;
            c21 = bias1;
            c30 = bias0;
            c31 = bias1;
            c40 = bias0;
            c41 = bias1;
            c50 = bias0;
            c51 = bias1;
        }
        else
        {
            c00 = TOps.Zero;
            c01 = TOps.Zero;
            c10 = TOps.Zero;
            c11 = TOps.Zero;
            c20 = TOps.Zero;
            c21 = TOps.Zero;
            c30 = TOps.Zero;
            c31 = TOps.Zero;
            c40 = TOps.Zero;
            c41 = TOps.Zero;
            c50 = TOps.Zero;
            c51 = TOps.Zero;
        }

        TElement* a0 = a;
        for (int p = 0; p < depth; p++)
        {
            TVector b0 = TOps.Load(b);
            TVector b1 = TOps.Load(b + w);
            TVector x = TOps.Broadcast(a0);
            c00 = TOps.MultiplyAdd(x, b0, c00);
            c01 = TOps.MultiplyAdd(x, b1, c01);
            x = TOps.Broadcast(a0 + aRowStride);
            c10 = TOps.MultiplyAdd(x, b0, c10);
            c11 = TOps.MultiplyAdd(x, b1, c11);
            x = TOps.Broadcast(a0 + (2 * aRowStride));
            c20 = TOps.MultiplyAdd(x, b0, c20);
            c21 = TOps.MultiplyAdd(x, b1, c21);
            x = TOps.Broadcast(a0 + (3 * aRowStride));
            c30 = TOps.MultiplyAdd(x, b0, c30);
            c31 = TOps.MultiplyAdd(x, b1, c31);
            x = TOps.Broadcast(a0 + (4 * aRowStride));
            c40 = TOps.MultiplyAdd(x, b0, c40);
            c41 = TOps.MultiplyAdd(x, b1, c41);
            x = TOps.Broadcast(a0 + (5 * aRowStride));
            c50 = TOps.MultiplyAdd(x, b0, c50);
            c51 = TOps.MultiplyAdd(x, b1, c51);
            a0 += aDepthStride;
            b += ldb;
        }

        if (mode == EpilogueMode.None)
        {
            TOps.Store(c, c00);
            TOps.Store(c + w, c01);
            TOps.Store(c + ldc, c10);
            TOps.Store(c + ldc + w, c11);
            TOps.Store(c + (2 * ldc), c20);
            TOps.Store(c + (2 * ldc) + w, c21);
            TOps.Store(c + (3 * ldc), c30);
            TOps.Store(c + (3 * ldc) + w, c31);
            TOps.Store(c + (4 * ldc), c40);
            TOps.Store(c + (4 * ldc) + w, c41);
            TOps.Store(c + (5 * ldc), c50);
            TOps.Store(c + (5 * ldc) + w, c51);
            return;
        }

        Put<TVector, TElement, TOps>(c, 0, c00, mode, mask);
        Put<TVector, TElement, TOps>(c, w, c01, mode, mask);
        Put<TVector, TElement, TOps>(c, ldc, c10, mode, mask);
        Put<TVector, TElement, TOps>(c, ldc + w, c11, mode, mask);
        Put<TVector, TElement, TOps>(c, (2 * ldc), c20, mode, mask);
        Put<TVector, TElement, TOps>(c, (2 * ldc) + w, c21, mode, mask);
        Put<TVector, TElement, TOps>(c, (3 * ldc), c30, mode, mask);
        Put<TVector, TElement, TOps>(c, (3 * ldc) + w, c31, mode, mask);
        Put<TVector, TElement, TOps>(c, (4 * ldc), c40, mode, mask);
        Put<TVector, TElement, TOps>(c, (4 * ldc) + w, c41, mode, mask);
        Put<TVector, TElement, TOps>(c, (5 * ldc), c50, mode, mask);
        Put<TVector, TElement, TOps>(c, (5 * ldc) + w, c51, mode, mask);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x2<TVector, TElement, TOps>(TElement* a, nint aRowStride, nint aDepthStride, TElement* b, nint ldb, TElement* c, nint ldc, int depth, bool accumulate, TElement* bias, EpilogueMode mode, TElement* mask)
        where TVector : unmanaged
        where TElement : unmanaged
        where TOps : IVectorOps<TVector, TElement>
    {
        nint w = TOps.Count;
        TVector c00, c01, c10, c11, c20, c21, c30, c31;
        if (accumulate)
        {
            c00 = TOps.Load(c);
            c01 = TOps.Load(c + w);
            c10 = TOps.Load(c + ldc);
            c11 = TOps.Load(c + ldc + w);
            c20 = TOps.Load(c + (2 * ldc));
            c21 = TOps.Load(c + (2 * ldc) + w);
            c30 = TOps.Load(c + (3 * ldc));
            c31 = TOps.Load(c + (3 * ldc) + w);
        }
        else if (bias != null)
        {
            // C starts from the bias row: the same sums as storing b and accumulating onto it.
            TVector bias0 = TOps.Load(bias);
            TVector bias1 = TOps.Load(bias + w);
            c00 = bias0;
            c01 = bias1;
            c10 = bias0;
            c11 = bias1;
            c20 = bias0;
            c21 = bias1;
            c30 = bias0;
            c31 = bias1;
        }
        else
        {
            c00 = TOps.Zero;
            c01 = TOps.Zero;
            c10 = TOps.Zero;
            c11 = TOps.Zero;
            c20 = TOps.Zero;
            c21 = TOps.Zero;
            c30 = TOps.Zero;
            c31 = TOps.Zero;
        }

        TElement* a0 = a;
        TElement* a1 = a + aRowStride;
        TElement* a2 = a + (2 * aRowStride);
        TElement* a3 = a + (3 * aRowStride);
        for (int p = 0; p < depth; p++)
        {
            TVector b0 = TOps.Load(b);
            TVector b1 = TOps.Load(b + w);
            TVector x0 = TOps.Broadcast(a0);
            c00 = TOps.MultiplyAdd(x0, b0, c00);
            c01 = TOps.MultiplyAdd(x0, b1, c01);
            TVector x1 = TOps.Broadcast(a1);
            c10 = TOps.MultiplyAdd(x1, b0, c10);
            c11 = TOps.MultiplyAdd(x1, b1, c11);
            TVector x2 = TOps.Broadcast(a2);
            c20 = TOps.MultiplyAdd(x2, b0, c20);
            c21 = TOps.MultiplyAdd(x2, b1, c21);
            TVector x3 = TOps.Broadcast(a3);
            c30 = TOps.MultiplyAdd(x3, b0, c30);
            c31 = TOps.MultiplyAdd(x3, b1, c31);
            a0 += aDepthStride;
            a1 += aDepthStride;
            a2 += aDepthStride;
            a3 += aDepthStride;
            b += ldb;
        }

        if (mode == EpilogueMode.None)
        {
            TOps.Store(c, c00);
            TOps.Store(c + w, c01);
            TOps.Store(c + ldc, c10);
            TOps.Store(c + ldc + w, c11);
            TOps.Store(c + (2 * ldc), c20);
            TOps.Store(c + (2 * ldc) + w, c21);
            TOps.Store(c + (3 * ldc), c30);
            TOps.Store(c + (3 * ldc) + w, c31);
            return;
        }

        Put<TVector, TElement, TOps>(c, 0, c00, mode, mask);
        Put<TVector, TElement, TOps>(c, w, c01, mode, mask);
        Put<TVector, TElement, TOps>(c, ldc, c10, mode, mask);
        Put<TVector, TElement, TOps>(c, ldc + w, c11, mode, mask);
        Put<TVector, TElement, TOps>(c, (2 * ldc), c20, mode, mask);
        Put<TVector, TElement, TOps>(c, (2 * ldc) + w, c21, mode, mask);
        Put<TVector, TElement, TOps>(c, (3 * ldc), c30, mode, mask);
        Put<TVector, TElement, TOps>(c, (3 * ldc) + w, c31, mode, mask);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1x2<TVector, TElement, TOps>(TElement* a, nint aRowStride, nint aDepthStride, TElement* b, nint ldb, TElement* c, nint ldc, int depth, bool accumulate, TElement* bias, EpilogueMode mode, TElement* mask)
        where TVector : unmanaged
        where TElement : unmanaged
        where TOps : IVectorOps<TVector, TElement>
    {
        nint w = TOps.Count;
        TVector c00, c01;
        if (accumulate)
        {
            c00 = TOps.Load(c);
            c01 = TOps.Load(c + w);
        }
        else if (bias != null)
        {
            // C starts from the bias row: the same sums as storing b and accumulating onto it.
            TVector bias0 = TOps.Load(bias);
            TVector bias1 = TOps.Load(bias + w);
            c00 = bias0;
            c01 = bias1;
        }
        else
        {
            c00 = TOps.Zero;
            c01 = TOps.Zero;
        }

        TElement* a0 = a;
        for (int p = 0; p < depth; p++)
        {
            TVector b0 = TOps.Load(b);
            TVector b1 = TOps.Load(b + w);
            TVector x0 = TOps.Broadcast(a0);
            c00 = TOps.MultiplyAdd(x0, b0, c00);
            c01 = TOps.MultiplyAdd(x0, b1, c01);
            a0 += aDepthStride;
            b += ldb;
        }

        if (mode == EpilogueMode.None)
        {
            TOps.Store(c, c00);
            TOps.Store(c + w, c01);
            return;
        }

        Put<TVector, TElement, TOps>(c, 0, c00, mode, mask);
        Put<TVector, TElement, TOps>(c, w, c01, mode, mask);
    }

    // One row of C, eight vectors wide: eight independent FMA chains, each as Tile1x2 computes its two.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1x8<TVector, TElement, TOps>(TElement* a, nint aDepthStride, TElement* b, nint ldb, TElement* c, int depth, bool accumulate, TElement* bias, EpilogueMode mode, TElement* mask)
        where TVector : unmanaged
        where TElement : unmanaged
        where TOps : IVectorOps<TVector, TElement>
    {
        nint w = TOps.Count;
        TVector c0, c1, c2, c3, c4, c5, c6, c7;
        if (accumulate)
        {
            LoadEight<TVector, TElement, TOps>(c, w, out c0, out c1, out c2, out c3, out c4, out c5, out c6, out c7);
        }
        else if (bias != null)
        {
            // C starts from the bias row: the same sums as storing b and accumulating onto it.
            LoadEight<TVector, TElement, TOps>(bias, w, out c0, out c1, out c2, out c3, out c4, out c5, out c6, out c7);
        }
        else
        {
            c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = TOps.Zero;
        }

        TElement* a0 = a;
        for (int p = 0; p < depth; p++)
        {
            TVector x0 = TOps.Broadcast(a0);
            c0 = TOps.MultiplyAdd(x0, TOps.Load(b), c0);
            c1 = TOps.MultiplyAdd(x0, TOps.Load(b + w), c1);
            c2 = TOps.MultiplyAdd(x0, TOps.Load(b + (2 * w)), c2);
            c3 = TOps.MultiplyAdd(x0, TOps.Load(b + (3 * w)), c3);
            c4 = TOps.MultiplyAdd(x0, TOps.Load(b + (4 * w)), c4);
            c5 = TOps.MultiplyAdd(x0, TOps.Load(b + (5 * w)), c5);
            c6 = TOps.MultiplyAdd(x0, TOps.Load(b + (6 * w)), c6);
            c7 = TOps.MultiplyAdd(x0, TOps.Load(b + (7 * w)), c7);
            a0 += aDepthStride;
            b += ldb;
        }

        PutEight<TVector, TElement, TOps>(c, w, c0, c1, c2, c3, c4, c5, c6, c7, mode, mask);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8x1<TVector, TElement, TOps>(TElement* a, nint aRowStride, nint aDepthStride, TElement* b, nint ldb, TElement* c, nint ldc, int depth, bool accumulate, TElement* bias, EpilogueMode mode, TElement* mask)
        where TVector : unmanaged
        where TElement : unmanaged
        where TOps : IVectorOps<TVector, TElement>
    {
        nint w = TOps.Count;
        TVector c00, c10, c20, c30, c40, c50, c60, c70;
        if (accumulate)
        {
            LoadEight<TVector, TElement, TOps>(c, ldc, out c00, out c10, out c20, out c30, out c40, out c50, out c60, out c70);
        }
        else if (bias != null)
        {
            // C starts from the bias row: the same sums as storing b and accumulating onto it.
            TVector bias0 = TOps.Load(bias);
            c00 = bias0;
            c10 = bias0;
            c20 = bias0;
            c30 = bias0;
            c40 = bias0;
            c50 = bias0;
            c60 = bias0;
            c70 = bias0;
        }
        else
        {
            c00 = TOps.Zero;
            c10 = TOps.Zero;
            c20 = TOps.Zero;
            c30 = TOps.Zero;
            c40 = TOps.Zero;
            c50 = TOps.Zero;
            c60 = TOps.Zero;
            c70 = TOps.Zero;
        }

        TElement* a0 = a;
        TElement* a1 = a + aRowStride;
        TElement* a2 = a + (2 * aRowStride);
        TElement* a3 = a + (3 * aRowStride);
        TElement* a4 = a + (4 * aRowStride);
        TElement* a5 = a + (5 * aRowStride);
        TElement* a6 = a + (6 * aRowStride);
        TElement* a7 = a + (7 * aRowStride);
        for (int p = 0; p < depth; p++)
        {
            TVector b0 = TOps.Load(b);
            TVector x0 = TOps.Broadcast(a0);
            c00 = TOps.MultiplyAdd(x0, b0, c00);
            TVector x1 = TOps.Broadcast(a1);
            c10 = TOps.MultiplyAdd(x1, b0, c10);
            TVector x2 = TOps.Broadcast(a2);
            c20 = TOps.MultiplyAdd(x2, b0, c20);
            TVector x3 = TOps.Broadcast(a3);
            c30 = TOps.MultiplyAdd(x3, b0, c30);
            TVector x4 = TOps.Broadcast(a4);
            c40 = TOps.MultiplyAdd(x4, b0, c40);
            TVector x5 = TOps.Broadcast(a5);
            c50 = TOps.MultiplyAdd(x5, b0, c50);
            TVector x6 = TOps.Broadcast(a6);
            c60 = TOps.MultiplyAdd(x6, b0, c60);
            TVector x7 = TOps.Broadcast(a7);
            c70 = TOps.MultiplyAdd(x7, b0, c70);
            a0 += aDepthStride;
            a1 += aDepthStride;
            a2 += aDepthStride;
            a3 += aDepthStride;
            a4 += aDepthStride;
            a5 += aDepthStride;
            a6 += aDepthStride;
            a7 += aDepthStride;
            b += ldb;
        }

        PutEight<TVector, TElement, TOps>(c, ldc, c00, c10, c20, c30, c40, c50, c60, c70, mode, mask);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x1<TVector, TElement, TOps>(TElement* a, nint aRowStride, nint aDepthStride, TElement* b, nint ldb, TElement* c, nint ldc, int depth, bool accumulate, TElement* bias, EpilogueMode mode, TElement* mask)
        where TVector : unmanaged
        where TElement : unmanaged
        where TOps : IVectorOps<TVector, TElement>
    {
        nint w = TOps.Count;
        TVector c00, c10, c20, c30;
        if (accumulate)
        {
            c00 = TOps.Load(c);
            c10 = TOps.Load(c + ldc);
            c20 = TOps.Load(c + (2 * ldc));
            c30 = TOps.Load(c + (3 * ldc));
        }
        else if (bias != null)
        {
            // C starts from the bias row: the same sums as storing b and accumulating onto it.
            TVector bias0 = TOps.Load(bias);
            c00 = bias0;
            c10 = bias0;
            c20 = bias0;
            c30 = bias0;
        }
        else
        {
            c00 = TOps.Zero;
            c10 = TOps.Zero;
            c20 = TOps.Zero;
            c30 = TOps.Zero;
        }

        TElement* a0 = a;
        TElement* a1 = a + aRowStride;
        TElement* a2 = a + (2 * aRowStride);
        TElement* a3 = a + (3 * aRowStride);
        for (int p = 0; p < depth; p++)
        {
            TVector b0 = TOps.Load(b);
            TVector x0 = TOps.Broadcast(a0);
            c00 = TOps.MultiplyAdd(x0, b0, c00);
            TVector x1 = TOps.Broadcast(a1);
            c10 = TOps.MultiplyAdd(x1, b0, c10);
            TVector x2 = TOps.Broadcast(a2);
            c20 = TOps.MultiplyAdd(x2, b0, c20);
            TVector x3 = TOps.Broadcast(a3);
            c30 = TOps.MultiplyAdd(x3, b0, c30);
            a0 += aDepthStride;
            a1 += aDepthStride;
            a2 += aDepthStride;
            a3 += aDepthStride;
            b += ldb;
        }

        if (mode == EpilogueMode.None)
        {
            TOps.Store(c, c00);
            TOps.Store(c + ldc, c10);
            TOps.Store(c + (2 * ldc), c20);
            TOps.Store(c + (3 * ldc), c30);
            return;
        }

        Put<TVector, TElement, TOps>(c, 0, c00, mode, mask);
        Put<TVector, TElement, TOps>(c, ldc, c10, mode, mask);
        Put<TVector, TElement, TOps>(c, (2 * ldc), c20, mode, mask);
        Put<TVector, TElement, TOps>(c, (3 * ldc), c30, mode, mask);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1x1<TVector, TElement, TOps>(TElement* a, nint aRowStride, nint aDepthStride, TElement* b, nint ldb, TElement* c, nint ldc, int depth, bool accumulate, TElement* bias, EpilogueMode mode, TElement* mask)
        where TVector : unmanaged
        where TElement : unmanaged
        where TOps : IVectorOps<TVector, TElement>
    {
        nint w = TOps.Count;
        TVector c00;
        if (accumulate)
        {
            c00 = TOps.Load(c);
        }
        else if (bias != null)
        {
            // C starts from the bias row: the same sums as storing b and accumulating onto it.
            TVector bias0 = TOps.Load(bias);
            c00 = bias0;
        }
        else
        {
            c00 = TOps.Zero;
        }

        TElement* a0 = a;
        for (int p = 0; p < depth; p++)
        {
            TVector b0 = TOps.Load(b);
            TVector x0 = TOps.Broadcast(a0);
            c00 = TOps.MultiplyAdd(x0, b0, c00);
            a0 += aDepthStride;
            b += ldb;
        }

        if (mode == EpilogueMode.None)
        {
            TOps.Store(c, c00);
            return;
        }

        Put<TVector, TElement, TOps>(c, 0, c00, mode, mask);
    }

    /// <summary>The bias from column <paramref name="column"/> on, or null when there is none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TElement* At<TElement>(TElement* bias, int column)
        where TElement : unmanaged
        => bias == null ? null : bias + column;

    // Eight vectors from source + k·stride, k = 0 … 7 (the counterpart of PutEight).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LoadEight<TVector, TElement, TOps>(TElement* source, nint stride, out TVector v0, out TVector v1, out TVector v2, out TVector v3, out TVector v4, out TVector v5, out TVector v6, out TVector v7)
        where TVector : unmanaged
        where TElement : unmanaged
        where TOps : IVectorOps<TVector, TElement>
    {
        v0 = TOps.Load(source);
        v1 = TOps.Load(source + stride);
        v2 = TOps.Load(source + (2 * stride));
        v3 = TOps.Load(source + (3 * stride));
        v4 = TOps.Load(source + (4 * stride));
        v5 = TOps.Load(source + (5 * stride));
        v6 = TOps.Load(source + (6 * stride));
        v7 = TOps.Load(source + (7 * stride));
    }

    // Eight vectors of a tile to C, the k-th at c + k·stride (along a row: stride = one vector; down a column:
    // stride = ldc), through the epilogue.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PutEight<TVector, TElement, TOps>(TElement* c, nint stride, TVector v0, TVector v1, TVector v2, TVector v3, TVector v4, TVector v5, TVector v6, TVector v7, EpilogueMode mode, TElement* mask)
        where TVector : unmanaged
        where TElement : unmanaged
        where TOps : IVectorOps<TVector, TElement>
    {
        if (mode == EpilogueMode.None)
        {
            TOps.Store(c, v0);
            TOps.Store(c + stride, v1);
            TOps.Store(c + (2 * stride), v2);
            TOps.Store(c + (3 * stride), v3);
            TOps.Store(c + (4 * stride), v4);
            TOps.Store(c + (5 * stride), v5);
            TOps.Store(c + (6 * stride), v6);
            TOps.Store(c + (7 * stride), v7);
            return;
        }

        Put<TVector, TElement, TOps>(c, 0, v0, mode, mask);
        Put<TVector, TElement, TOps>(c, stride, v1, mode, mask);
        Put<TVector, TElement, TOps>(c, 2 * stride, v2, mode, mask);
        Put<TVector, TElement, TOps>(c, 3 * stride, v3, mode, mask);
        Put<TVector, TElement, TOps>(c, 4 * stride, v4, mode, mask);
        Put<TVector, TElement, TOps>(c, 5 * stride, v5, mode, mask);
        Put<TVector, TElement, TOps>(c, 6 * stride, v6, mode, mask);
        Put<TVector, TElement, TOps>(c, 7 * stride, v7, mode, mask);
    }

    /// <summary>Stores one vector of the last depth block through the epilogue (<paramref name="mode"/> is not None).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put<TVector, TElement, TOps>(TElement* c, nint offset, TVector value, EpilogueMode mode, TElement* mask)
        where TVector : unmanaged
        where TElement : unmanaged
        where TOps : IVectorOps<TVector, TElement>
    {
        // The mask has C's layout, so the same offset addresses it.
        value = mode == EpilogueMode.Relu ? TOps.Relu(value) : TOps.KeepWherePositive(value, TOps.Load(mask + offset));
        TOps.Store(c + offset, value);
    }
}
