using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SharpRL.Nn.Kernels;

/// <summary>
/// Out-of-place transpose, used to pack B for <see cref="Gemm.MultiplyTransposedB{T}"/>: the GEMM
/// kernels read B in rows, so Bᵀ must exist in memory before they can run.
/// </summary>
internal static unsafe class MatrixTranspose
{
    /// <summary>destination[columns × rows] = sourceᵀ for a row-major source[rows × columns].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose<T>(T* source, T* destination, int rows, int columns)
        where T : unmanaged
    {
        int blockRows = 0;
        int blockColumns = 0;
        if (typeof(T) == typeof(float) && Avx.IsSupported)
        {
            TransposeBlocks8x8((float*)source, (float*)destination, rows, columns);
            blockRows = rows & ~7;
            blockColumns = columns & ~7;
        }
        else if (typeof(T) == typeof(double) && Avx.IsSupported)
        {
            TransposeBlocks4x4((double*)source, (double*)destination, rows, columns);
            blockRows = rows & ~3;
            blockColumns = columns & ~3;
        }

        // The right edge (all rows) and the bottom edge under the SIMD blocks, element by element.
        TransposeScalar(source, destination, rows, columns, 0, rows, blockColumns, columns);
        TransposeScalar(source, destination, rows, columns, blockRows, rows, 0, blockColumns);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeScalar<T>(T* source, T* destination, int rows, int columns, int rowStart, int rowEnd, int columnStart, int columnEnd)
        where T : unmanaged
    {
        for (int r = rowStart; r < rowEnd; r++)
        {
            T* src = source + ((nint)r * columns);
            for (int col = columnStart; col < columnEnd; col++)
            {
                destination[((nint)col * rows) + r] = src[col];
            }
        }
    }

    /// <summary>Transposes the whole 8×8 blocks: 8 row loads, 24 in-register shuffles, 8 column stores.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeBlocks8x8(float* source, float* destination, int rows, int columns)
    {
        nint ld = columns;
        for (int r0 = 0; r0 + 8 <= rows; r0 += 8)
        {
            for (int c0 = 0; c0 + 8 <= columns; c0 += 8)
            {
                float* s = source + ((nint)r0 * ld) + c0;
                Vector256<float> r0v = Avx.LoadVector256(s);
                Vector256<float> r1v = Avx.LoadVector256(s + ld);
                Vector256<float> r2v = Avx.LoadVector256(s + (2 * ld));
                Vector256<float> r3v = Avx.LoadVector256(s + (3 * ld));
                Vector256<float> r4v = Avx.LoadVector256(s + (4 * ld));
                Vector256<float> r5v = Avx.LoadVector256(s + (5 * ld));
                Vector256<float> r6v = Avx.LoadVector256(s + (6 * ld));
                Vector256<float> r7v = Avx.LoadVector256(s + (7 * ld));

                // Interleave pairs of rows, then pairs of pairs (within 128-bit lanes), then swap lanes.
                Vector256<float> t0 = Avx.UnpackLow(r0v, r1v);
                Vector256<float> t1 = Avx.UnpackHigh(r0v, r1v);
                Vector256<float> t2 = Avx.UnpackLow(r2v, r3v);
                Vector256<float> t3 = Avx.UnpackHigh(r2v, r3v);
                Vector256<float> t4 = Avx.UnpackLow(r4v, r5v);
                Vector256<float> t5 = Avx.UnpackHigh(r4v, r5v);
                Vector256<float> t6 = Avx.UnpackLow(r6v, r7v);
                Vector256<float> t7 = Avx.UnpackHigh(r6v, r7v);
                Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44);
                Vector256<float> u1 = Avx.Shuffle(t0, t2, 0xEE);
                Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44);
                Vector256<float> u3 = Avx.Shuffle(t1, t3, 0xEE);
                Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44);
                Vector256<float> u5 = Avx.Shuffle(t4, t6, 0xEE);
                Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44);
                Vector256<float> u7 = Avx.Shuffle(t5, t7, 0xEE);

                float* d = destination + ((nint)c0 * rows) + r0;
                nint ldd = rows;
                Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
                Avx.Store(d + ldd, Avx.Permute2x128(u1, u5, 0x20));
                Avx.Store(d + (2 * ldd), Avx.Permute2x128(u2, u6, 0x20));
                Avx.Store(d + (3 * ldd), Avx.Permute2x128(u3, u7, 0x20));
                Avx.Store(d + (4 * ldd), Avx.Permute2x128(u0, u4, 0x31));
                Avx.Store(d + (5 * ldd), Avx.Permute2x128(u1, u5, 0x31));
                Avx.Store(d + (6 * ldd), Avx.Permute2x128(u2, u6, 0x31));
                Avx.Store(d + (7 * ldd), Avx.Permute2x128(u3, u7, 0x31));
            }
        }
    }

    /// <summary>Transposes the whole 4×4 blocks of doubles with unpacks and lane swaps.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeBlocks4x4(double* source, double* destination, int rows, int columns)
    {
        nint ld = columns;
        nint ldd = rows;
        for (int r0 = 0; r0 + 4 <= rows; r0 += 4)
        {
            for (int c0 = 0; c0 + 4 <= columns; c0 += 4)
            {
                double* s = source + ((nint)r0 * ld) + c0;
                Vector256<double> r0v = Avx.LoadVector256(s);
                Vector256<double> r1v = Avx.LoadVector256(s + ld);
                Vector256<double> r2v = Avx.LoadVector256(s + (2 * ld));
                Vector256<double> r3v = Avx.LoadVector256(s + (3 * ld));
                Vector256<double> t0 = Avx.UnpackLow(r0v, r1v);
                Vector256<double> t1 = Avx.UnpackHigh(r0v, r1v);
                Vector256<double> t2 = Avx.UnpackLow(r2v, r3v);
                Vector256<double> t3 = Avx.UnpackHigh(r2v, r3v);

                double* d = destination + ((nint)c0 * rows) + r0;
                Avx.Store(d, Avx.Permute2x128(t0, t2, 0x20));
                Avx.Store(d + ldd, Avx.Permute2x128(t1, t3, 0x20));
                Avx.Store(d + (2 * ldd), Avx.Permute2x128(t0, t2, 0x31));
                Avx.Store(d + (3 * ldd), Avx.Permute2x128(t1, t3, 0x31));
            }
        }
    }
}
