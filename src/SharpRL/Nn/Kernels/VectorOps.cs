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

    /// <summary>The sum of all lanes.</summary>
    static abstract TElement Sum(TVector value);

    /// <summary>destination[i] = the sum of all lanes of v_i, for eight vectors at once.</summary>
    static abstract void Sum8(TVector v0, TVector v1, TVector v2, TVector v3, TVector v4, TVector v5, TVector v6, TVector v7, TElement* destination);
}

/// <summary>512-bit vectors of float or double (the only element types the SIMD paths take).</summary>
internal readonly unsafe struct Vector512Ops<T> : IVectorOps<Vector512<T>, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static bool HasWideRegisterFile => true;

    public static int Count => Vector512<T>.Count;

    public static Vector512<T> Zero => Vector512<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Relu(Vector512<T> value) => Vector512.AndNot(value, Vector512.LessThanOrEqual(value, Vector512<T>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> KeepWherePositive(Vector512<T> value, Vector512<T> reference) => value & Vector512.GreaterThan(reference, Vector512<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(T* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T* destination, Vector512<T> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Broadcast(T* source) => Vector512.Create(*source);

    // MultiplyAddEstimate has only float and double overloads; the type test folds away when the JIT specialises T.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MultiplyAdd(Vector512<T> left, Vector512<T> right, Vector512<T> addend)
        => typeof(T) == typeof(float)
            ? Vector512.MultiplyAddEstimate(left.AsSingle(), right.AsSingle(), addend.AsSingle()).As<float, T>()
            : Vector512.MultiplyAddEstimate(left.AsDouble(), right.AsDouble(), addend.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector512<T> value) => Vector512.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum8(Vector512<T> v0, Vector512<T> v1, Vector512<T> v2, Vector512<T> v3, Vector512<T> v4, Vector512<T> v5, Vector512<T> v6, Vector512<T> v7, T* destination)
        => Vector256Ops<T>.Sum8(
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

/// <summary>256-bit vectors of float or double (the only element types the SIMD paths take).</summary>
internal readonly unsafe struct Vector256Ops<T> : IVectorOps<Vector256<T>, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector256<T>.Count;

    public static Vector256<T> Zero => Vector256<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Relu(Vector256<T> value) => Vector256.AndNot(value, Vector256.LessThanOrEqual(value, Vector256<T>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> KeepWherePositive(Vector256<T> value, Vector256<T> reference) => value & Vector256.GreaterThan(reference, Vector256<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(T* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T* destination, Vector256<T> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Broadcast(T* source) => Vector256.Create(*source);

    // MultiplyAddEstimate has only float and double overloads; the type test folds away when the JIT specialises T.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAdd(Vector256<T> left, Vector256<T> right, Vector256<T> addend)
        => typeof(T) == typeof(float)
            ? Vector256.MultiplyAddEstimate(left.AsSingle(), right.AsSingle(), addend.AsSingle()).As<float, T>()
            : Vector256.MultiplyAddEstimate(left.AsDouble(), right.AsDouble(), addend.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector256<T> value) => Vector256.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum8(Vector256<T> v0, Vector256<T> v1, Vector256<T> v2, Vector256<T> v3, Vector256<T> v4, Vector256<T> v5, Vector256<T> v6, Vector256<T> v7, T* destination)
    {
        if (typeof(T) == typeof(float))
        {
            HorizontalSums.Sum8(v0.AsSingle(), v1.AsSingle(), v2.AsSingle(), v3.AsSingle(), v4.AsSingle(), v5.AsSingle(), v6.AsSingle(), v7.AsSingle(), (float*)destination);
        }
        else
        {
            HorizontalSums.Sum8(v0.AsDouble(), v1.AsDouble(), v2.AsDouble(), v3.AsDouble(), v4.AsDouble(), v5.AsDouble(), v6.AsDouble(), v7.AsDouble(), (double*)destination);
        }
    }
}

/// <summary>128-bit vectors of float or double (the only element types the SIMD paths take).</summary>
internal readonly unsafe struct Vector128Ops<T> : IVectorOps<Vector128<T>, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector128<T>.Count;

    public static Vector128<T> Zero => Vector128<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Relu(Vector128<T> value) => Vector128.AndNot(value, Vector128.LessThanOrEqual(value, Vector128<T>.Zero));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> KeepWherePositive(Vector128<T> value, Vector128<T> reference) => value & Vector128.GreaterThan(reference, Vector128<T>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load(T* source) => Vector128.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T* destination, Vector128<T> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Broadcast(T* source) => Vector128.Create(*source);

    // MultiplyAddEstimate has only float and double overloads; the type test folds away when the JIT specialises T.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MultiplyAdd(Vector128<T> left, Vector128<T> right, Vector128<T> addend)
        => typeof(T) == typeof(float)
            ? Vector128.MultiplyAddEstimate(left.AsSingle(), right.AsSingle(), addend.AsSingle()).As<float, T>()
            : Vector128.MultiplyAddEstimate(left.AsDouble(), right.AsDouble(), addend.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector128<T> value) => Vector128.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum8(Vector128<T> v0, Vector128<T> v1, Vector128<T> v2, Vector128<T> v3, Vector128<T> v4, Vector128<T> v5, Vector128<T> v6, Vector128<T> v7, T* destination)
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
