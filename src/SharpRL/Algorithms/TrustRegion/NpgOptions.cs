namespace SharpRL.Algorithms.TrustRegion;

/// <summary>
/// NPG settings (and, through <c>TrpoOptions</c>, TRPO's). <see cref="OnPolicyOptions.LearningRate"/> is the
/// critic's Adam step size: the policy step is set by <see cref="TargetKl"/>, not by a learning rate.
/// <see cref="OnPolicyOptions.VfCoef"/> and <see cref="OnPolicyOptions.MaxGradNorm"/> are unused (the critic
/// has its own regression), so their defaults are 0. Other defaults are sb3-contrib TRPO's, with TRPO's usual
/// 10 conjugate-gradient iterations.
/// </summary>
public record NpgOptions : OnPolicyOptions
{
    /// <summary>Creates the defaults: critic Adam 1e-3, advantages standardised over the rollout.</summary>
    public NpgOptions()
    {
        LearningRate = Schedule.Constant(1e-3);
        VfCoef = 0;
        MaxGradNorm = 0;
    }

    /// <summary>
    /// δ, the bound on the mean KL(π_old ‖ π_θ) of one update. The step is η = √(2δ / gᵀF⁻¹g), which makes the
    /// quadratic model ½ ΔθᵀFΔθ of the KL equal δ. (Janson's "PPO &amp; Importance Sampling" writes η = √(δ / gᵀF⁻¹g) for the constraint
    /// ΔθᵀFΔθ ≤ δ; that δ bounds 2 × KL. Here δ is a KL, the same quantity TRPO's line search checks.)
    /// </summary>
    public double TargetKl { get; init; } = 0.01;

    /// <summary>λ in (F + λI)x = g: keeps conjugate gradient well-posed where F is singular.</summary>
    public double CgDamping { get; init; } = 0.1;

    /// <summary>Conjugate-gradient iterations (Fisher-vector products) per update.</summary>
    public int CgMaxSteps { get; init; } = 10;

    /// <summary>Conjugate gradient stops early once ‖g − (F + λI)x‖ falls to this.</summary>
    public double CgTolerance { get; init; } = 1e-5;

    /// <summary>Passes of critic regression over each rollout (n_critic_updates).</summary>
    public int NumCriticUpdates { get; init; } = 10;

    /// <summary>Minibatch size of the critic regression.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Adam ε of the critic.</summary>
    public double AdamEpsilon { get; init; } = 1e-5;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(!Policy.SharedTrunk, "policy.shared_trunk", "true", "false: the natural-gradient step and the critic's regression must not move shared parameters");
        Require(TargetKl > 0 && double.IsFinite(TargetKl), "target_kl", TargetKl, "positive");
        Require(CgDamping >= 0 && double.IsFinite(CgDamping), "cg_damping", CgDamping, "≥ 0");
        Require(CgMaxSteps > 0, "cg_max_steps", CgMaxSteps, "a positive integer");
        Require(CgTolerance >= 0 && double.IsFinite(CgTolerance), "cg_tolerance", CgTolerance, "≥ 0");
        Require(NumCriticUpdates > 0, "n_critic_updates", NumCriticUpdates, "a positive integer");
        Require(BatchSize > 0 && BatchSize <= RolloutSize, "batch_size", BatchSize, $"in [1, n_envs × n_steps = {RolloutSize}]");
        Require(AdamEpsilon > 0, "adam_epsilon", AdamEpsilon, "positive");
    }
}
