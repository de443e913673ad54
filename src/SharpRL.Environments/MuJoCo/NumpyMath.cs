using System.Numerics;
using System.Runtime.CompilerServices;

namespace SharpRL.Environments.MuJoCo;

/// <summary>
/// NumPy's summation order, so that reward terms computed with <c>np.sum</c> round exactly as in
/// Gymnasium: <c>np.add.reduce</c> starts from 0 and adds a pairwise sum, which for n &lt; 8 is a plain
/// loop and for 8 ≤ n ≤ 128 keeps 8 running sums combined as ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)) before
/// the remainder is added (longer arrays split in halves rounded to multiples of 8).
/// </summary>
internal static class NumpyMath
{
    private const int BlockSize = 128;

    /// <summary><c>np.sum(np.square(x))</c> for a float32 array: float32 squares, float32 sums.</summary>
    /// <param name="values">The array.</param>
    public static float SumOfSquares(ReadOnlySpan<float> values)
    {
        Span<float> squares = stackalloc float[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            squares[i] = values[i] * values[i];
        }

        return 0f + PairwiseSum<float>(squares);
    }

    /// <summary><c>np.sum(np.square(x))</c> for a float64 array.</summary>
    /// <param name="values">The array.</param>
    public static double SumOfSquares(ReadOnlySpan<double> values)
    {
        Span<double> squares = values.Length <= 512 ? stackalloc double[values.Length] : new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            squares[i] = values[i] * values[i];
        }

        return 0.0 + PairwiseSum<double>(squares);
    }

    /// <summary><c>np.sum(x)</c> for a float64 array.</summary>
    /// <param name="values">The array.</param>
    public static double Sum(ReadOnlySpan<double> values) => 0.0 + PairwiseSum(values);

    /// <summary>
    /// NumPy's pairwise sum in the precision of <typeparamref name="T"/> (float32 sums stay float32): generic
    /// math specialises per value type, so each instantiation rounds as a hand-written loop of that type would.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static T PairwiseSum<T>(ReadOnlySpan<T> a)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = a.Length;
        if (n < 8)
        {
            T sum = T.Zero;
            for (int i = 0; i < n; i++)
            {
                sum += a[i];
            }

            return sum;
        }

        if (n <= BlockSize)
        {
            T r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7];
            int i = 8;
            for (; i < n - (n % 8); i += 8)
            {
                r0 += a[i];
                r1 += a[i + 1];
                r2 += a[i + 2];
                r3 += a[i + 3];
                r4 += a[i + 4];
                r5 += a[i + 5];
                r6 += a[i + 6];
                r7 += a[i + 7];
            }

            T sum = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++)
            {
                sum += a[i];
            }

            return sum;
        }

        int half = n / 2;
        half -= half % 8;
        return PairwiseSum(a[..half]) + PairwiseSum(a[half..]);
    }
}
