namespace SharpRL.Algorithms.OffPolicy;

/// <summary>
/// Deep Deterministic Policy Gradient (Lillicrap et al., 2016; "Lecture 8: PPO, DDPG / TD3"):
/// y = r + γ (1 − d) Q'(s', μ'(s')); the critic regresses Q(s, a) to y; the actor ascends Q(s, μ(s))
/// with ∂Q/∂a back-propagated into μ (the deterministic policy gradient, Silver et al., 2014);
/// targets follow by Polyak averaging.
/// </summary>
/// <remarks>
/// As in SB3, this is the TD3 update with <see cref="DdpgOptions"/>: one critic (so the min is Q' itself),
/// actor and targets updated every step, and no smoothing noise on the target action.
/// </remarks>
public sealed class Ddpg : Td3
{
    /// <summary>The run layer's entry for <c>sharprl train ddpg</c>.</summary>
    public static new AlgorithmDescriptor Descriptor { get; } = new OffPolicyDescriptor<DdpgOptions>(
        "ddpg",
        "Deep deterministic policy gradient (Lillicrap et al. 2016)",
        new DdpgOptions(),
        (env, options, seed, logger) => new Ddpg(env, options, seed, logger),
        (checkpoint, options, makeEnv) => LoadActingPolicy(checkpoint, options, makeEnv),
        ZooPresets.Ddpg);

    /// <summary>Creates DDPG for <paramref name="env"/> (Box actions only).</summary>
    public Ddpg(IVectorEnv env, DdpgOptions? options = null, int seed = 0, MetricsLogger? logger = null)
        : base(env, options ?? new DdpgOptions(), seed, logger, "ddpg")
    {
    }
}
