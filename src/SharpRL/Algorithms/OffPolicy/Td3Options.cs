
namespace SharpRL.Algorithms.OffPolicy;

/// <summary>
/// TD3 settings (Fujimoto et al., 2018), defaults as SB3 2.x: lr 1e-3, [400, 300] ReLU, batch 256,
/// τ 0.005, learning_starts 100, twin critics, policy delay 2, target smoothing N(0, 0.2) clipped to ±0.5.
/// </summary>
public record Td3Options : OffPolicyOptions
{
    /// <summary>Critic updates per actor and target update (policy_delay).</summary>
    public int PolicyDelay { get; init; } = 2;

    /// <summary>σ of the target-policy smoothing noise, in the [−1, 1] action space (target_policy_noise; 0 disables).</summary>
    public double TargetPolicyNoise { get; init; } = 0.2;

    /// <summary>The smoothing noise is clipped to ±this (target_noise_clip).</summary>
    public double TargetNoiseClip { get; init; } = 0.5;

    /// <summary>Number of critics (n_critics); the target takes the minimum over them.</summary>
    public int NCritics { get; init; } = 2;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(PolicyDelay > 0, "policy_delay", PolicyDelay, "a positive integer");
        Require(TargetPolicyNoise >= 0 && double.IsFinite(TargetPolicyNoise), "target_policy_noise", TargetPolicyNoise, "≥ 0");
        Require(TargetNoiseClip >= 0 && double.IsFinite(TargetNoiseClip), "target_noise_clip", TargetNoiseClip, "≥ 0");
        Require(NCritics > 0, "n_critics", NCritics, "a positive integer");
    }
}
