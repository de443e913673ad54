namespace SharpRL.Algorithms.Impala;

/// <summary>Tuned starting points of IMPALA for the built-in envs (measured in docs/impala.md).</summary>
public static class ImpalaPresets
{
    /// <summary>The preset for <paramref name="envId"/>, or null (the defaults).</summary>
    public static Preset<ImpalaOptions>? For(string envId) => envId switch
    {
        // A constant 6e-4 plateaued near 250; 3e-4 learned slower; lin_2e-3 collapsed more often (docs/impala.md).
        "CartPole-v1" => new Preset<ImpalaOptions>(
            new ImpalaOptions { LearningRate = Common.Schedule.LinearDecay(1e-3) },
            300_000,
            "SharpRL impala CartPole-v1 (tuned here: lr lin_1e-3; docs/impala.md)"),

        // Without the reward scale (Pendulum's −16 per step) and with RMSprop, returns stayed below −1000 after 3e5 steps.
        "Pendulum-v1" => new Preset<ImpalaOptions>(
            new ImpalaOptions
            {
                Gamma = 0.9,
                LearningRate = Common.Schedule.LinearDecay(2e-3),
                EntCoef = 0,
                RewardScale = 0.1,
                Optimizer = ImpalaOptimizer.Adam,
            },
            1_000_000,
            "SharpRL impala Pendulum-v1 (tuned here: γ 0.9, lr lin_2e-3, no entropy bonus, reward_scale 0.1, Adam; docs/impala.md)"),
        _ => null,
    };
}
