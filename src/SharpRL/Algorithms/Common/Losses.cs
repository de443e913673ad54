namespace SharpRL.Algorithms.Common;

/// <summary>
/// The loss terms of the on-policy algorithms over a batch of m samples, each written once with its
/// derivative beside it. Each takes the per-sample quantities (ln π, H, KL, V), returns the term's
/// value (a mean over the batch) and writes ∂term/∂quantity_i, the coefficient the distribution's or the
/// value network's backward consumes. Losses are minimised: a bonus to maximise carries a minus sign.
/// Float inputs, double sums (as the algorithms log them); nothing is allocated.
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
    public static ClippedSurrogateResult ClippedSurrogate(
        ReadOnlySpan<float> logProb, ReadOnlySpan<float> logProbOld, ReadOnlySpan<float> advantage, float epsilonLow, float epsilonHigh, Span<float> gradLogProb)
    {
        int m = CheckBatch(logProb.Length, logProbOld.Length, advantage.Length, gradLogProb.Length);
        double loss = 0, approxKl = 0;
        int clipped = 0;
        float invM = 1f / m;
        for (int i = 0; i < m; i++)
        {
            float logRatio = logProb[i] - logProbOld[i];
            float ratio = MathF.Exp(logRatio);
            float clippedRatio = Math.Clamp(ratio, 1f - epsilonLow, 1f + epsilonHigh);
            float a = advantage[i];
            bool unclippedIsMin = ratio * a <= clippedRatio * a;
            loss -= MathF.Min(ratio * a, clippedRatio * a);
            gradLogProb[i] = unclippedIsMin ? -ratio * a * invM : 0f;
            clipped += ratio != clippedRatio ? 1 : 0;

            // (r − 1) − ln r ≥ 0, an unbiased low-variance estimate of KL(π_old ‖ π_θ) (Schulman 2020).
            approxKl += (ratio - 1f) - logRatio;
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
    public static double Surrogate(ReadOnlySpan<float> logProb, ReadOnlySpan<float> logProbOld, ReadOnlySpan<float> advantage, Span<float> gradLogProb)
    {
        int m = CheckBatch(logProb.Length, logProbOld.Length, advantage.Length, gradLogProb.Length);
        double loss = 0;
        float invM = 1f / m;
        for (int i = 0; i < m; i++)
        {
            float ratio = MathF.Exp(logProb[i] - logProbOld[i]);
            loss -= ratio * advantage[i];
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
    public static double ScoreFunction(ReadOnlySpan<float> logProb, ReadOnlySpan<float> advantage, Span<float> gradLogProb)
    {
        int m = CheckBatch(logProb.Length, logProb.Length, advantage.Length, gradLogProb.Length);
        double loss = 0;
        float invM = 1f / m;
        for (int i = 0; i < m; i++)
        {
            loss -= logProb[i] * advantage[i];
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
    public static double KlPenalty(ReadOnlySpan<float> kl, float beta, Span<float> gradKl)
    {
        int m = CheckBatch(kl.Length, kl.Length, kl.Length, gradKl.Length);
        double sum = 0;
        float invM = 1f / m;
        for (int i = 0; i < m; i++)
        {
            sum += kl[i];
            gradKl[i] = beta * invM;
        }

        return sum / m;
    }

    /// <summary>
    /// The entropy bonus as a loss: c_e · L_H with L_H = −(1/m) Σ H_i (maximising entropy keeps exploring;
    /// the − λ ln(1/π) term of Janson, "PPO &amp; Importance Sampling"). ∂(c_e L_H)/∂H_i = −c_e / m.
    /// Returns L_H (SB3's train/entropy_loss, without c_e).
    /// </summary>
    /// <param name="entropy">H(π_θ(·|s)) per sample.</param>
    /// <param name="coefficient">c_e.</param>
    /// <param name="gradEntropy">Receives ∂(c_e L_H)/∂H_i.</param>
    public static double EntropyBonus(ReadOnlySpan<float> entropy, float coefficient, Span<float> gradEntropy)
    {
        int m = CheckBatch(entropy.Length, entropy.Length, entropy.Length, gradEntropy.Length);
        double sum = 0;
        float invM = 1f / m;
        for (int i = 0; i < m; i++)
        {
            sum += entropy[i];
            gradEntropy[i] = -coefficient * invM;
        }

        return -sum / m;
    }

    /// <summary>
    /// Value regression c_v · L_V with L_V = (1/m) Σ (V_i − R_i)². ∂(c_v L_V)/∂V_i = 2 c_v (V_i − R_i) / m.
    /// Returns L_V (without c_v).
    /// </summary>
    /// <param name="value">V_φ(s).</param>
    /// <param name="target">R, the return targets.</param>
    /// <param name="coefficient">c_v (1 for a critic fitted on its own).</param>
    /// <param name="gradValue">Receives ∂(c_v L_V)/∂V_i.</param>
    public static double ValueMse(ReadOnlySpan<float> value, ReadOnlySpan<float> target, float coefficient, Span<float> gradValue)
    {
        int m = CheckBatch(value.Length, target.Length, target.Length, gradValue.Length);
        double loss = 0;
        float scale = coefficient * 2f / m;
        for (int i = 0; i < m; i++)
        {
            float error = value[i] - target[i];
            loss += error * error;
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
    public static double ClippedValueMse(
        ReadOnlySpan<float> value, ReadOnlySpan<float> valueOld, ReadOnlySpan<float> target, float clipRange, float coefficient, Span<float> gradValue)
    {
        int m = CheckBatch(value.Length, valueOld.Length, target.Length, gradValue.Length);
        double loss = 0;
        float scale = coefficient * 2f / m;
        for (int i = 0; i < m; i++)
        {
            float step = value[i] - valueOld[i];
            float error = valueOld[i] + Math.Clamp(step, -clipRange, clipRange) - target[i];
            loss += error * error;
            gradValue[i] = MathF.Abs(step) <= clipRange ? scale * error : 0f;
        }

        return loss / m;
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
