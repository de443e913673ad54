using SharpRL.Environments.ClassicControl;
using SharpRL.Environments.MuJoCo;
using SharpRL.Environments.Toy;

namespace SharpRL.Environments;

/// <summary>
/// Entry point to the built-in envs, like <c>gymnasium.make</c>: <c>Gym.Make("CartPole-v1")</c>.
/// Touching this class registers the built-ins (ids, time limits and reward thresholds as Gymnasium
/// registers them) into <see cref="EnvRegistry.Default"/>, once; user envs registered there are
/// made the same way.
/// </summary>
public static class Gym
{
    private static readonly EnvRegistry DefaultRegistry = RegisterBuiltins(EnvRegistry.Default);

    /// <summary><see cref="EnvRegistry.Default"/>, with the built-in envs registered.</summary>
    public static EnvRegistry Registry => DefaultRegistry;

    /// <summary>Creates a registered env, wrapped in its time limit (see <see cref="EnvRegistry.Make(string, int?)"/>).</summary>
    /// <param name="id">Env id, e.g. "CartPole-v1".</param>
    /// <param name="maxEpisodeSteps">Overrides the registered time limit.</param>
    public static IEnv Make(string id, int? maxEpisodeSteps = null) => DefaultRegistry.Make(id, maxEpisodeSteps);

    /// <summary>
    /// Creates a registered env with constructor options, like <c>gymnasium.make(id, **kwargs)</c>:
    /// <c>Gym.Make("Hopper-v5", new Dictionary&lt;string, object&gt; { ["ctrl_cost_weight"] = 1e-2 })</c>.
    /// </summary>
    /// <param name="id">Env id.</param>
    /// <param name="options">Constructor options (numbers, booleans, strings or their command-line text), or null.</param>
    /// <param name="maxEpisodeSteps">Overrides the registered time limit.</param>
    public static IEnv Make(string id, IReadOnlyDictionary<string, object>? options, int? maxEpisodeSteps = null) => DefaultRegistry.Make(id, options, maxEpisodeSteps);

    /// <summary>
    /// Registers the classic-control envs into <paramref name="registry"/>, skipping ids it already has
    /// (so it is safe to call on <see cref="EnvRegistry.Default"/> more than once).
    /// </summary>
    /// <param name="registry">Registry to fill.</param>
    /// <returns>The same registry.</returns>
    public static EnvRegistry RegisterBuiltins(EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        // Gymnasium's constructor options of each, as gymnasium.make(id, **kwargs) takes them (Acrobot has none).
        TryRegister(registry, "CartPole-v0", options => Classic("CartPole-v0", options, o => new CartPoleEnv(o.Bool("sutton_barto_reward", false))), 200, 195.0);
        TryRegister(registry, "CartPole-v1", options => Classic("CartPole-v1", options, o => new CartPoleEnv(o.Bool("sutton_barto_reward", false))), 500, 475.0);
        TryRegister(registry, "MountainCar-v0", options => Classic("MountainCar-v0", options, o => new MountainCarEnv(o.Double("goal_velocity", 0))), 200, -110.0);
        TryRegister(registry, "MountainCarContinuous-v0", options => Classic("MountainCarContinuous-v0", options, o => new ContinuousMountainCarEnv(o.Double("goal_velocity", 0))), 999, 90.0);
        TryRegister(registry, "Pendulum-v1", options => Classic("Pendulum-v1", options, o => new PendulumEnv(o.Double("g", 10.0))), 200, null);
        TryRegister(registry, "Acrobot-v1", () => new AcrobotEnv(), 500, -100.0);

        // The lectures' toy problems (Janson, "PPO & Importance Sampling"; the lecture "NPG and PPO"). The chain truncates itself at its horizon.
        TryRegister(registry, "ChainMdp-v0", () => new ChainMdp(ToyChainStates, ToyChainHorizon, ChainStart.Fixed), null, 1.0);
        TryRegister(registry, "ChainMdpUniformStart-v0", () => new ChainMdp(ToyChainStates, ToyChainHorizon, ChainStart.Uniform), null, 1.0);
        TryRegister(registry, "TwoArmedBandit-v0", () => new TwoArmedBandit(), null, 100.0);

        // Invalid-action masking's test bed (IActionMaskEnv); the maze truncates itself at its horizon.
        TryRegister(registry, "WallMaze-v0", () => new WallMaze(), null, 1.0);
        RegisterMuJoCo(registry);
        return registry;
    }

    // A chain a uniform random policy solves from s₀ = 0 with probability about 3^−8 within its horizon.
    private const int ToyChainStates = 8;
    private const int ToyChainHorizon = 32;

    // Gymnasium's MuJoCo ids, v4 and v5, with its time limits and reward thresholds. They are registered even
    // without the native library: making one then fails with a one-line MuJoCoNotFoundException.
    private static void RegisterMuJoCo(EnvRegistry registry)
    {
        foreach (int v in (int[])[4, 5])
        {
            int version = v;
            TryRegisterMuJoCo(registry, $"Hopper-v{version}", o => new HopperEnv(version, o), 1000, 3800.0);
            TryRegisterMuJoCo(registry, $"HalfCheetah-v{version}", o => new HalfCheetahEnv(version, o), 1000, 4800.0);
            TryRegisterMuJoCo(registry, $"Walker2d-v{version}", o => new Walker2dEnv(version, o), 1000, null);
            TryRegisterMuJoCo(registry, $"Ant-v{version}", o => new AntEnv(version, o), 1000, 6000.0);
            TryRegisterMuJoCo(registry, $"Swimmer-v{version}", o => new SwimmerEnv(version, o), 1000, 360.0);
            TryRegisterMuJoCo(registry, $"InvertedPendulum-v{version}", o => new InvertedPendulumEnv(version, o), 1000, 950.0);
            TryRegisterMuJoCo(registry, $"InvertedDoublePendulum-v{version}", o => new InvertedDoublePendulumEnv(version, o), 1000, 9100.0);
            TryRegisterMuJoCo(registry, $"Reacher-v{version}", o => new ReacherEnv(version, o), 50, -3.75);
            TryRegisterMuJoCo(registry, $"Pusher-v{version}", o => new PusherEnv(version, o), 100, 0.0);
            TryRegisterMuJoCo(registry, $"Humanoid-v{version}", o => new HumanoidEnv(version, o), 1000, null);
            TryRegisterMuJoCo(registry, $"HumanoidStandup-v{version}", o => new HumanoidStandupEnv(version, o), 1000, null);
        }
    }

    // Every MuJoCo env takes mass_scale_range / friction_scale_range besides Gymnasium's own options.
    private static void TryRegisterMuJoCo(EnvRegistry registry, string id, Func<IReadOnlyDictionary<string, object>?, MuJoCoEnv> factory, int? maxEpisodeSteps, double? rewardThreshold) =>
        TryRegister(registry, id, Randomizable(id, factory), maxEpisodeSteps, rewardThreshold);

    private static Func<IReadOnlyDictionary<string, object>?, IEnv> Randomizable(string id, Func<IReadOnlyDictionary<string, object>?, MuJoCoEnv> factory) => options =>
    {
        (DomainRandomization? randomization, IReadOnlyDictionary<string, object>? rest) = DomainRandomization.Extract(id, options);
        MuJoCoEnv env = factory(rest);
        if (randomization is not null)
        {
            try
            {
                env.EnableDomainRandomization(randomization);
            }
            catch
            {
                env.Dispose();
                throw;
            }
        }

        return env;
    };

    private static void TryRegister(EnvRegistry registry, string id, Func<IReadOnlyDictionary<string, object>?, IEnv> factory, int? maxEpisodeSteps, double? rewardThreshold)
    {
        if (!registry.Contains(id))
        {
            registry.Register(id, factory, maxEpisodeSteps, rewardThreshold);
        }
    }

    // Reads a classic-control env's options with their Gymnasium defaults, refuses unknown ones, then builds the env.
    private static IEnv Classic(string id, IReadOnlyDictionary<string, object>? options, Func<EnvOptions, IEnv> make)
    {
        var reader = new EnvOptions(id, options);
        IEnv env = make(reader);
        reader.EnsureAllUsed();
        return env;
    }

    private static void TryRegister(EnvRegistry registry, string id, Func<IEnv> factory, int? maxEpisodeSteps, double? rewardThreshold)
    {
        if (!registry.Contains(id))
        {
            registry.Register(id, factory, maxEpisodeSteps, rewardThreshold);
        }
    }
}
