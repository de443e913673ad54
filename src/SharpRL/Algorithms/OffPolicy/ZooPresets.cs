
namespace SharpRL.Algorithms.OffPolicy;

/// <summary>
/// rl-baselines3-zoo's tuned hyperparameters for the off-policy algorithms on the classic-control
/// continuous tasks (hyperparams/{td3,ddpg,sac}.yml), with their step budgets.
/// </summary>
public static class ZooPresets
{
    /// <summary>TD3 on Pendulum-v1: 2e4 steps, γ 0.98, buffer 2e5, 1e4 random steps, N(0, 0.1) noise, one training phase per episode with as many steps as collected, lr 1e-3, [400, 300].</summary>
    public static (Td3Options Options, long Timesteps) Td3Pendulum => (PendulumDeterministic(new Td3Options()), 20_000);

    /// <summary>DDPG on Pendulum-v1: the same settings as TD3's.</summary>
    public static (DdpgOptions Options, long Timesteps) DdpgPendulum => (PendulumDeterministic(new DdpgOptions()), 20_000);

    /// <summary>SAC on Pendulum-v1: 2e4 steps, lr 1e-3, SAC defaults otherwise.</summary>
    public static (SacOptions Options, long Timesteps) SacPendulum => (new SacOptions { LearningRate = 1e-3 }, 20_000);

    /// <summary>TD3 on MountainCarContinuous-v0: 3e5 steps, Ornstein–Uhlenbeck noise σ 0.5, TD3 defaults otherwise.</summary>
    public static (Td3Options Options, long Timesteps) Td3MountainCarContinuous =>
        (new Td3Options { NoiseType = ActionNoiseKind.OrnsteinUhlenbeck, NoiseStd = 0.5 }, 300_000);

    /// <summary>DDPG on MountainCarContinuous-v0: 3e5 steps, Ornstein–Uhlenbeck noise σ 0.5.</summary>
    public static (DdpgOptions Options, long Timesteps) DdpgMountainCarContinuous =>
        (new DdpgOptions { NoiseType = ActionNoiseKind.OrnsteinUhlenbeck, NoiseStd = 0.5 }, 300_000);

    /// <summary>SAC on MountainCarContinuous-v0 (rl-zoo: 5e4 steps, lr 3e-4, buffer 5e4, batch 512, τ 0.01, γ 0.9999, 32 steps per phase, ent_coef 0.1, [64, 64]).</summary>
    public static (SacOptions Options, long Timesteps) SacMountainCarContinuous => (new SacOptions
    {
        LearningRate = 3e-4,
        BufferSize = 50_000,
        BatchSize = 512,
        EntCoef = "0.1",
        TrainFreq = 32,
        GradientSteps = 32,
        Gamma = 0.9999,
        Tau = 0.01,
        LearningStarts = 0,
        HiddenSizes = [64, 64],
    }, 50_000);

    /// <summary>The MuJoCo locomotion envs rl-zoo's td3.yml and sac.yml tune with one shared block (v4 ids; v5 take the same values).</summary>
    public static IReadOnlyList<string> MuJoCoEnvIds { get; } =
        ["HalfCheetah-v4", "Hopper-v4", "Walker2d-v4", "Ant-v4", "Humanoid-v4", "HalfCheetah-v5", "Hopper-v5", "Walker2d-v5", "Ant-v5", "Humanoid-v5"];

    /// <summary>
    /// TD3 on a MuJoCo locomotion env (rl-zoo td3.yml's MuJoCo block): 1e6 steps (Humanoid 2e6), 1e4 random
    /// steps, N(0, 0.1) noise, one gradient step per env step, lr 1e-3, batch 256, [400, 300]; null for other envs.
    /// </summary>
    public static (Td3Options Options, long Timesteps)? Td3MuJoCo(string envId) =>
        MuJoCoEnvIds.Contains(envId)
            ? (new Td3Options
            {
                LearningStarts = 10_000,
                NoiseType = ActionNoiseKind.Normal,
                NoiseStd = 0.1,
                TrainFreq = 1,
                GradientSteps = 1,
                LearningRate = 1e-3,
                BatchSize = 256,
                HiddenSizes = [400, 300],
            }, MuJoCoBudget(envId))
            : null;

    /// <summary>SAC on a MuJoCo locomotion env (rl-zoo sac.yml's MuJoCo block): 1e6 steps (Humanoid 2e6), 1e4 random steps, SB3's SAC defaults otherwise ([256, 256], lr 3e-4, auto α); null for other envs.</summary>
    public static (SacOptions Options, long Timesteps)? SacMuJoCo(string envId) =>
        MuJoCoEnvIds.Contains(envId) ? (new SacOptions { LearningStarts = 10_000 }, MuJoCoBudget(envId)) : null;

    /// <summary>TD3's rl-zoo preset on <paramref name="envId"/> (td3.yml), or null where rl-zoo has none.</summary>
    public static Preset<Td3Options>? Td3(string envId) => For("td3", envId, Td3Pendulum, Td3MountainCarContinuous, Td3MuJoCo(envId));

    /// <summary>DDPG's rl-zoo preset on <paramref name="envId"/> (ddpg.yml: Pendulum-v1 and MountainCarContinuous-v0), or null.</summary>
    public static Preset<DdpgOptions>? Ddpg(string envId) => For("ddpg", envId, DdpgPendulum, DdpgMountainCarContinuous, mujoco: null);

    /// <summary>SAC's rl-zoo preset on <paramref name="envId"/> (sac.yml), or null where rl-zoo has none.</summary>
    public static Preset<SacOptions>? Sac(string envId) =>
        For("sac", envId, SacPendulum, SacMountainCarContinuous, SacMuJoCo(envId), mountainCarNote: " (without its gSDE)");

    // The one lookup behind the three descriptors' presets: env id → the algorithm's block of its rl-zoo file.
    private static Preset<T>? For<T>(
        string algorithm, string envId, (T Options, long Timesteps) pendulum, (T Options, long Timesteps) mountainCar, (T Options, long Timesteps)? mujoco, string mountainCarNote = "")
        => envId switch
        {
            "Pendulum-v1" => new Preset<T>(pendulum.Options, pendulum.Timesteps, $"rl-zoo {algorithm}.yml Pendulum-v1"),
            "MountainCarContinuous-v0" => new Preset<T>(mountainCar.Options, mountainCar.Timesteps, $"rl-zoo {algorithm}.yml MountainCarContinuous-v0{mountainCarNote}"),
            _ when mujoco is { } block => new Preset<T>(block.Options, block.Timesteps, $"rl-zoo {algorithm}.yml {envId}"),
            _ => null,
        };

    private static long MuJoCoBudget(string envId) => envId.StartsWith("Humanoid-", StringComparison.Ordinal) ? 2_000_000 : 1_000_000;

    private static T PendulumDeterministic<T>(T defaults)
        where T : Td3Options
        => defaults with
        {
            Gamma = 0.98,
            BufferSize = 200_000,
            LearningStarts = 10_000,
            NoiseType = ActionNoiseKind.Normal,
            NoiseStd = 0.1,
            GradientSteps = -1,
            TrainFreq = 1, TrainFreqUnit = TrainFrequencyUnit.Episode,
            LearningRate = 1e-3,
            HiddenSizes = [400, 300],
        };
}
