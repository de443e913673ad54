using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SharpRL.Nn.Kernels;

/// <summary>
/// Element-wise kernels of dense layers and activations on row-major <c>[batch × n]</c> buffers.
/// Operations with a separate source and destination also accept the same span for both (in place).
/// </summary>
public static class Elementwise
{
    /// <summary>rows[b, j] += bias[j] for every row b of <paramref name="rows"/>[batch × n].</summary>
    public static void AddBias<T>(Span<T> rows, ReadOnlySpan<T> bias, int batch, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckBatch(rows.Length, nameof(rows), batch, n);
        CheckAtLeast(bias.Length, nameof(bias), n, "n");
        bias = bias[..n];
        for (int row = 0; row < batch; row++)
        {
            Span<T> values = rows.Slice(row * n, n);
            TensorPrimitives.Add(values, bias, values);
        }
    }

    /// <summary>
    /// destination[j] (+)= Σ_b rows[b, j]: the bias gradient from the output gradient [batch × n].
    /// With <paramref name="accumulate"/> the sums are added to <paramref name="destination"/>.
    /// </summary>
    public static void SumRows<T>(ReadOnlySpan<T> rows, Span<T> destination, int batch, int n, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckBatch(rows.Length, nameof(rows), batch, n);
        CheckAtLeast(destination.Length, nameof(destination), n, "n");
        destination = destination[..n];
        if (n == 1)
        {
            // A single column is contiguous: one vectorised reduction instead of batch scalar adds.
            T total = TensorPrimitives.Sum(rows[..batch]);
            destination[0] = accumulate ? destination[0] + total : total;
            return;
        }

        int start = 0;
        if (!accumulate)
        {
            rows[..n].CopyTo(destination);
            start = 1;
        }

        for (int row = start; row < batch; row++)
        {
            TensorPrimitives.Add(destination, rows.Slice(row * n, n), destination);
        }
    }

    /// <summary>output = tanh(input), element-wise; the spans must have equal lengths.</summary>
    public static void Tanh<T>(ReadOnlySpan<T> input, Span<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckSameLength(input.Length, nameof(input), output.Length, nameof(output));
        TensorPrimitives.Tanh(input, output);
    }

    /// <summary>values = tanh(values), in place.</summary>
    public static void Tanh<T>(Span<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.Tanh<T>(values, values);

    /// <summary>
    /// gradInput = gradOutput · (1 − y²), where y = tanh(x) is the forward output
    /// (d tanh(x)/dx = 1 − tanh²(x), so the input is not needed).
    /// </summary>
    public static void TanhBackward<T>(ReadOnlySpan<T> gradOutput, ReadOnlySpan<T> output, Span<T> gradInput)
        where T : unmanaged, IFloatingPointIeee754<T>
        => MultiplyByDerivative<T, TanhDerivative>(gradOutput, output, nameof(output), gradInput);

    /// <summary>output = max(input, 0), element-wise; the spans must have equal lengths.</summary>
    public static void Relu<T>(ReadOnlySpan<T> input, Span<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckSameLength(input.Length, nameof(input), output.Length, nameof(output));
        TensorPrimitives.Max(input, T.Zero, output);
    }

    /// <summary>values = max(values, 0), in place.</summary>
    public static void Relu<T>(Span<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.Max<T>(values, T.Zero, values);

    /// <summary>
    /// gradInput = gradOutput where the activation was positive, else 0. <paramref name="activation"/>
    /// may be the forward input x or the output max(x, 0): both are positive exactly where x is.
    /// The derivative at x = 0 is taken as 0.
    /// </summary>
    public static void ReluBackward<T>(ReadOnlySpan<T> gradOutput, ReadOnlySpan<T> activation, Span<T> gradInput)
        where T : unmanaged, IFloatingPointIeee754<T>
        => MultiplyByDerivative<T, ReluDerivative>(gradOutput, activation, nameof(activation), gradInput);

    /// <summary>values *= factor, in place.</summary>
    public static void Scale<T>(Span<T> values, T factor)
        where T : unmanaged, IFloatingPointIeee754<T>
        => TensorPrimitives.Multiply<T>(values, factor, values);

    /// <summary>y += alpha · x; the spans must have equal lengths.</summary>
    public static void Axpy<T>(T alpha, ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckSameLength(x.Length, nameof(x), y.Length, nameof(y));
        TensorPrimitives.MultiplyAdd(x, alpha, y, y);
    }

    /// <summary>
    /// gradInput = f′ ⊙ gradOutput with f′ read from <paramref name="reference"/> (the activation's output
    /// or input) by <typeparamref name="TDerivative"/>: one SIMD loop for every activation, specialised by
    /// the JIT for each derivative and element type.
    /// </summary>
    private static void MultiplyByDerivative<T, TDerivative>(ReadOnlySpan<T> gradOutput, ReadOnlySpan<T> reference, string referenceName, Span<T> gradInput)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TDerivative : IActivationDerivative
    {
        CheckSameLength(gradOutput.Length, nameof(gradOutput), reference.Length, referenceName);
        CheckSameLength(gradOutput.Length, nameof(gradOutput), gradInput.Length, nameof(gradInput));
        if (typeof(T) == typeof(float))
        {
            MultiplyByDerivativeSimd<float, TDerivative>(Cast<T, float>(gradOutput), Cast<T, float>(reference), Cast<T, float>(gradInput));
        }
        else if (typeof(T) == typeof(double))
        {
            MultiplyByDerivativeSimd<double, TDerivative>(Cast<T, double>(gradOutput), Cast<T, double>(reference), Cast<T, double>(gradInput));
        }
        else
        {
            MultiplyByDerivativeScalar<T, TDerivative>(gradOutput, reference, gradInput, 0);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyByDerivativeSimd<T, TDerivative>(ReadOnlySpan<T> gradOutput, ReadOnlySpan<T> reference, Span<T> gradInput)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TDerivative : IActivationDerivative
    {
        ref T g = ref MemoryMarshal.GetReference(gradOutput);
        ref T y = ref MemoryMarshal.GetReference(reference);
        ref T dx = ref MemoryMarshal.GetReference(gradInput);
        int length = gradOutput.Length;
        int i = 0;
        // One width, Vector<T>'s (256 bits on AVX2): the operation is element-wise, so every width gives the same bits.
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= length - Vector<T>.Count; i += Vector<T>.Count)
            {
                TDerivative.Apply(Vector.LoadUnsafe(ref g, (nuint)i), Vector.LoadUnsafe(ref y, (nuint)i)).StoreUnsafe(ref dx, (nuint)i);
            }
        }

        MultiplyByDerivativeScalar<T, TDerivative>(gradOutput, reference, gradInput, i);
    }

    private static void MultiplyByDerivativeScalar<T, TDerivative>(ReadOnlySpan<T> gradOutput, ReadOnlySpan<T> reference, Span<T> gradInput, int start)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TDerivative : IActivationDerivative
    {
        for (int i = start; i < gradOutput.Length; i++)
        {
            gradInput[i] = TDerivative.Apply(gradOutput[i], reference[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<TTo> Cast<TFrom, TTo>(ReadOnlySpan<TFrom> span)
        where TFrom : unmanaged
        where TTo : unmanaged
        => MemoryMarshal.Cast<TFrom, TTo>(span);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Span<TTo> Cast<TFrom, TTo>(Span<TFrom> span)
        where TFrom : unmanaged
        where TTo : unmanaged
        => MemoryMarshal.Cast<TFrom, TTo>(span);

    private static void CheckBatch(int length, string name, int batch, int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        if (length < (long)batch * n)
        {
            throw new ArgumentException($"{name} has {length} elements; expected at least batch·n = {(long)batch * n} for batch={batch}, n={n}.", name);
        }
    }

    private static void CheckAtLeast(int length, string name, int expected, string sizeName)
    {
        if (length < expected)
        {
            throw new ArgumentException($"{name} has {length} elements; expected at least {sizeName} = {expected}.", name);
        }
    }

    private static void CheckSameLength(int length, string name, int otherLength, string otherName)
    {
        if (length != otherLength)
        {
            throw new ArgumentException($"{otherName} has {otherLength} elements; expected {length}, the length of {name}.", otherName);
        }
    }
}

/// <summary>
/// g ⊙ f′ for an activation f whose derivative is read from one reference value per element, for
/// scalars and <see cref="Vector{T}"/>. The vector form does per lane exactly what the scalar form does.
/// </summary>
internal interface IActivationDerivative
{
    /// <summary>Scalar g · f′.</summary>
    static abstract T Apply<T>(T gradient, T reference)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>g · f′ per lane.</summary>
    static abstract Vector<T> Apply<T>(Vector<T> gradient, Vector<T> reference)
        where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>tanh′ = 1 − y² from the output y = tanh(x).</summary>
internal readonly struct TanhDerivative : IActivationDerivative
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Apply<T>(T gradient, T reference)
        where T : unmanaged, IFloatingPointIeee754<T>
        => gradient * (T.One - (reference * reference));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Apply<T>(Vector<T> gradient, Vector<T> reference)
        where T : unmanaged, IFloatingPointIeee754<T>
        => gradient * (Vector<T>.One - (reference * reference));
}

/// <summary>ReLU′ = 1[reference &gt; 0] (0 at 0; a NaN reference gives 0), applied as a mask.</summary>
internal readonly struct ReluDerivative : IActivationDerivative
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Apply<T>(T gradient, T reference)
        where T : unmanaged, IFloatingPointIeee754<T>
        => reference > T.Zero ? gradient : T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Apply<T>(Vector<T> gradient, Vector<T> reference)
        where T : unmanaged, IFloatingPointIeee754<T>
        => gradient & Vector.GreaterThan(reference, Vector<T>.Zero);
}
