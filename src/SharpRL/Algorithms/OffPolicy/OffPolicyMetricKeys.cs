namespace SharpRL.Algorithms.OffPolicy;

/// <summary>Metric names of the off-policy algorithms, identical to Stable-Baselines3's.</summary>
public static class OffPolicyMetricKeys
{
    /// <summary>Mean actor loss over the training phase (−Q for DDPG/TD3; α ln π − min Q for SAC).</summary>
    public const string ActorLoss = "train/actor_loss";

    /// <summary>Mean critic loss over the training phase (summed over the critics).</summary>
    public const string CriticLoss = "train/critic_loss";

    /// <summary>Mean temperature α used in the phase (SAC).</summary>
    public const string EntCoef = "train/ent_coef";

    /// <summary>Mean temperature loss −ln α (ln π + H̄) (SAC, automatic α only).</summary>
    public const string EntCoefLoss = "train/ent_coef_loss";

    /// <summary>Episodes finished so far, over all env copies.</summary>
    public const string Episodes = "time/episodes";
}
