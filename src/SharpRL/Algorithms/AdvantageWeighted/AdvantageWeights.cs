namespace SharpRL.Algorithms.AdvantageWeighted;

/// <summary>
/// AWR's sample weights (Peng et al. 2019): the KL-regularised improvement
/// max_π E[A^μ(s, a)] − β KL(π ‖ μ) has the closed form π*(a|s) ∝ μ(a|s) exp(A(s, a)/β) ("Lecture 8: PPO,
/// DDPG / TD3"), so projecting it onto the policy class is a regression on μ's samples weighted by
/// w = exp(Â/β), clipped at w_max because one large advantage would otherwise dominate the batch.
/// </summary>
public static class AdvantageWeights
{
    /// <summary>weights[i] = min(exp(advantages[i] / β), w_max).</summary>
    /// <param name="advantages">Â per sample.</param>
    /// <param name="temperature">β &gt; 0: small β follows the advantages greedily, large β stays near μ.</param>
    /// <param name="maxWeight">w_max &gt; 0.</param>
    /// <param name="weights">Output, one per sample.</param>
    /// <returns>The fraction of samples whose weight was clipped.</returns>
    public static double Compute(ReadOnlySpan<float> advantages, double temperature, double maxWeight, Span<float> weights)
    {
        if (!(temperature > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature β must be positive.");
        }

        if (!(maxWeight > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxWeight), maxWeight, "The weight clip w_max must be positive.");
        }

        if (weights.Length < advantages.Length)
        {
            throw new ArgumentException($"weights has {weights.Length} values; expected {advantages.Length}.", nameof(weights));
        }

        // Compare in the log domain so that exp never overflows: exp(Â/β) ≥ w_max ⇔ Â/β ≥ ln w_max.
        double logMax = Math.Log(maxWeight);
        int clipped = 0;
        for (int i = 0; i < advantages.Length; i++)
        {
            double logWeight = advantages[i] / temperature;
            if (logWeight >= logMax)
            {
                weights[i] = (float)maxWeight;
                clipped++;
            }
            else
            {
                weights[i] = (float)Math.Exp(logWeight);
            }
        }

        return advantages.Length == 0 ? 0 : (double)clipped / advantages.Length;
    }
}
