using System.Numerics;

namespace SharpRL.Distributions;

/// <summary>
/// The math of one categorical distribution given by its logits z (one row, or one component of a
/// MultiCategorical row). p = softmax(z); every log-probability is formed as ln p_j = z_j − lse(z),
/// never as ln(exp(z_j)/Σ), so probabilities that underflow to 0 still have finite logs.
/// Derivations of the gradients are on <see cref="Categorical{T}"/>.
/// </summary>
internal static class CategoricalMath
{
    /// <summary>lse(z) = ln Σ_j exp(z_j).</summary>
    public static T LogSumExp<T>(ReadOnlySpan<T> logits)
        where T : unmanaged, IFloatingPointIeee754<T>
        => LogSumExp(logits, out _);

    /// <summary>lse(z), and the index of the largest logit (the most probable category) found on the way.</summary>
    public static T LogSumExp<T>(ReadOnlySpan<T> logits, out int argMax)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        argMax = ArgMax(logits);
        T max = logits[argMax];

        // lse = m + ln Σ exp(z_j − m), m = max z: every exponent is ≤ 0, so logits of ±80
        // (e^160 overflows float) give a finite result, and the sum is ≥ 1 (no ln 0).
        T sum = T.Zero;
        for (int j = 0; j < logits.Length; j++)
        {
            sum += T.Exp(logits[j] - max);
        }

        return max + T.Log(sum);
    }

    /// <summary>Inverse-CDF draw: the first j whose cumulative probability exceeds <paramref name="uniform"/> ∈ [0, 1).</summary>
    public static int Sample<T>(ReadOnlySpan<T> logits, double uniform)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = logits[0];
        for (int j = 1; j < logits.Length; j++)
        {
            max = T.Max(max, logits[j]);
        }

        T total = T.Zero;
        for (int j = 0; j < logits.Length; j++)
        {
            total += T.Exp(logits[j] - max);
        }

        // Compare unnormalised weights against u·Σw: one division fewer, same draw.
        T target = T.CreateChecked(uniform) * total;
        T cumulative = T.Zero;
        int lastPossible = 0;
        for (int j = 0; j < logits.Length; j++)
        {
            T weight = T.Exp(logits[j] - max);
            if (weight > T.Zero)
            {
                cumulative += weight;
                lastPossible = j;
                if (cumulative > target)
                {
                    return j;
                }
            }
        }

        // Rounding can leave the running sum a hair below u·Σw (u close to 1 in float): the draw
        // then belongs to the last category with non-zero probability, never to an impossible one.
        return lastPossible;
    }

    /// <summary>argmax_j z_j (the first one on ties).</summary>
    public static int ArgMax<T>(ReadOnlySpan<T> logits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int best = 0;
        for (int j = 1; j < logits.Length; j++)
        {
            if (logits[j] > logits[best])
            {
                best = j;
            }
        }

        return best;
    }

    /// <summary>ln p_a = z_a − lse(z).</summary>
    public static T LogProb<T>(ReadOnlySpan<T> logits, int category)
        where T : unmanaged, IFloatingPointIeee754<T>
        => logits[category] - LogSumExp(logits);

    /// <summary>grad += c · (onehot(a) − p).</summary>
    public static void LogProbBackward<T>(ReadOnlySpan<T> logits, int category, T coefficient, Span<T> gradLogits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T logSumExp = LogSumExp(logits);

        // 1 − p_a is summed as Σ_{k≠a} p_k: when π(a) ≈ 1 (a confident policy) the subtraction
        // 1 − p_a would cancel to rounding noise, the sum of the small probabilities does not.
        T othersProbability = T.Zero;
        for (int j = 0; j < logits.Length; j++)
        {
            if (j != category)
            {
                T probability = T.Exp(logits[j] - logSumExp);
                othersProbability += probability;
                gradLogits[j] -= coefficient * probability;
            }
        }

        gradLogits[category] += coefficient * othersProbability;
    }

    /// <summary>H = −Σ_j p_j ln p_j.</summary>
    public static T Entropy<T>(ReadOnlySpan<T> logits)
        where T : unmanaged, IFloatingPointIeee754<T>
        => Entropy(logits, LogSumExp(logits));

    /// <summary>grad += c · (−p ⊙ (ln p + H)).</summary>
    public static void EntropyBackward<T>(ReadOnlySpan<T> logits, T coefficient, Span<T> gradLogits)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T logSumExp = LogSumExp(logits);
        T entropy = Entropy(logits, logSumExp);
        for (int j = 0; j < logits.Length; j++)
        {
            T logP = logits[j] - logSumExp;
            gradLogits[j] -= coefficient * T.Exp(logP) * (logP + entropy);
        }
    }

    /// <summary>KL(p‖q) = Σ_j p_j (ln p_j − ln q_j), clamped at 0.</summary>
    public static T Kl<T>(ReadOnlySpan<T> logitsP, ReadOnlySpan<T> logitsQ)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Exact KL is ≥ 0; rounding can leave a −1e-17 that would confuse a "KL ≤ δ" check or a sqrt.
        return T.Max(KlUnclamped(logitsP, logitsQ), T.Zero);
    }

    /// <summary>KL(p‖q) = Σ_j p_j (ln p_j − ln q_j) as computed, before the clamp at 0 (tests check its sign).</summary>
    public static T KlUnclamped<T>(ReadOnlySpan<T> logitsP, ReadOnlySpan<T> logitsQ)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T logSumExpP = LogSumExp(logitsP);
        T logSumExpQ = LogSumExp(logitsQ);
        T kl = T.Zero;
        for (int j = 0; j < logitsP.Length; j++)
        {
            T logP = logitsP[j] - logSumExpP;
            T logQ = logitsQ[j] - logSumExpQ;
            kl += T.Exp(logP) * (logP - logQ);
        }

        return kl;
    }

    /// <summary>gradQ += c · (softmax(z_q) − p).</summary>
    public static void KlBackward<T>(ReadOnlySpan<T> logitsP, ReadOnlySpan<T> logitsQ, T coefficient, Span<T> gradLogitsQ)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T logSumExpP = LogSumExp(logitsP);
        T logSumExpQ = LogSumExp(logitsQ);
        for (int j = 0; j < logitsP.Length; j++)
        {
            gradLogitsQ[j] += coefficient * (T.Exp(logitsQ[j] - logSumExpQ) - T.Exp(logitsP[j] - logSumExpP));
        }
    }

    /// <summary>result = (diag(p) − p pᵀ) v = p ⊙ v − p (p·v).</summary>
    public static void FisherVectorProduct<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> vector, Span<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T logSumExp = LogSumExp(logits, out int dominant);

        // M 1 = p − p (p·1) = 0, so M v = M (v − v_m 1) with m the most probable category. After the
        // shift the dominant term drops out of p·w, and v_j − p·v is formed without cancelling
        // 1 − p_m: for v = (1, 0), p₁ ≈ 1 this gives p₁p₂ to full precision instead of p₁(1 − p₁) ≈ 0.
        T shift = vector[dominant];
        T pDotW = T.Zero;
        for (int j = 0; j < logits.Length; j++)
        {
            if (j != dominant)
            {
                pDotW += T.Exp(logits[j] - logSumExp) * (vector[j] - shift);
            }
        }

        for (int j = 0; j < logits.Length; j++)
        {
            result[j] = T.Exp(logits[j] - logSumExp) * (vector[j] - shift - pDotW);
        }
    }

    /// <summary>Reads a category stored as T, rejecting anything but an integer in [0, count).</summary>
    public static int Category<T>(T action, int count, string argumentName, int row, int component, bool multiComponent)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!T.IsInteger(action) || action < T.Zero || action >= T.CreateChecked(count))
        {
            string where = multiComponent ? $"row {row}, component {component}" : $"row {row}";
            throw new ArgumentOutOfRangeException(
                argumentName,
                action,
                $"{argumentName} {where} is {action}; expected an integer category in [0, {count}).");
        }

        return int.CreateTruncating(action);
    }

    private static T Entropy<T>(ReadOnlySpan<T> logits, T logSumExp)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T entropy = T.Zero;
        for (int j = 0; j < logits.Length; j++)
        {
            T logP = logits[j] - logSumExp;
            entropy -= T.Exp(logP) * logP;
        }

        return entropy;
    }
}
