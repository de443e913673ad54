using System.Numerics;

namespace SharpRL.Algorithms.Common;

/// <summary>
/// The loss terms of the on-policy algorithms over a batch of m samples, each written once with its
/// derivative beside it. Each takes the per-sample quantities (ln π, H, KL, V), returns the term's
/// value (a mean over the batch) and writes ∂term/∂quantity_i, the coefficient the distribution's or the
/// value network's backward consumes. Losses are minimised: a bonus to maximise carries a minus sign.
/// Generic over the float type (float in training, double for finite-difference checks); sums are
/// accumulated in double, as the algorithms log them; nothing is allocated.
/// </summary>
public static class Losses
{
    /// <summary>
    /// PPO's clipped surrogate (Schulman et al. 2017) with DAPO's asymmetric clip:
    /// L = −(1/m) Σ min(r Â, clip(r, 1 − ε_low, 1 + ε_high) Â), r = exp(ln π − ln π_old).
    /// ∂L/∂ ln π_i = −r Â / m where the unclipped term is the min, and 0 where the clip is active
    /// (∂r/∂ ln π = r; the clipped branch is a constant, so no signal flows through it).
    /// </summary>
    /// <param name="logProb">ln π_θ(a|s).</param>
    /// <param name="logProbOld">ln π_old(a|s).</param>
    /// <param name="advantage">Â.</param>
    /// <param name="epsilonLow">ε_low: r is clipped below at 1 − ε_low.</param>
    /// <param name="epsilonHigh">ε_high: r is clipped above at 1 + ε_high.</param>
    /// <param name="gradLogProb">Receives ∂L/∂ ln π_i.</param>
    public static ClippedSurrogateResult ClippedSurrogate<T>(
        ReadOnlySpan<T> logProb, ReadOnlySpan<T> logProbOld, ReadOnlySpan<T> advantage, T epsilonLow, T epsilonHigh, Span<T> gradLogProb)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = CheckBatch(logProb.Length, logProbOld.Length, advantage.Length, gradLogProb.Length);
        double loss = 0, approxKl = 0;
        int clipped = 0;
        T invM = T.One / T.CreateChecked(m);
        for (int i = 0; i < m; i++)
        {
            T logRatio = logProb[i] - logProbOld[i];
            T ratio = T.Exp(logRatio);
            T clippedRatio = T.Clamp(ratio, T.One - epsilonLow, T.One + epsilonHigh);
            T a = advantage[i];
            bool unclippedIsMin = ratio * a <= clippedRatio * a;
            loss -= double.CreateChecked(T.Min(ratio * a, clippedRatio * a));
            gradLogProb[i] = unclippedIsMin ? -ratio * a * invM : T.Zero;
            clipped += ratio != clippedRatio ? 1 : 0;

            // (r − 1) − ln r ≥ 0, an unbiased low-variance estimate of KL(π_old ‖ π_θ) (Schulman 2020).
            approxKl += double.CreateChecked((ratio - T.One) - logRatio);
        }

        return new ClippedSurrogateResult(loss / m, approxKl / m, (double)clipped / m);
    }

    /// <summary>
    /// The importance-sampled surrogate of TRPO, NPG and PPO-KL: L = −(1/m) Σ r Â, r = exp(ln π − ln π_old).
    /// ∂L/∂ ln π_i = −r Â / m, since ∂r/∂ ln π = r.
    /// </summary>
    /// <param name="logProb">ln π_θ(a|s).</param>
    /// <param name="logProbOld">ln π_old(a|s).</param>
    /// <param name="advantage">Â.</param>
    /// <param name="gradLogProb">Receives ∂L/∂ ln π_i.</param>
    public static double Surrogate<T>(ReadOnlySpan<T> logProb, ReadOnlySpan<T> logProbOld, ReadOnlySpan<T> advantage, Span<T> gradLogProb)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = CheckBatch(logProb.Length, logProbOld.Length, advantage.Length, gradLogProb.Length);
        double loss = 0;
        T invM = T.One / T.CreateChecked(m);
        for (int i = 0; i < m; i++)
        {
            T ratio = T.Exp(logProb[i] - logProbOld[i]);
            loss -= double.CreateChecked(ratio * advantage[i]);
            gradLogProb[i] = -ratio * advantage[i] * invM;
        }

        return loss / m;
    }

    /// <summary>
    /// The score-function (REINFORCE) loss of REINFORCE and A2C: L = −(1/m) Σ ln π(a|s) Â, whose negative
    /// gradient is the policy gradient (1/m) Σ ∇ ln π Â. ∂L/∂ ln π_i = −Â / m.
    /// It equals the surrogate's gradient at θ = θ_old, where r = 1 (Huang et al. 2022).
    /// </summary>
    /// <param name="logProb">ln π_θ(a|s).</param>
    /// <param name="advantage">Â.</param>
    /// <param name="gradLogProb">Receives ∂L/∂ ln π_i.</param>
    public static double ScoreFunction<T>(ReadOnlySpan<T> logProb, ReadOnlySpan<T> advantage, Span<T> gradLogProb)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = CheckBatch(logProb.Length, logProb.Length, advantage.Length, gradLogProb.Length);
        double loss = 0;
        T invM = T.One / T.CreateChecked(m);
        for (int i = 0; i < m; i++)
        {
            loss -= double.CreateChecked(logProb[i] * advantage[i]);
            gradLogProb[i] = -advantage[i] * invM;
        }

        return loss / m;
    }

    /// <summary>
    /// PPO-KL's penalty β (1/m) Σ KL(π_old ‖ π_θ)_i. ∂/∂KL_i = β / m.
    /// Returns the mean KL (without β), the quantity the adaptive rule and the logs read.
    /// </summary>
    /// <param name="kl">KL(π_old ‖ π_θ) per sample.</param>
    /// <param name="beta">β.</param>
    /// <param name="gradKl">Receives ∂(β · mean KL)/∂KL_i.</param>
    public static double KlPenalty<T>(ReadOnlySpan<T> kl, T beta, Span<T> gradKl)
        where T : unmanaged, IFloatingPointIeee754<T>
        => MeanWithUniformGradient(kl, beta, gradKl);

    /// <summary>
    /// The entropy bonus as a loss: c_e · L_H with L_H = −(1/m) Σ H_i (maximising entropy keeps exploring;
    /// the − λ ln(1/π) term of Janson, "PPO &amp; Importance Sampling"). ∂(c_e L_H)/∂H_i = −c_e / m.
    /// Returns L_H (SB3's train/entropy_loss, without c_e).
    /// </summary>
    /// <param name="entropy">H(π_θ(·|s)) per sample.</param>
    /// <param name="coefficient">c_e.</param>
    /// <param name="gradEntropy">Receives ∂(c_e L_H)/∂H_i.</param>
    public static double EntropyBonus<T>(ReadOnlySpan<T> entropy, T coefficient, Span<T> gradEntropy)
        where T : unmanaged, IFloatingPointIeee754<T>
        => -MeanWithUniformGradient(entropy, -coefficient, gradEntropy);

    /// <summary>
    /// Value regression c_v · L_V with L_V = (1/m) Σ (V_i − R_i)². ∂(c_v L_V)/∂V_i = 2 c_v (V_i − R_i) / m.
    /// Returns L_V (without c_v).
    /// </summary>
    /// <param name="value">V_φ(s).</param>
    /// <param name="target">R, the return targets.</param>
    /// <param name="coefficient">c_v (1 for a critic fitted on its own).</param>
    /// <param name="gradValue">Receives ∂(c_v L_V)/∂V_i.</param>
    public static double ValueMse<T>(ReadOnlySpan<T> value, ReadOnlySpan<T> target, T coefficient, Span<T> gradValue)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = CheckBatch(value.Length, target.Length, target.Length, gradValue.Length);
        double loss = 0;
        T scale = coefficient * T.CreateChecked(2) / T.CreateChecked(m);
        for (int i = 0; i < m; i++)
        {
            T error = value[i] - target[i];
            loss += double.CreateChecked(error * error);
            gradValue[i] = scale * error;
        }

        return loss / m;
    }

    /// <summary>
    /// SB3's clipped value loss (its <c>clip_range_vf</c>): the prediction may move at most ε_v from the
    /// value the rollout was collected with, V_c = V_old + clip(V − V_old, −ε_v, ε_v), and
    /// L_V = (1/m) Σ (V_c − R)². ∂(c_v L_V)/∂V_i = 2 c_v (V_c − R) / m inside the band |V − V_old| ≤ ε_v,
    /// and 0 outside it (V_c no longer moves with V). Returns L_V (without c_v).
    /// </summary>
    /// <param name="value">V_φ(s).</param>
    /// <param name="valueOld">V_old(s).</param>
    /// <param name="target">R, the return targets.</param>
    /// <param name="clipRange">ε_v &gt; 0.</param>
    /// <param name="coefficient">c_v.</param>
    /// <param name="gradValue">Receives ∂(c_v L_V)/∂V_i.</param>
    public static double ClippedValueMse<T>(
        ReadOnlySpan<T> value, ReadOnlySpan<T> valueOld, ReadOnlySpan<T> target, T clipRange, T coefficient, Span<T> gradValue)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = CheckBatch(value.Length, valueOld.Length, target.Length, gradValue.Length);
        double loss = 0;
        T scale = coefficient * T.CreateChecked(2) / T.CreateChecked(m);
        for (int i = 0; i < m; i++)
        {
            T step = value[i] - valueOld[i];
            T error = valueOld[i] + T.Clamp(step, -clipRange, clipRange) - target[i];
            loss += double.CreateChecked(error * error);
            gradValue[i] = T.Abs(step) <= clipRange ? scale * error : T.Zero;
        }

        return loss / m;
    }

    /// <summary>(1/m) Σ x_i, and ∂(scale · mean x)/∂x_i = scale / m into every entry of <paramref name="gradient"/>.</summary>
    private static double MeanWithUniformGradient<T>(ReadOnlySpan<T> values, T scale, Span<T> gradient)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = CheckBatch(values.Length, values.Length, values.Length, gradient.Length);
        double sum = 0;
        foreach (T value in values)
        {
            sum += double.CreateChecked(value);
        }

        gradient.Fill(scale * (T.One / T.CreateChecked(m)));
        return sum / m;
    }

    private static int CheckBatch(int first, int second, int third, int gradient)
    {
        if (first == 0 || second != first || third != first || gradient != first)
        {
            throw new ArgumentException($"Loss inputs must be one non-empty batch of equal lengths; got {first}, {second}, {third} and a gradient of {gradient}.");
        }

        return first;
    }
}

/// <summary>PPO's clipped surrogate and its diagnostics over one batch.</summary>
/// <param name="Loss">−(1/m) Σ min(r Â, clip(r) Â).</param>
/// <param name="ApproxKl">(1/m) Σ (r − 1) − ln r, SB3's train/approx_kl.</param>
/// <param name="ClipFraction">Share of samples whose ratio was clipped.</param>
public readonly record struct ClippedSurrogateResult(double Loss, double ApproxKl, double ClipFraction);
