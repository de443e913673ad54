using System.Numerics;

namespace SharpRL.Nn.Kernels;

/// <summary>
/// Dense row-major matrix products, the three a linear layer needs:
/// C = A·B (forward), C = A·Bᵀ (input gradient), C = Aᵀ·B (weight gradient).
/// When <c>accumulate</c> is true the product is added to C, else C is overwritten.
/// </summary>
public static class Gemm
{
    /// <summary>C[m×n] (+)= A[m×k] · B[k×n].</summary>
    public static void Multiply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(a.Length, b.Length, c.Length, m, k, n, (long)m * k, (long)k * n);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    sum += a[(i * k) + p] * b[(p * n) + j];
                }

                c[(i * n) + j] = accumulate ? c[(i * n) + j] + sum : sum;
            }
        }
    }

    /// <summary>C[m×n] (+)= A[m×k] · Bᵀ, where B is stored [n×k].</summary>
    public static void MultiplyTransposedB<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(a.Length, b.Length, c.Length, m, k, n, (long)m * k, (long)n * k);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    sum += a[(i * k) + p] * b[(j * k) + p];
                }

                c[(i * n) + j] = accumulate ? c[(i * n) + j] + sum : sum;
            }
        }
    }

    /// <summary>C[m×n] (+)= Aᵀ · B, where A is stored [k×m] and B is [k×n].</summary>
    public static void MultiplyTransposedA<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int k, int n, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckShapes(a.Length, b.Length, c.Length, m, k, n, (long)k * m, (long)k * n);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++)
                {
                    sum += a[(p * m) + i] * b[(p * n) + j];
                }

                c[(i * n) + j] = accumulate ? c[(i * n) + j] + sum : sum;
            }
        }
    }

    private static void CheckShapes(int aLength, int bLength, int cLength, int m, int k, int n, long aExpected, long bExpected)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(m);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        if (aLength < aExpected)
        {
            throw new ArgumentException($"a has {aLength} elements; expected at least {aExpected} for m={m}, k={k}, n={n}.", "a");
        }

        if (bLength < bExpected)
        {
            throw new ArgumentException($"b has {bLength} elements; expected at least {bExpected} for m={m}, k={k}, n={n}.", "b");
        }

        if (cLength < (long)m * n)
        {
            throw new ArgumentException($"c has {cLength} elements; expected at least {(long)m * n} for m={m}, n={n}.", "c");
        }
    }
}
