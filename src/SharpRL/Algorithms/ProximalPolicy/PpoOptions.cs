namespace SharpRL.Algorithms.ProximalPolicy;

/// <summary>PPO settings; defaults are SB3's / the PPO paper's.</summary>
public sealed record PpoOptions : OnPolicyOptions
{
    /// <summary>Minibatch size for the Adam steps.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Passes over each rollout (K).</summary>
    public int NumEpochs { get; init; } = 10;

    /// <summary>ε_low: the ratio is clipped below at 1 − ε_low (constant or lin_ schedule).</summary>
    public Schedule ClipRange { get; init; } = Schedule.Constant(0.2);

    /// <summary>
    /// ε_high: the ratio is clipped above at 1 + ε_high; null means ε_high = ε_low (symmetric).
    /// DAPO (Yu et al. 2025, "DAPO: an open-source LLM reinforcement learning system at scale") uses 0.28 with ε_low 0.2 so unlikely actions can still gain probability.
    /// </summary>
    public Schedule? ClipRangeHigh { get; init; }

    /// <summary>Clip of the value update around the old value (null: no value clipping).</summary>
    public double? ClipRangeVf { get; init; }

    /// <summary>Stop the epochs of an update early once approx-KL exceeds 1.5 × this (null: never).</summary>
    public double? TargetKl { get; init; }

    /// <summary>Adam ε (1e-5 in the reference PPO implementations, not PyTorch's 1e-8).</summary>
    public double AdamEpsilon { get; init; } = 1e-5;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(BatchSize > 0 && BatchSize <= RolloutSize, "batch_size", BatchSize, $"in [1, n_envs × n_steps = {RolloutSize}]");
        Require(NumEpochs > 0, "n_epochs", NumEpochs, "a positive integer");
        Require(ClipRange.Start > 0, "clip_range", ClipRange, "positive");
        Require(ClipRangeHigh is null || ClipRangeHigh.Start > 0, "clip_range_high", ClipRangeHigh!, "positive");
        Require(ClipRangeVf is null || ClipRangeVf > 0, "clip_range_vf", ClipRangeVf!, "positive");
        Require(TargetKl is null || TargetKl > 0, "target_kl", TargetKl!, "positive");
        Require(AdamEpsilon > 0, "adam_epsilon", AdamEpsilon, "positive");
    }
}
