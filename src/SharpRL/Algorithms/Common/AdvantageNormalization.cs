namespace SharpRL.Algorithms.Common;

/// <summary>Standardising advantages, over a whole rollout (REINFORCE, A2C, NPG, TRPO) or per minibatch (PPO, PPO-KL).</summary>
internal static class AdvantageNormalization
{
    /// <summary>
    /// Â ← (Â − mean) / (std + 1e-8) with the unbiased std, as SB3 (torch.std) computes it.
    /// A batch of one is left as it is (its std is undefined).
    /// </summary>
    public static void NormalizeInPlace(Span<float> advantages)
    {
        if (advantages.Length < 2)
        {
            return;
        }

        double mean = 0;
        foreach (float a in advantages)
        {
            mean += a;
        }

        mean /= advantages.Length;
        double sumSquares = 0;
        foreach (float a in advantages)
        {
            sumSquares += (a - mean) * (a - mean);
        }

        double std = Math.Sqrt(sumSquares / (advantages.Length - 1));
        for (int i = 0; i < advantages.Length; i++)
        {
            advantages[i] = (float)((advantages[i] - mean) / (std + 1e-8));
        }
    }
}
