using System.Numerics;

namespace SharpRL.Algorithms.OffPolicy;

/// <summary>Target-network updates (Lillicrap et al., 2016): Polyak averaging and hard copies.</summary>
public static class TargetNetworks
{
    /// <summary>θ' ← (1 − τ) θ' + τ θ, parameter by parameter (τ = 1 is a hard copy).</summary>
    /// <param name="source">θ, the online network's parameters.</param>
    /// <param name="target">θ', the target's, in the same order and shapes.</param>
    /// <param name="tau">τ ∈ (0, 1].</param>
    public static void Polyak<T>(IReadOnlyList<Parameter<T>> source, IReadOnlyList<Parameter<T>> target, double tau)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckPairs(source, target);
        if (!(tau is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(tau), tau, "tau must be in (0, 1].");
        }

        if (tau == 1)
        {
            CopyInto(source, target);
            return;
        }

        T t = T.CreateChecked(tau);
        T keep = T.CreateChecked(1 - tau);
        for (int p = 0; p < source.Count; p++)
        {
            Span<T> theta = target[p].Value;
            ReadOnlySpan<T> online = source[p].Value;
            int i = 0;

            // The vector lanes round each product and the sum separately, exactly as the scalar tail
            // does (no fused multiply-add), so the result does not depend on the vector width.
            if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
            {
                Vector<T> keepV = new(keep), tV = new(t);
                for (; i <= theta.Length - Vector<T>.Count; i += Vector<T>.Count)
                {
                    ((new Vector<T>(theta[i..]) * keepV) + (tV * new Vector<T>(online[i..]))).CopyTo(theta[i..]);
                }
            }

            for (; i < theta.Length; i++)
            {
                // Written as SB3's in-place mul_(1 − τ) then add_(τ θ), so float rounding matches.
                theta[i] = (theta[i] * keep) + (t * online[i]);
            }
        }
    }

    /// <summary>θ' ← θ.</summary>
    public static void CopyInto<T>(IReadOnlyList<Parameter<T>> source, IReadOnlyList<Parameter<T>> target)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckPairs(source, target);
        for (int p = 0; p < source.Count; p++)
        {
            source[p].Value.CopyTo(target[p].Value, 0);
        }
    }

    private static void CheckPairs<T>(IReadOnlyList<Parameter<T>> source, IReadOnlyList<Parameter<T>> target)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        if (source.Count != target.Count)
        {
            throw new ArgumentException($"source has {source.Count} parameters but target has {target.Count}; they must be copies of one network.");
        }

        for (int p = 0; p < source.Count; p++)
        {
            if (source[p].Length != target[p].Length)
            {
                throw new ArgumentException($"Parameter {p} ('{source[p].Name}' vs '{target[p].Name}') has {source[p].Length} vs {target[p].Length} values.");
            }
        }
    }
}
