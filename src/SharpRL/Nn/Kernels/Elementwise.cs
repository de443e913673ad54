using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
    {
        CheckSameLength(gradOutput.Length, nameof(gradOutput), output.Length, nameof(output));
        CheckSameLength(gradOutput.Length, nameof(gradOutput), gradInput.Length, nameof(gradInput));
        if (typeof(T) == typeof(float))
        {
            TanhBackwardSimd(Cast<T, float>(gradOutput), Cast<T, float>(output), Cast<T, float>(gradInput));
        }
        else if (typeof(T) == typeof(double))
        {
            TanhBackwardSimd(Cast<T, double>(gradOutput), Cast<T, double>(output), Cast<T, double>(gradInput));
        }
        else
        {
            TanhBackwardScalar(gradOutput, output, gradInput, 0);
        }
    }

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
    {
        CheckSameLength(gradOutput.Length, nameof(gradOutput), activation.Length, nameof(activation));
        CheckSameLength(gradOutput.Length, nameof(gradOutput), gradInput.Length, nameof(gradInput));
        if (typeof(T) == typeof(float))
        {
            ReluBackwardSimd(Cast<T, float>(gradOutput), Cast<T, float>(activation), Cast<T, float>(gradInput));
        }
        else if (typeof(T) == typeof(double))
        {
            ReluBackwardSimd(Cast<T, double>(gradOutput), Cast<T, double>(activation), Cast<T, double>(gradInput));
        }
        else
        {
            ReluBackwardScalar(gradOutput, activation, gradInput, 0);
        }
    }

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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TanhBackwardSimd<T>(ReadOnlySpan<T> gradOutput, ReadOnlySpan<T> output, Span<T> gradInput)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T g = ref MemoryMarshal.GetReference(gradOutput);
        ref T y = ref MemoryMarshal.GetReference(output);
        ref T dx = ref MemoryMarshal.GetReference(gradInput);
        int length = gradOutput.Length;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<T> one = Vector512<T>.One;
            for (; i <= length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                Vector512<T> yv = Vector512.LoadUnsafe(ref y, (nuint)i);
                (Vector512.LoadUnsafe(ref g, (nuint)i) * (one - (yv * yv))).StoreUnsafe(ref dx, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<T> one = Vector256<T>.One;
            for (; i <= length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                Vector256<T> yv = Vector256.LoadUnsafe(ref y, (nuint)i);
                (Vector256.LoadUnsafe(ref g, (nuint)i) * (one - (yv * yv))).StoreUnsafe(ref dx, (nuint)i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<T> one = Vector128<T>.One;
            for (; i <= length - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                Vector128<T> yv = Vector128.LoadUnsafe(ref y, (nuint)i);
                (Vector128.LoadUnsafe(ref g, (nuint)i) * (one - (yv * yv))).StoreUnsafe(ref dx, (nuint)i);
            }
        }

        TanhBackwardScalar(gradOutput, output, gradInput, i);
    }

    private static void TanhBackwardScalar<T>(ReadOnlySpan<T> gradOutput, ReadOnlySpan<T> output, Span<T> gradInput, int start)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = start; i < gradOutput.Length; i++)
        {
            T y = output[i];
            gradInput[i] = gradOutput[i] * (T.One - (y * y));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReluBackwardSimd<T>(ReadOnlySpan<T> gradOutput, ReadOnlySpan<T> activation, Span<T> gradInput)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T g = ref MemoryMarshal.GetReference(gradOutput);
        ref T x = ref MemoryMarshal.GetReference(activation);
        ref T dx = ref MemoryMarshal.GetReference(gradInput);
        int length = gradOutput.Length;
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= length - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                Vector512<T> positive = Vector512.GreaterThan(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512<T>.Zero);
                (Vector512.LoadUnsafe(ref g, (nuint)i) & positive).StoreUnsafe(ref dx, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= length - Vector256<T>.Count; i += Vector256<T>.Count)
            {
                Vector256<T> positive = Vector256.GreaterThan(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256<T>.Zero);
                (Vector256.LoadUnsafe(ref g, (nuint)i) & positive).StoreUnsafe(ref dx, (nuint)i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= length - Vector128<T>.Count; i += Vector128<T>.Count)
            {
                Vector128<T> positive = Vector128.GreaterThan(Vector128.LoadUnsafe(ref x, (nuint)i), Vector128<T>.Zero);
                (Vector128.LoadUnsafe(ref g, (nuint)i) & positive).StoreUnsafe(ref dx, (nuint)i);
            }
        }

        ReluBackwardScalar(gradOutput, activation, gradInput, i);
    }

    private static void ReluBackwardScalar<T>(ReadOnlySpan<T> gradOutput, ReadOnlySpan<T> activation, Span<T> gradInput, int start)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = start; i < gradOutput.Length; i++)
        {
            gradInput[i] = activation[i] > T.Zero ? gradOutput[i] : T.Zero;
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
