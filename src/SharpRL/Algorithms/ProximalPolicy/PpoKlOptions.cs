namespace SharpRL.Algorithms.ProximalPolicy;

/// <summary>Settings of PPO with the adaptive KL penalty; defaults follow SB3's PPO and the PPO paper (d_targ 0.01, β₀ 1).</summary>
public sealed record PpoKlOptions : OnPolicyOptions
{
    /// <summary>Minibatch size for the Adam steps.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Passes over each rollout (K).</summary>
    public int NumEpochs { get; init; } = 10;

    /// <summary>d_targ, the mean KL(π_old ‖ π_θ) per update that the adaptive β steers towards.</summary>
    public double KlTarget { get; init; } = 0.01;

    /// <summary>β at the start of training; the paper notes the rule soon corrects a poor choice.</summary>
    public double InitialBeta { get; init; } = 1.0;

    /// <summary>Adam ε (1e-5 as in the reference PPO implementations).</summary>
    public double AdamEpsilon { get; init; } = 1e-5;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(BatchSize > 0 && BatchSize <= RolloutSize, "batch_size", BatchSize, $"in [1, n_envs × n_steps = {RolloutSize}]");
        Require(NumEpochs > 0, "n_epochs", NumEpochs, "a positive integer");
        Require(KlTarget > 0 && double.IsFinite(KlTarget), "kl_target", KlTarget, "positive");
        Require(InitialBeta > 0 && double.IsFinite(InitialBeta), "initial_beta", InitialBeta, "positive");
        Require(AdamEpsilon > 0, "adam_epsilon", AdamEpsilon, "positive");
    }
}
