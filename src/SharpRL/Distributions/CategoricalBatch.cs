using System.Numerics;
using System.Numerics.Tensors;

namespace SharpRL.Distributions;

/// <summary>
/// Batched softmax for <see cref="Categorical{T}"/>: the per-row maxima are subtracted once, then
/// exp and ln run as SIMD passes over the whole batch instead of one scalar call per logit.
/// The training loop spends most of its distribution time here (π(·|s) for a minibatch of 256
/// states is evaluated several times per Adam step), so this is where the speed comes from.
/// </summary>
internal static class CategoricalBatch<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    // Per-thread scratch: the policy and value passes of an update may run on two threads.
    [ThreadStatic]
    private static T[]? _probabilities;

    [ThreadStatic]
    private static T[]? _logProbabilities;

    [ThreadStatic]
    private static T[]? _rowScratch;

    // The logits the scratch buffers were computed from: a training step asks for log-prob,
    // entropy and their gradients of the same minibatch one after another, and an exact
    // comparison (one SIMD pass) is far cheaper than recomputing exp and ln.
    [ThreadStatic]
    private static T[]? _cachedLogits;

    [ThreadStatic]
    private static int _cachedLength;

    /// <summary>
    /// Fills p = softmax(z) and ln p row by row for <paramref name="rows"/> rows of <paramref name="n"/> logits.
    /// ln p_j = (z_j − m) − ln Σ_k exp(z_k − m), m = max_k z_k: every exponent is ≤ 0 (no overflow at
    /// logits of ±80) and the sum is ≥ 1 (no ln 0). The spans stay valid until the next call on this thread.
    /// </summary>
    public static void Softmax(ReadOnlySpan<T> logits, int rows, int n, out ReadOnlySpan<T> probabilities, out ReadOnlySpan<T> logProbabilities)
    {
        int size = rows * n;
        ReadOnlySpan<T> input = logits[..size];
        if (_cachedLength == size && input.SequenceEqual(_cachedLogits.AsSpan(0, size)))
        {
            probabilities = _probabilities.AsSpan(0, size);
            logProbabilities = _logProbabilities.AsSpan(0, size);
            return;
        }

        Span<T> shifted = Grow(ref _logProbabilities, size);
        Span<T> p = Grow(ref _probabilities, size);
        Span<T> logSums = Grow(ref _rowScratch, rows);
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<T> z = logits.Slice(row * n, n);
            T max = z[0];
            for (int j = 1; j < n; j++)
            {
                max = T.Max(max, z[j]);
            }

            Span<T> shiftedRow = shifted.Slice(row * n, n);
            TensorPrimitives.Subtract(z, max, shiftedRow);
        }

        TensorPrimitives.Exp<T>(shifted, p);
        for (int row = 0; row < rows; row++)
        {
            logSums[row] = TensorPrimitives.Sum<T>(p.Slice(row * n, n));
        }

        TensorPrimitives.Log<T>(logSums, logSums);
        for (int row = 0; row < rows; row++)
        {
            T logSum = logSums[row];
            T inverseSum = T.One / T.Exp(logSum);
            Span<T> logRow = shifted.Slice(row * n, n);
            TensorPrimitives.Subtract(logRow, logSum, logRow);
            TensorPrimitives.Multiply(p.Slice(row * n, n), inverseSum, p.Slice(row * n, n));
        }

        input.CopyTo(Grow(ref _cachedLogits, size));
        _cachedLength = size;
        probabilities = p;
        logProbabilities = shifted;
    }

    private static Span<T> Grow(ref T[]? buffer, int size)
    {
        if (buffer is null || buffer.Length < size)
        {
            buffer = new T[Math.Max(size, 64)];
        }

        return buffer.AsSpan(0, size);
    }
}
