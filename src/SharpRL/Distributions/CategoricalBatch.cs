using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace SharpRL.Distributions;

/// <summary>
/// Batched softmax for <see cref="Categorical{T}"/>: the per-row maxima are subtracted once, then
/// exp and ln run as SIMD passes over the whole batch instead of one scalar call per logit.
/// The training loop spends most of its distribution time here (π(·|s) for a minibatch of 256
/// states is evaluated several times per Adam step), so this is where the speed comes from.
/// It keeps no cache between calls (the policy and value passes of an update may run on two threads).
/// </summary>
internal static class CategoricalBatch<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Fills p = softmax(z) and ln p row by row for <paramref name="rows"/> rows of <paramref name="n"/> logits,
    /// into the caller's <paramref name="probabilities"/> and <paramref name="logProbabilities"/> ([rows × n] each),
    /// using <paramref name="logSums"/> ([rows]) as scratch. Stateless: nothing is kept between calls.
    /// ln p_j = (z_j − m) − ln Σ_k exp(z_k − m), m = max_k z_k: every exponent is ≤ 0 (no overflow at
    /// logits of ±80) and the sum is ≥ 1 (no ln 0).
    /// </summary>
    public static void Softmax(ReadOnlySpan<T> logits, int rows, int n, Span<T> probabilities, Span<T> logProbabilities, Span<T> logSums)
    {
        int size = rows * n;
        Span<T> shifted = logProbabilities[..size];
        Span<T> p = probabilities[..size];
        logSums = logSums[..rows];
        for (int row = 0; row < rows; row++)
        {
            ReadOnlySpan<T> z = logits.Slice(row * n, n);
            T max = z[0];
            for (int j = 1; j < n; j++)
            {
                max = T.Max(max, z[j]);
            }

            TensorPrimitives.Subtract(z, max, shifted.Slice(row * n, n));
        }

        // Exp and ln as SIMD passes over the whole batch, not one scalar call per logit.
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
    }

    /// <summary>
    /// Softmax of a batch into pooled scratch (<see cref="ArrayPool{T}.Shared"/>: no allocation once warm, and no
    /// state that outlives the call). Dispose the result to return the scratch.
    /// </summary>
    public static Scratch Rent(ReadOnlySpan<T> logits, int rows, int n)
    {
        int size = rows * n;
        T[] buffer = ArrayPool<T>.Shared.Rent((2 * size) + rows);
        Softmax(logits, rows, n, buffer.AsSpan(0, size), buffer.AsSpan(size, size), buffer.AsSpan(2 * size, rows));
        return new Scratch(buffer, size);
    }

    /// <summary>p and ln p of one batch, in a pooled array returned by <see cref="Dispose"/>.</summary>
    public readonly ref struct Scratch
    {
        private readonly T[] _buffer;
        private readonly int _size;

        internal Scratch(T[] buffer, int size)
        {
            _buffer = buffer;
            _size = size;
        }

        /// <summary>p, [rows × n].</summary>
        public ReadOnlySpan<T> Probabilities => _buffer.AsSpan(0, _size);

        /// <summary>ln p, [rows × n].</summary>
        public ReadOnlySpan<T> LogProbabilities => _buffer.AsSpan(_size, _size);

        /// <summary>Returns the scratch to the pool.</summary>
        public void Dispose() => ArrayPool<T>.Shared.Return(_buffer);
    }
}
