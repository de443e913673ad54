using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SharpRL.Nn.Kernels;

/// <summary>
/// Dot-product GEMM for narrow outputs: C[i, j] (+)= Σ_p A[i, p]·Bt[j, p] with both operands
/// contiguous along p. Value heads (n = 1) and small action heads have fewer columns than one
/// vector, which leaves the broadcast kernels of <see cref="GemmKernels"/> almost scalar; here the
/// vector lanes run along the depth instead, at the price of one horizontal sum per element of C.
/// </summary>
internal static unsafe class GemmDotKernels
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute<T>(KernelPath path, T* a, nint lda, T* bt, nint ldbt, T* c, nint ldc, int rows, int depth, int columns, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The widest vector the depth fills at least once; the last depth % width terms are scalar.
        if (typeof(T) == typeof(float))
        {
            float* fa = (float*)a;
            float* fb = (float*)bt;
            float* fc = (float*)c;
            if (path >= KernelPath.Vector512 && depth >= Vector512<float>.Count)
            {
                Columns<float, Vector512<float>, Vector512SingleOps>(fa, lda, fb, ldbt, fc, ldc, rows, depth, columns, accumulate);
                return;
            }

            if (path >= KernelPath.Vector256 && depth >= Vector256<float>.Count)
            {
                Columns<float, Vector256<float>, Vector256SingleOps>(fa, lda, fb, ldbt, fc, ldc, rows, depth, columns, accumulate);
                return;
            }

            if (path >= KernelPath.Vector128 && depth >= Vector128<float>.Count)
            {
                Columns<float, Vector128<float>, Vector128SingleOps>(fa, lda, fb, ldbt, fc, ldc, rows, depth, columns, accumulate);
                return;
            }
        }
        else if (typeof(T) == typeof(double))
        {
            double* da = (double*)a;
            double* db = (double*)bt;
            double* dc = (double*)c;
            if (path >= KernelPath.Vector512 && depth >= Vector512<double>.Count)
            {
                Columns<double, Vector512<double>, Vector512DoubleOps>(da, lda, db, ldbt, dc, ldc, rows, depth, columns, accumulate);
                return;
            }

            if (path >= KernelPath.Vector256 && depth >= Vector256<double>.Count)
            {
                Columns<double, Vector256<double>, Vector256DoubleOps>(da, lda, db, ldbt, dc, ldc, rows, depth, columns, accumulate);
                return;
            }

            if (path >= KernelPath.Vector128 && depth >= Vector128<double>.Count)
            {
                Columns<double, Vector128<double>, Vector128DoubleOps>(da, lda, db, ldbt, dc, ldc, rows, depth, columns, accumulate);
                return;
            }
        }

        Columns<T, T, ScalarOps<T>>(a, lda, bt, ldbt, c, ldc, rows, depth, columns, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Columns<T, TVector, TOps>(T* a, nint lda, T* bt, nint ldbt, T* c, nint ldc, int rows, int depth, int columns, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : unmanaged
        where TOps : IVectorOps<TVector, T>
    {
        int vectorDepth = depth - (depth % TOps.Count);

        // Tiles of eight dot products keep eight independent FMA chains in flight.
        int j = 0;
        for (; j + 2 <= columns; j += 2)
        {
            int i = 0;
            for (; i + 4 <= rows; i += 4)
            {
                DotTile4x2<T, TVector, TOps>(a + (i * lda), lda, bt + (j * ldbt), ldbt, c + (i * ldc) + j, ldc, depth, vectorDepth, accumulate);
            }

            for (; i < rows; i++)
            {
                DotTile1x1<T, TVector, TOps>(a + (i * lda), lda, bt + (j * ldbt), ldbt, c + (i * ldc) + j, ldc, depth, vectorDepth, accumulate);
                DotTile1x1<T, TVector, TOps>(a + (i * lda), lda, bt + ((j + 1) * ldbt), ldbt, c + (i * ldc) + j + 1, ldc, depth, vectorDepth, accumulate);
            }
        }

        if (j < columns)
        {
            int i = 0;
            for (; i + 8 <= rows; i += 8)
            {
                DotTile8x1<T, TVector, TOps>(a + (i * lda), lda, bt + (j * ldbt), ldbt, c + (i * ldc) + j, ldc, depth, vectorDepth, accumulate);
            }

            for (; i + 4 <= rows; i += 4)
            {
                DotTile4x1<T, TVector, TOps>(a + (i * lda), lda, bt + (j * ldbt), ldbt, c + (i * ldc) + j, ldc, depth, vectorDepth, accumulate);
            }

            for (; i < rows; i++)
            {
                DotTile1x1<T, TVector, TOps>(a + (i * lda), lda, bt + (j * ldbt), ldbt, c + (i * ldc) + j, ldc, depth, vectorDepth, accumulate);
            }
        }
    }

    /// <summary>Adds the scalar tail of the depth to a horizontal sum and stores (or accumulates) it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreDot<T>(T sum, T* a, T* b, T* c, int depth, int vectorDepth, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int p = vectorDepth; p < depth; p++)
        {
            sum = T.MultiplyAddEstimate(a[p], b[p], sum);
        }

        *c = accumulate ? *c + sum : sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotTile4x2<T, TVector, TOps>(T* a, nint lda, T* bt, nint ldbt, T* c, nint ldc, int depth, int vectorDepth, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : unmanaged
        where TOps : IVectorOps<TVector, T>
    {
        int w = TOps.Count;
        TVector s00 = TOps.Zero, s01 = TOps.Zero, s10 = TOps.Zero, s11 = TOps.Zero, s20 = TOps.Zero, s21 = TOps.Zero, s30 = TOps.Zero, s31 = TOps.Zero;
        T* a0 = a;
        T* a1 = a + lda;
        T* a2 = a + (2 * lda);
        T* a3 = a + (3 * lda);
        T* b0 = bt;
        T* b1 = bt + ldbt;
        for (int p = 0; p < vectorDepth; p += w)
        {
            TVector y0 = TOps.Load(b0 + p);
            TVector y1 = TOps.Load(b1 + p);
            TVector x0 = TOps.Load(a0 + p);
            s00 = TOps.MultiplyAdd(x0, y0, s00);
            s01 = TOps.MultiplyAdd(x0, y1, s01);
            TVector x1 = TOps.Load(a1 + p);
            s10 = TOps.MultiplyAdd(x1, y0, s10);
            s11 = TOps.MultiplyAdd(x1, y1, s11);
            TVector x2 = TOps.Load(a2 + p);
            s20 = TOps.MultiplyAdd(x2, y0, s20);
            s21 = TOps.MultiplyAdd(x2, y1, s21);
            TVector x3 = TOps.Load(a3 + p);
            s30 = TOps.MultiplyAdd(x3, y0, s30);
            s31 = TOps.MultiplyAdd(x3, y1, s31);
        }

        T* sums = stackalloc T[8];
        TOps.Sum8(s00, s01, s10, s11, s20, s21, s30, s31, sums);
        StoreDot(sums[0], a0, b0, c, depth, vectorDepth, accumulate);
        StoreDot(sums[1], a0, b1, c + 1, depth, vectorDepth, accumulate);
        StoreDot(sums[2], a1, b0, c + ldc, depth, vectorDepth, accumulate);
        StoreDot(sums[3], a1, b1, c + ldc + 1, depth, vectorDepth, accumulate);
        StoreDot(sums[4], a2, b0, c + (2 * ldc), depth, vectorDepth, accumulate);
        StoreDot(sums[5], a2, b1, c + (2 * ldc) + 1, depth, vectorDepth, accumulate);
        StoreDot(sums[6], a3, b0, c + (3 * ldc), depth, vectorDepth, accumulate);
        StoreDot(sums[7], a3, b1, c + (3 * ldc) + 1, depth, vectorDepth, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotTile8x1<T, TVector, TOps>(T* a, nint lda, T* bt, nint ldbt, T* c, nint ldc, int depth, int vectorDepth, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : unmanaged
        where TOps : IVectorOps<TVector, T>
    {
        int w = TOps.Count;
        TVector s00 = TOps.Zero, s10 = TOps.Zero, s20 = TOps.Zero, s30 = TOps.Zero, s40 = TOps.Zero, s50 = TOps.Zero, s60 = TOps.Zero, s70 = TOps.Zero;
        T* a0 = a;
        T* a1 = a + lda;
        T* a2 = a + (2 * lda);
        T* a3 = a + (3 * lda);
        T* a4 = a + (4 * lda);
        T* a5 = a + (5 * lda);
        T* a6 = a + (6 * lda);
        T* a7 = a + (7 * lda);
        T* b0 = bt;
        for (int p = 0; p < vectorDepth; p += w)
        {
            TVector y0 = TOps.Load(b0 + p);
            TVector x0 = TOps.Load(a0 + p);
            s00 = TOps.MultiplyAdd(x0, y0, s00);
            TVector x1 = TOps.Load(a1 + p);
            s10 = TOps.MultiplyAdd(x1, y0, s10);
            TVector x2 = TOps.Load(a2 + p);
            s20 = TOps.MultiplyAdd(x2, y0, s20);
            TVector x3 = TOps.Load(a3 + p);
            s30 = TOps.MultiplyAdd(x3, y0, s30);
            TVector x4 = TOps.Load(a4 + p);
            s40 = TOps.MultiplyAdd(x4, y0, s40);
            TVector x5 = TOps.Load(a5 + p);
            s50 = TOps.MultiplyAdd(x5, y0, s50);
            TVector x6 = TOps.Load(a6 + p);
            s60 = TOps.MultiplyAdd(x6, y0, s60);
            TVector x7 = TOps.Load(a7 + p);
            s70 = TOps.MultiplyAdd(x7, y0, s70);
        }

        T* sums = stackalloc T[8];
        TOps.Sum8(s00, s10, s20, s30, s40, s50, s60, s70, sums);
        StoreDot(sums[0], a0, b0, c, depth, vectorDepth, accumulate);
        StoreDot(sums[1], a1, b0, c + ldc, depth, vectorDepth, accumulate);
        StoreDot(sums[2], a2, b0, c + (2 * ldc), depth, vectorDepth, accumulate);
        StoreDot(sums[3], a3, b0, c + (3 * ldc), depth, vectorDepth, accumulate);
        StoreDot(sums[4], a4, b0, c + (4 * ldc), depth, vectorDepth, accumulate);
        StoreDot(sums[5], a5, b0, c + (5 * ldc), depth, vectorDepth, accumulate);
        StoreDot(sums[6], a6, b0, c + (6 * ldc), depth, vectorDepth, accumulate);
        StoreDot(sums[7], a7, b0, c + (7 * ldc), depth, vectorDepth, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotTile4x1<T, TVector, TOps>(T* a, nint lda, T* bt, nint ldbt, T* c, nint ldc, int depth, int vectorDepth, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : unmanaged
        where TOps : IVectorOps<TVector, T>
    {
        int w = TOps.Count;
        TVector s00 = TOps.Zero, s10 = TOps.Zero, s20 = TOps.Zero, s30 = TOps.Zero;
        T* a0 = a;
        T* a1 = a + lda;
        T* a2 = a + (2 * lda);
        T* a3 = a + (3 * lda);
        T* b0 = bt;
        for (int p = 0; p < vectorDepth; p += w)
        {
            TVector y0 = TOps.Load(b0 + p);
            TVector x0 = TOps.Load(a0 + p);
            s00 = TOps.MultiplyAdd(x0, y0, s00);
            TVector x1 = TOps.Load(a1 + p);
            s10 = TOps.MultiplyAdd(x1, y0, s10);
            TVector x2 = TOps.Load(a2 + p);
            s20 = TOps.MultiplyAdd(x2, y0, s20);
            TVector x3 = TOps.Load(a3 + p);
            s30 = TOps.MultiplyAdd(x3, y0, s30);
        }

        StoreDot(TOps.Sum(s00), a0, b0, c, depth, vectorDepth, accumulate);
        StoreDot(TOps.Sum(s10), a1, b0, c + ldc, depth, vectorDepth, accumulate);
        StoreDot(TOps.Sum(s20), a2, b0, c + (2 * ldc), depth, vectorDepth, accumulate);
        StoreDot(TOps.Sum(s30), a3, b0, c + (3 * ldc), depth, vectorDepth, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotTile1x1<T, TVector, TOps>(T* a, nint lda, T* bt, nint ldbt, T* c, nint ldc, int depth, int vectorDepth, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TVector : unmanaged
        where TOps : IVectorOps<TVector, T>
    {
        int w = TOps.Count;
        TVector s00 = TOps.Zero;
        T* a0 = a;
        T* b0 = bt;
        for (int p = 0; p < vectorDepth; p += w)
        {
            TVector y0 = TOps.Load(b0 + p);
            TVector x0 = TOps.Load(a0 + p);
            s00 = TOps.MultiplyAdd(x0, y0, s00);
        }

        StoreDot(TOps.Sum(s00), a0, b0, c, depth, vectorDepth, accumulate);
    }
}
