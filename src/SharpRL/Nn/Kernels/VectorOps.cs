using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SharpRL.Nn.Kernels;

/// <summary>
/// The handful of SIMD operations the GEMM micro-kernels need, as static abstract members so one
/// kernel body is compiled separately (and fully inlined) for each vector width and element type.
/// A "vector" of width 1 (<see cref="ScalarOps{T}"/>) turns the same kernels into the scalar path.
/// </summary>
internal unsafe interface IVectorOps<TVector, TElement>
    where TVector : unmanaged
    where TElement : unmanaged
{
    /// <summary>Elements per vector.</summary>
    static abstract int Count { get; }

    /// <summary>
    /// Whether the instruction set has 32 vector registers (AVX-512) rather than 16, which decides the
    /// largest register tile the GEMM kernels can hold without spilling.
    /// </summary>
    static virtual bool HasWideRegisterFile => false;

    /// <summary>All lanes zero.</summary>
    static abstract TVector Zero { get; }

    /// <summary>
    /// max(value, 0) per lane with <see cref="System.Numerics.Tensors.TensorPrimitives.Max{T}(ReadOnlySpan{T}, T, Span{T})"/>'s
    /// rounding: +0 for every value ≤ 0 (−0 included), NaN kept. The fused ReLU of the GEMM epilogue.
    /// </summary>
    static abstract TVector Relu(TVector value);

    /// <summary>
    /// value where reference &gt; 0, else +0, per lane: the ReLU derivative applied to a gradient
    /// (the same bits as <see cref="Elementwise.ReluBackward{T}"/>).
    /// </summary>
    static abstract TVector KeepWherePositive(TVector value, TVector reference);

    /// <summary>Unaligned load of <see cref="Count"/> elements.</summary>
    static abstract TVector Load(TElement* source);

    /// <summary>Unaligned store of <see cref="Count"/> elements.</summary>
    static abstract void Store(TElement* destination, TVector value);

    /// <summary>Every lane set to <c>*source</c>.</summary>
    static abstract TVector Broadcast(TElement* source);

    /// <summary>left·right + addend, fused where the hardware has FMA.</summary>
    static abstract TVector MultiplyAdd(TVector left, TVector right, TVector addend);

    /// <summary>
    /// The sum of all lanes, added in the order <see cref="Sum8"/> adds each of its vectors: the dot tiles of one
    /// output and of several outputs must give a row the same bits, whichever tile its batch size picks.
    /// </summary>
    static abstract TElement Sum(TVector value);

    /// <summary>destination[i] = the sum of all lanes of v_i, for eight vectors at once.</summary>
    static abstract void Sum8(TVector v0, TVector v1, TVector v2, TVector v3, TVector v4, TVector v5, TVector v6, TVector v7, TElement* destination);
}

internal readonly unsafe struct Vector512SingleOps : IVectorOps<Vector512<float>, float>
{
    public static bool HasWideRegisterFile => true;

    public static int Count => Vector512<float>.Count;

    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Relu(Vector512<float> value) => Vector512.AndNot(value, Vector512.LessThanOrEqual(value, Vector512<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> KeepWherePositive(Vector512<float> value, Vector512<float> reference) => value & Vector512.GreaterThan(reference, Vector512<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(float* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, Vector512<float> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float* source) => Vector512.Create(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> left, Vector512<float> right, Vector512<float> addend)
        => Vector512.MultiplyAddEstimate(left, right, addend);

    // As Sum8 below: the two halves added lane by lane, then the 256-bit sum (not Vector512.Sum, which sums the halves apart).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> value) => Vector256SingleOps.Sum(value.GetLower() + value.GetUpper());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum8(Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3, Vector512<float> v4, Vector512<float> v5, Vector512<float> v6, Vector512<float> v7, float* destination)
        => HorizontalSums.Sum8(
            v0.GetLower() + v0.GetUpper(),
            v1.GetLower() + v1.GetUpper(),
            v2.GetLower() + v2.GetUpper(),
            v3.GetLower() + v3.GetUpper(),
            v4.GetLower() + v4.GetUpper(),
            v5.GetLower() + v5.GetUpper(),
            v6.GetLower() + v6.GetUpper(),
            v7.GetLower() + v7.GetUpper(),
            destination);
}

internal readonly unsafe struct Vector512DoubleOps : IVectorOps<Vector512<double>, double>
{
    public static bool HasWideRegisterFile => true;

    public static int Count => Vector512<double>.Count;

    public static Vector512<double> Zero => Vector512<double>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Relu(Vector512<double> value) => Vector512.AndNot(value, Vector512.LessThanOrEqual(value, Vector512<double>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> KeepWherePositive(Vector512<double> value, Vector512<double> reference) => value & Vector512.GreaterThan(reference, Vector512<double>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Load(double* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(double* destination, Vector512<double> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> Broadcast(double* source) => Vector512.Create(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> MultiplyAdd(Vector512<double> left, Vector512<double> right, Vector512<double> addend)
        => Vector512.MultiplyAddEstimate(left, right, addend);

    // As Sum8 below: the two halves added lane by lane, then the 256-bit sum (not Vector512.Sum, which sums the halves apart).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Vector512<double> value) => Vector256DoubleOps.Sum(value.GetLower() + value.GetUpper());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum8(Vector512<double> v0, Vector512<double> v1, Vector512<double> v2, Vector512<double> v3, Vector512<double> v4, Vector512<double> v5, Vector512<double> v6, Vector512<double> v7, double* destination)
        => HorizontalSums.Sum8(
            v0.GetLower() + v0.GetUpper(),
            v1.GetLower() + v1.GetUpper(),
            v2.GetLower() + v2.GetUpper(),
            v3.GetLower() + v3.GetUpper(),
            v4.GetLower() + v4.GetUpper(),
            v5.GetLower() + v5.GetUpper(),
            v6.GetLower() + v6.GetUpper(),
            v7.GetLower() + v7.GetUpper(),
            destination);
}

internal readonly unsafe struct Vector256SingleOps : IVectorOps<Vector256<float>, float>
{
    public static int Count => Vector256<float>.Count;

    public static Vector256<float> Zero => Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Relu(Vector256<float> value) => Vector256.AndNot(value, Vector256.LessThanOrEqual(value, Vector256<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> KeepWherePositive(Vector256<float> value, Vector256<float> reference) => value & Vector256.GreaterThan(reference, Vector256<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(float* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, Vector256<float> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float* source) => Vector256.Create(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> left, Vector256<float> right, Vector256<float> addend)
        => Vector256.MultiplyAddEstimate(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> value) => Vector256.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum8(Vector256<float> v0, Vector256<float> v1, Vector256<float> v2, Vector256<float> v3, Vector256<float> v4, Vector256<float> v5, Vector256<float> v6, Vector256<float> v7, float* destination)
        => HorizontalSums.Sum8(v0, v1, v2, v3, v4, v5, v6, v7, destination);
}

internal readonly unsafe struct Vector256DoubleOps : IVectorOps<Vector256<double>, double>
{
    public static int Count => Vector256<double>.Count;

    public static Vector256<double> Zero => Vector256<double>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Relu(Vector256<double> value) => Vector256.AndNot(value, Vector256.LessThanOrEqual(value, Vector256<double>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> KeepWherePositive(Vector256<double> value, Vector256<double> reference) => value & Vector256.GreaterThan(reference, Vector256<double>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Load(double* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(double* destination, Vector256<double> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Broadcast(double* source) => Vector256.Create(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> MultiplyAdd(Vector256<double> left, Vector256<double> right, Vector256<double> addend)
        => Vector256.MultiplyAddEstimate(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Vector256<double> value) => Vector256.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum8(Vector256<double> v0, Vector256<double> v1, Vector256<double> v2, Vector256<double> v3, Vector256<double> v4, Vector256<double> v5, Vector256<double> v6, Vector256<double> v7, double* destination)
        => HorizontalSums.Sum8(v0, v1, v2, v3, v4, v5, v6, v7, destination);
}

internal readonly unsafe struct Vector128SingleOps : IVectorOps<Vector128<float>, float>
{
    public static int Count => Vector128<float>.Count;

    public static Vector128<float> Zero => Vector128<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Relu(Vector128<float> value) => Vector128.AndNot(value, Vector128.LessThanOrEqual(value, Vector128<float>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> KeepWherePositive(Vector128<float> value, Vector128<float> reference) => value & Vector128.GreaterThan(reference, Vector128<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(float* source) => Vector128.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, Vector128<float> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float* source) => Vector128.Create(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> left, Vector128<float> right, Vector128<float> addend)
        => Vector128.MultiplyAddEstimate(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector128<float> value) => Vector128.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum8(Vector128<float> v0, Vector128<float> v1, Vector128<float> v2, Vector128<float> v3, Vector128<float> v4, Vector128<float> v5, Vector128<float> v6, Vector128<float> v7, float* destination)
    {
        destination[0] = Vector128.Sum(v0);
        destination[1] = Vector128.Sum(v1);
        destination[2] = Vector128.Sum(v2);
        destination[3] = Vector128.Sum(v3);
        destination[4] = Vector128.Sum(v4);
        destination[5] = Vector128.Sum(v5);
        destination[6] = Vector128.Sum(v6);
        destination[7] = Vector128.Sum(v7);
    }
}

internal readonly unsafe struct Vector128DoubleOps : IVectorOps<Vector128<double>, double>
{
    public static int Count => Vector128<double>.Count;

    public static Vector128<double> Zero => Vector128<double>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Relu(Vector128<double> value) => Vector128.AndNot(value, Vector128.LessThanOrEqual(value, Vector128<double>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> KeepWherePositive(Vector128<double> value, Vector128<double> reference) => value & Vector128.GreaterThan(reference, Vector128<double>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Load(double* source) => Vector128.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(double* destination, Vector128<double> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> Broadcast(double* source) => Vector128.Create(*source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> MultiplyAdd(Vector128<double> left, Vector128<double> right, Vector128<double> addend)
        => Vector128.MultiplyAddEstimate(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sum(Vector128<double> value) => Vector128.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum8(Vector128<double> v0, Vector128<double> v1, Vector128<double> v2, Vector128<double> v3, Vector128<double> v4, Vector128<double> v5, Vector128<double> v6, Vector128<double> v7, double* destination)
    {
        destination[0] = Vector128.Sum(v0);
        destination[1] = Vector128.Sum(v1);
        destination[2] = Vector128.Sum(v2);
        destination[3] = Vector128.Sum(v3);
        destination[4] = Vector128.Sum(v4);
        destination[5] = Vector128.Sum(v5);
        destination[6] = Vector128.Sum(v6);
        destination[7] = Vector128.Sum(v7);
    }
}

/// <summary>Width-1 "vectors": the scalar path, and the last few columns of the SIMD paths.</summary>
internal readonly unsafe struct ScalarOps<T> : IVectorOps<T, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => 1;

    public static T Zero => T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Relu(T value) => value <= T.Zero ? T.Zero : value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T KeepWherePositive(T value, T reference) => reference > T.Zero ? value : T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Load(T* source) => *source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T* destination, T value) => *destination = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Broadcast(T* source) => *source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T MultiplyAdd(T left, T right, T addend) => T.MultiplyAddEstimate(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(T value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum8(T v0, T v1, T v2, T v3, T v4, T v5, T v6, T v7, T* destination)
    {
        destination[0] = v0;
        destination[1] = v1;
        destination[2] = v2;
        destination[3] = v3;
        destination[4] = v4;
        destination[5] = v5;
        destination[6] = v6;
        destination[7] = v7;
    }
}

/// <summary>
/// Eight horizontal sums at once. Summing each vector alone costs a shuffle-and-add ladder per
/// vector; a tree of pairwise horizontal adds shares the shuffles, about a fifth of the work.
/// </summary>
internal static unsafe class HorizontalSums
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum8(Vector256<float> v0, Vector256<float> v1, Vector256<float> v2, Vector256<float> v3, Vector256<float> v4, Vector256<float> v5, Vector256<float> v6, Vector256<float> v7, float* destination)
    {
        if (!Avx.IsSupported)
        {
            destination[0] = Vector256.Sum(v0);
            destination[1] = Vector256.Sum(v1);
            destination[2] = Vector256.Sum(v2);
            destination[3] = Vector256.Sum(v3);
            destination[4] = Vector256.Sum(v4);
            destination[5] = Vector256.Sum(v5);
            destination[6] = Vector256.Sum(v6);
            destination[7] = Vector256.Sum(v7);
            return;
        }

        // After two rounds each 128-bit lane holds the partial sums of four vectors over that
        // lane; adding the lanes crosswise finishes all eight.
        Vector256<float> h01 = Avx.HorizontalAdd(v0, v1);
        Vector256<float> h23 = Avx.HorizontalAdd(v2, v3);
        Vector256<float> h45 = Avx.HorizontalAdd(v4, v5);
        Vector256<float> h67 = Avx.HorizontalAdd(v6, v7);
        Vector256<float> h0123 = Avx.HorizontalAdd(h01, h23);
        Vector256<float> h4567 = Avx.HorizontalAdd(h45, h67);
        Vector256<float> sums = Avx.Permute2x128(h0123, h4567, 0x20) + Avx.Permute2x128(h0123, h4567, 0x31);
        sums.Store(destination);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum8(Vector256<double> v0, Vector256<double> v1, Vector256<double> v2, Vector256<double> v3, Vector256<double> v4, Vector256<double> v5, Vector256<double> v6, Vector256<double> v7, double* destination)
    {
        if (!Avx.IsSupported)
        {
            destination[0] = Vector256.Sum(v0);
            destination[1] = Vector256.Sum(v1);
            destination[2] = Vector256.Sum(v2);
            destination[3] = Vector256.Sum(v3);
            destination[4] = Vector256.Sum(v4);
            destination[5] = Vector256.Sum(v5);
            destination[6] = Vector256.Sum(v6);
            destination[7] = Vector256.Sum(v7);
            return;
        }

        Vector256<double> h01 = Avx.HorizontalAdd(v0, v1);
        Vector256<double> h23 = Avx.HorizontalAdd(v2, v3);
        Vector256<double> h45 = Avx.HorizontalAdd(v4, v5);
        Vector256<double> h67 = Avx.HorizontalAdd(v6, v7);
        (Avx.Permute2x128(h01, h23, 0x20) + Avx.Permute2x128(h01, h23, 0x31)).Store(destination);
        (Avx.Permute2x128(h45, h67, 0x20) + Avx.Permute2x128(h45, h67, 0x31)).Store(destination + 4);
    }
}
