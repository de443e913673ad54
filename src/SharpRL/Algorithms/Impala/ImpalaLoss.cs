using System.Numerics;

namespace SharpRL.Algorithms.Impala;

/// <summary>
/// IMPALA's loss over a batch of m steps (Espeholt et al. 2018, section 4.2), with the V-trace targets
/// held constant (no gradient flows into v_s or ρ_s):
///     L = −(1/m) Σ ρ_s (r_s + γ v_{s+1} − V(x_s)) ln π(a_s|x_s)  +  c_v (1/m) Σ ½ (v_s − V(x_s))²  −  c_e (1/m) Σ H(π(·|x_s)).
/// Its negative gradient is the paper's update direction: the policy gradient ρ_s ∇ ln π · advantage, the
/// value step (v_s − V(x_s)) ∇V scaled by c_v, and the entropy bonus c_e ∇H. The terms are the shared
/// ones of <see cref="Losses"/>; the paper sums over the batch, this library averages (the learning rate absorbs the 1/m).
/// </summary>
public static class ImpalaLoss
{
    /// <summary>
    /// Computes the loss and writes the coefficients the distribution's and the value network's backward
    /// passes consume: ∂L/∂ ln π_s = −A_s/m, ∂L/∂H_s = −c_e/m, ∂L/∂V_s = c_v (V_s − v_s)/m.
    /// </summary>
    /// <param name="logProb">ln π_θ(a_s|x_s).</param>
    /// <param name="entropy">H(π_θ(·|x_s)).</param>
    /// <param name="value">V(x_s).</param>
    /// <param name="policyGradientAdvantage">A_s = ρ_s (r_s + γ v_{s+1} − V(x_s)) from <see cref="VTrace"/>.</param>
    /// <param name="vs">The V-trace targets v_s.</param>
    /// <param name="valueCoefficient">c_v.</param>
    /// <param name="entropyCoefficient">c_e.</param>
    /// <param name="gradLogProb">Receives ∂L/∂ ln π_s.</param>
    /// <param name="gradEntropy">Receives ∂L/∂H_s.</param>
    /// <param name="gradValue">Receives ∂L/∂V_s.</param>
    public static ImpalaLossResult Compute<T>(
        ReadOnlySpan<T> logProb,
        ReadOnlySpan<T> entropy,
        ReadOnlySpan<T> value,
        ReadOnlySpan<T> policyGradientAdvantage,
        ReadOnlySpan<T> vs,
        T valueCoefficient,
        T entropyCoefficient,
        Span<T> gradLogProb,
        Span<T> gradEntropy,
        Span<T> gradValue)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // −(1/m) Σ A_s ln π(a_s|x_s): ∂/∂ ln π_s = −A_s/m
        double policyLoss = Losses.ScoreFunction(logProb, policyGradientAdvantage, gradLogProb);

        // c_v (1/m) Σ ½ (v_s − V_s)² = (c_v/2) · ValueMse: ∂/∂V_s = c_v (V_s − v_s)/m
        T half = T.One / T.CreateChecked(2);
        double valueLoss = 0.5 * Losses.ValueMse(value, vs, half * valueCoefficient, gradValue);

        // −c_e (1/m) Σ H_s: ∂/∂H_s = −c_e/m
        double entropyLoss = Losses.EntropyBonus(entropy, entropyCoefficient, gradEntropy);
        double total = policyLoss + (double.CreateChecked(valueCoefficient) * valueLoss) + (double.CreateChecked(entropyCoefficient) * entropyLoss);
        return new ImpalaLossResult(policyLoss, valueLoss, entropyLoss, total);
    }
}

/// <summary>The terms of one IMPALA loss.</summary>
/// <param name="PolicyLoss">−(1/m) Σ A_s ln π(a_s|x_s).</param>
/// <param name="ValueLoss">(1/m) Σ ½ (v_s − V(x_s))², without c_v.</param>
/// <param name="EntropyLoss">−(1/m) Σ H, without c_e (SB3's train/entropy_loss).</param>
/// <param name="Loss">PolicyLoss + c_v ValueLoss + c_e EntropyLoss.</param>
public readonly record struct ImpalaLossResult(double PolicyLoss, double ValueLoss, double EntropyLoss, double Loss);
