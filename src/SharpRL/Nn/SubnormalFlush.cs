using System.Numerics;

namespace SharpRL.Nn;

/// <summary>
/// Stores optimiser moments that fall below the smallest normal number as zero.
/// </summary>
/// <remarks>
/// Why: a weight whose gradient is exactly zero step after step (an input weight of a ReLU unit that is dead
/// on the whole batch) keeps only the decay of its moving averages, m ← β₁m and v ← β₂v. In float32 Adam's m
/// falls below the smallest normal number (1.18e-38) after about 800 such steps and v after about 70,000, and
/// then stays subnormal for hundreds (m) or thousands (v) of steps more before it underflows to zero. x86 cores
/// handle a SIMD operation that reads or writes a subnormal number with a microcode assist: on an Intel Xeon a
/// 400,000-parameter Adam step whose m was subnormal on half the elements took 8 ms against 0.34 ms, and
/// Adam took a quarter of TD3's update time on HalfCheetah. Zero is the value those moments decay to anyway.
/// <para>
/// What it changes: the first moment (Adam's m) enters the step only as α·m/(…), a change below 1e-30 when
/// |m| &lt; 1.18e-38, which leaves any |θ| above about 1e-23 unchanged bit for bit. A second moment (Adam's v,
/// RMSprop's s) enters as √v/c + ε: √v/c of a subnormal v is then below half an ulp of ε, so the sum rounds to
/// ε exactly as with v = 0 — provided ε is large enough, which <see cref="SecondMomentFlushIsExact"/> checks;
/// with a smaller ε (e.g. 0) the second moment is left as it is.
/// </para>
/// </remarks>
internal static class SubnormalFlush
{
    /// <summary>The smallest positive normal value of <typeparamref name="T"/>; 0 (flush nothing) for types other than float and double.</summary>
    public static T MinNormal<T>()
        where T : unmanaged, IFloatingPointIeee754<T>
        => typeof(T) == typeof(float) ? T.CreateChecked(1.1754943508222875e-38)
            : typeof(T) == typeof(double) ? T.CreateChecked(2.2250738585072014e-308)
            : T.Zero;

    /// <summary>
    /// Whether storing a subnormal second moment v as 0 leaves √v / c + ε unchanged, for every divisor
    /// c ≥ <paramref name="smallestDivisor"/>: true when √(min normal) / c is below a quarter ulp of 1 times ε,
    /// i.e. below half an ulp of ε.
    /// </summary>
    public static bool SecondMomentFlushIsExact<T>(double epsilon, double smallestDivisor)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        double minNormal = double.CreateChecked(MinNormal<T>());
        double roundedEpsilon = double.CreateChecked(T.CreateChecked(epsilon));
        double unitRoundoff = double.CreateChecked(T.BitIncrement(T.One) - T.One) / 2;
        return minNormal > 0 && smallestDivisor > 0 && Math.Sqrt(minNormal) / smallestDivisor < roundedEpsilon * unitRoundoff / 2;
    }

    /// <summary>
    /// The floor below which a second moment is stored as zero: the smallest normal number where
    /// <see cref="SecondMomentFlushIsExact"/> holds, else 0 (flush nothing).
    /// </summary>
    public static T SecondMomentFloor<T>(double epsilon, double smallestDivisor)
        where T : unmanaged, IFloatingPointIeee754<T>
        => SecondMomentFlushIsExact<T>(epsilon, smallestDivisor) ? MinNormal<T>() : T.Zero;

    /// <summary>x, or 0 where |x| &lt; <paramref name="minNormal"/>.</summary>
    public static Vector<T> Flush<T>(Vector<T> x, Vector<T> minNormal)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Vector.AndNot(x, Vector.LessThan(Vector.Abs(x), minNormal));

    /// <summary>x, or 0 where |x| &lt; <paramref name="minNormal"/>.</summary>
    public static T Flush<T>(T x, T minNormal)
        where T : unmanaged, IFloatingPointIeee754<T>
        => T.Abs(x) < minNormal ? T.Zero : x;
}
