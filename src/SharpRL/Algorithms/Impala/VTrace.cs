using System.Numerics;

namespace SharpRL.Algorithms.Impala;

/// <summary>
/// V-trace targets and policy-gradient advantages for one trajectory of T steps (Espeholt et al. 2018,
/// "IMPALA", section 4). With ρ_t = min(ρ̄, π(a_t|x_t)/μ(a_t|x_t)), c_i = λ min(c̄, π(a_i|x_i)/μ(a_i|x_i)) and
/// δ_t V = ρ_t (r_t + γ V(x_{t+1}) − V(x_t)), the n-step V-trace target (equation 1) is
///     v_s = V(x_s) + Σ_{t=s}^{s+n−1} γ^{t−s} (Π_{i=s}^{t−1} c_i) δ_t V,
/// computed backwards with Remark 1's recursion v_s − V(x_s) = δ_s V + γ c_s (v_{s+1} − V(x_{s+1})),
/// where n runs to the end of the trajectory (v_T = V(x_T)). The policy-gradient advantage (section 4.2) is
///     ρ_s (r_s + γ v_{s+1} − V(x_s)).
/// On-policy (π = μ) with ρ̄, c̄ ≥ 1 and λ = 1, ρ = c = 1 and v_s is the n-step return
/// Σ_{t≥s} γ^{t−s} r_t + γ^{T−s} V(x_T). Generic over the float type (float in training, double in tests);
/// nothing is allocated.
/// </summary>
public static class VTrace
{
    /// <summary>
    /// Computes v_s and the policy-gradient advantages of one trajectory.
    /// </summary>
    /// <remarks>
    /// Episode boundaries: <paramref name="nextValues"/>[t] is V of step t's real successor, 0 when the step
    /// terminated (no bootstrap) and V(final observation) when a time limit cut it (the state was not
    /// terminal: bootstrap). Where <paramref name="episodeEnds"/>[t] the trace is cut: v_{t+1} is then that
    /// successor's value itself, and nothing after the boundary (another episode) flows back into v_t.
    /// </remarks>
    /// <param name="logRatios">ln π(a_t|x_t) − ln μ(a_t|x_t), the log importance weights.</param>
    /// <param name="rewards">r_t.</param>
    /// <param name="values">V(x_t) under the learner's current value function.</param>
    /// <param name="nextValues">V(x_{t+1}) of step t's successor (see remarks); for t = T − 1 without a boundary, V(x_T).</param>
    /// <param name="episodeEnds">Step t terminated or was truncated.</param>
    /// <param name="settings">γ, ρ̄, c̄, λ.</param>
    /// <param name="vs">Receives the V-trace targets v_s.</param>
    /// <param name="policyGradientAdvantages">Receives ρ_s (r_s + γ v_{s+1} − V(x_s)).</param>
    /// <returns>How many of the T importance weights ρ̄ clipped (for the logs).</returns>
    public static int Compute<T>(
        ReadOnlySpan<T> logRatios,
        ReadOnlySpan<T> rewards,
        ReadOnlySpan<T> values,
        ReadOnlySpan<T> nextValues,
        ReadOnlySpan<bool> episodeEnds,
        VTraceSettings settings,
        Span<T> vs,
        Span<T> policyGradientAdvantages)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = logRatios.Length;
        if (n == 0 || rewards.Length != n || values.Length != n || nextValues.Length != n || episodeEnds.Length != n || vs.Length != n || policyGradientAdvantages.Length != n)
        {
            throw new ArgumentException(
                $"V-trace inputs must be one non-empty trajectory of equal lengths; got log ratios {n}, rewards {rewards.Length}, values {values.Length}, next values {nextValues.Length}, episode ends {episodeEnds.Length}, vs {vs.Length}, advantages {policyGradientAdvantages.Length}.");
        }

        T gamma = T.CreateChecked(settings.Gamma);
        T rhoBar = T.CreateChecked(settings.RhoBar);
        T cBar = T.CreateChecked(settings.CBar);
        T lambda = T.CreateChecked(settings.Lambda);
        int clipped = 0;

        // correction = v_{s+1} − V(x_{s+1}); 0 past the last step, where v_T = V(x_T).
        T correction = T.Zero;
        for (int s = n - 1; s >= 0; s--)
        {
            // Another episode starts after a boundary: its corrections must not flow back into this one.
            if (episodeEnds[s])
            {
                correction = T.Zero;
            }

            T ratio = T.Exp(logRatios[s]);
            T rho = T.Min(rhoBar, ratio);
            T c = lambda * T.Min(cBar, ratio);
            clipped += ratio > rhoBar ? 1 : 0;

            // δ_s V = ρ_s (r_s + γ V(x_{s+1}) − V(x_s))
            T delta = rho * (rewards[s] + (gamma * nextValues[s]) - values[s]);
            T vNext = nextValues[s] + correction;

            // v_s − V(x_s) = δ_s V + γ c_s (v_{s+1} − V(x_{s+1}))
            correction = delta + (gamma * c * correction);
            vs[s] = values[s] + correction;

            // ρ_s (r_s + γ v_{s+1} − V(x_s))
            policyGradientAdvantages[s] = rho * (rewards[s] + (gamma * vNext) - values[s]);
        }

        return clipped;
    }
}

/// <summary>The constants of V-trace.</summary>
/// <param name="Gamma">Discount γ ∈ [0, 1].</param>
/// <param name="RhoBar">ρ̄ &gt; 0, the clip of the importance weight in δ_t and in the policy gradient (1 in the paper's experiments).</param>
/// <param name="CBar">c̄ &gt; 0, the clip of the trace coefficients c_i (1 in the paper); ρ̄ ≥ c̄ is assumed by the paper's analysis.</param>
/// <param name="Lambda">λ ∈ [0, 1], scales every c_i, as in Retrace(λ) (section 4.1; 1 in the paper's experiments).</param>
public readonly record struct VTraceSettings(double Gamma, double RhoBar = 1.0, double CBar = 1.0, double Lambda = 1.0);
