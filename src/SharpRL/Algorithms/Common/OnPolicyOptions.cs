namespace SharpRL.Algorithms.Common;

/// <summary>Settings shared by every on-policy algorithm (rollout, advantages, optimisation).</summary>
public record OnPolicyOptions
{
    /// <summary>Parallel env copies (n_envs).</summary>
    public int NumEnvs { get; init; } = 1;

    /// <summary>Steps per env per rollout (n_steps); a rollout holds NumEnvs × NumSteps transitions.</summary>
    public int NumSteps { get; init; } = 2048;

    /// <summary>Discount γ.</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>GAE λ (1: Monte-Carlo advantages, 0: one-step TD).</summary>
    public double GaeLambda { get; init; } = 0.95;

    /// <summary>
    /// Learning rate, constant or linearly annealed (lin_3e-4), handed to the optimiser as a double. The step
    /// size of the joint optimiser in PPO, PPO-KL and A2C and of the policy in REINFORCE; in NPG and TRPO it is
    /// the critic's Adam step size, as in sb3-contrib (their policy step is set by target_kl).
    /// </summary>
    public Schedule LearningRate { get; init; } = Schedule.Constant(3e-4);

    /// <summary>Entropy bonus coefficient c_e in L − c_e·H (the − λ ln(1/π) term of Janson, "PPO &amp; Importance Sampling").</summary>
    public double EntCoef { get; init; }

    /// <summary>Value-loss coefficient c_v.</summary>
    public double VfCoef { get; init; } = 0.5;

    /// <summary>Global gradient-norm clip (≤ 0 disables).</summary>
    public double MaxGradNorm { get; init; } = 0.5;

    /// <summary>Normalise advantages (per minibatch in PPO) to zero mean and unit variance.</summary>
    public bool NormalizeAdvantage { get; init; } = true;

    /// <summary>Running observation normalisation (clip ±10), shared across env copies.</summary>
    public bool NormalizeObservations { get; init; }

    /// <summary>Reward scaling by the running std of the discounted return (clip ±10).</summary>
    public bool NormalizeRewards { get; init; }

    /// <summary>Network architecture.</summary>
    public PolicyOptions Policy { get; init; } = new();

    /// <summary>Transitions per rollout.</summary>
    public int RolloutSize => NumEnvs * NumSteps;

    /// <summary>Throws if a setting is out of range, naming it and the valid range.</summary>
    public virtual void Validate()
    {
        // Counts whose product overflows and non-positive layer widths first: the sizes are checked before
        // anything is allocated.
        OnPolicySizes.CheckCounts(this);
        Require(NumEnvs > 0, "n_envs", NumEnvs, "a positive integer");
        Require(NumSteps > 0, "n_steps", NumSteps, "a positive integer");
        Require(Gamma is >= 0 and <= 1, "gamma", Gamma, "in [0, 1]");
        Require(GaeLambda is >= 0 and <= 1, "gae_lambda", GaeLambda, "in [0, 1]");
        Require(LearningRate.Start > 0 && LearningRate.End >= 0, "learning_rate", LearningRate, "positive");
        Require(EntCoef >= 0, "ent_coef", EntCoef, "≥ 0");
        Require(VfCoef >= 0, "vf_coef", VfCoef, "≥ 0");
    }

    /// <summary>Throws an <see cref="ArgumentException"/> for an out-of-range setting.</summary>
    protected static void Require(bool condition, string key, object value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentException($"Setting {key} = {value} is invalid; expected {expected}.", key);
        }
    }
}
