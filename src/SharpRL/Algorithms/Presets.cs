using SharpRL.Algorithms.PolicyGradient;
using SharpRL.Algorithms.ProximalPolicy;
using SharpRL.Algorithms.TrustRegion;

namespace SharpRL.Algorithms;

/// <summary>A tuned starting point: options plus the step budget they were tuned for.</summary>
/// <param name="Options">Hyperparameters.</param>
/// <param name="TotalTimesteps">Budget (rl-zoo's n_timesteps).</param>
/// <param name="Source">Where the numbers come from.</param>
public sealed record Preset(OnPolicyOptions Options, long TotalTimesteps, string Source);

/// <summary>A tuned starting point of any algorithm family: options plus the budget they were tuned for.</summary>
/// <typeparam name="TOptions">The algorithm's options record.</typeparam>
/// <param name="Options">Hyperparameters.</param>
/// <param name="TotalTimesteps">Budget (rl-zoo's n_timesteps), in the algorithm's progress unit.</param>
/// <param name="Source">Where the numbers come from.</param>
public sealed record Preset<TOptions>(TOptions Options, long TotalTimesteps, string Source);

/// <summary>
/// Hyperparameter presets per algorithm and built-in env: rl-baselines3-zoo's values where they
/// exist, so results and intuition carry over from SB3. Unknown pairs fall back to the algorithm's defaults.
/// </summary>
public static class Presets
{
    /// <summary>Algorithm names the presets know.</summary>
    public static IReadOnlyList<string> Algorithms => AlgorithmRegistry.Names;

    /// <summary>The preset of an on-policy <paramref name="algorithm"/> on <paramref name="envId"/> (other families: <see cref="AlgorithmDescriptor.GetPreset"/>).</summary>
    public static Preset For(string algorithm, string envId)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(envId);
        return algorithm.ToLowerInvariant() switch
        {
            "ppo" => Ppo(envId),
            "ppo-kl" => PpoKl(envId),
            "ppo-mc" => PpoMonteCarlo(envId),
            "reinforce" => Reinforce(envId),
            "a2c" => A2c(envId),
            "npg" => Npg(envId),
            "trpo" => Trpo(envId),
            _ => throw new ArgumentException($"Unknown algorithm '{algorithm}'; expected one of: {string.Join(", ", Algorithms)}.", nameof(algorithm)),
        };
    }

    private static Preset Ppo(string envId) => envId switch
    {
        "CartPole-v1" => new(
            ZooPpoCartPole(new PpoOptions { BatchSize = 256, NumEpochs = 20, EntCoef = 0.0, ClipRange = Schedule.LinearDecay(0.2) }),
            100_000,
            "rl-zoo ppo.yml CartPole-v1"),
        "Pendulum-v1" => new(
            // rl-zoo's tuned preset uses gSDE; plain Gaussian PPO keeps its other values,
            // normalises observations and rewards, and anneals the learning rate (a constant 1e-3
            // collapsed one of three seeds after 2e5 steps).
            new PpoOptions
            {
                NumEnvs = 4,
                NumSteps = 1024,
                BatchSize = 64,
                GaeLambda = 0.95,
                Gamma = 0.9,
                NumEpochs = 10,
                LearningRate = Schedule.LinearDecay(1e-3),
                ClipRange = Schedule.Constant(0.2),
                NormalizeObservations = true,
                NormalizeRewards = true,
            },
            200_000,
            "rl-zoo ppo.yml Pendulum-v1 without gSDE, with VecNormalize and lin_1e-3"),
        "MountainCar-v0" => new(
            new PpoOptions { NumEnvs = 16, NumSteps = 16, GaeLambda = 0.98, Gamma = 0.99, NumEpochs = 4, NormalizeObservations = true, NormalizeRewards = true },
            1_000_000,
            "rl-zoo ppo.yml MountainCar-v0"),
        "Acrobot-v1" => new(
            new PpoOptions { NumEnvs = 16, NumSteps = 256, GaeLambda = 0.94, Gamma = 0.99, NumEpochs = 4, NormalizeObservations = true, NormalizeRewards = true },
            1_000_000,
            "rl-zoo ppo.yml Acrobot-v1"),
        "MountainCarContinuous-v0" => new(
            new PpoOptions
            {
                NumEnvs = 1,
                NumSteps = 8,
                BatchSize = 8,
                Gamma = 0.9999,
                LearningRate = Schedule.Constant(7.77e-5),
                EntCoef = 0.00429,
                ClipRange = Schedule.Constant(0.1),
                NumEpochs = 10,
                GaeLambda = 0.9,
                MaxGradNorm = 5,
                VfCoef = 0.19,
                NormalizeObservations = true,
                NormalizeRewards = true,
                Policy = new() { LogStdInit = -3.29f, OrthogonalInit = false },
            },
            20_000,
            "rl-zoo ppo.yml MountainCarContinuous-v0 (batch capped at the rollout size, no gSDE)"),
        "Hopper-v4" => new(
            MuJoCoPpo(512, 32, 0.999, 9.80828e-5, 0.00229519, 0.2, 5, 0.99, 0.7, 0.835671),
            1_000_000,
            "rl-zoo ppo.yml Hopper-v4"),
        "HalfCheetah-v4" => new(
            MuJoCoPpo(512, 64, 0.98, 2.0633e-5, 0.000401762, 0.1, 20, 0.92, 0.8, 0.58096),
            1_000_000,
            "rl-zoo ppo.yml HalfCheetah-v4"),
        "Walker2d-v4" => new(
            // rl-zoo's Walker2d-v4 block tunes the rollout and optimisation only: it has no policy_kwargs, so the
            // policy is SB3's default (orthogonal init, tanh, [64, 64], log σ₀ = 0), not the other blocks' ReLU [256, 256].
            MuJoCoPpo(512, 32, 0.99, 5.05041e-5, 0.000585045, 0.1, 20, 0.95, 1, 0.871923) with { Policy = new() },
            1_000_000,
            "rl-zoo ppo.yml Walker2d-v4"),
        "Humanoid-v4" => new(
            MuJoCoPpo(512, 256, 0.95, 3.56987e-5, 0.00238306, 0.3, 5, 0.9, 2, 0.431892),
            10_000_000,
            "rl-zoo ppo.yml Humanoid-v4"),
        "Ant-v4" => new(
            new PpoOptions { NormalizeObservations = true, NormalizeRewards = true },
            1_000_000,
            "rl-zoo ppo.yml Ant-v4 (SB3 defaults with VecNormalize)"),
        _ => new(new PpoOptions(), 1_000_000, "SB3 PPO defaults"),
    };

    // rl-zoo's tuned MuJoCo v4 PPO blocks: VecNormalize, one env, and (all but Walker2d's) log_std_init −2,
    // no orthogonal init, ReLU, separate [256, 256] policy and value networks.
    private static PpoOptions MuJoCoPpo(int nSteps, int batchSize, double gamma, double learningRate, double entCoef, double clipRange, int epochs, double gaeLambda, double maxGradNorm, double vfCoef) => new()
    {
        NumEnvs = 1,
        NumSteps = nSteps,
        BatchSize = batchSize,
        Gamma = gamma,
        LearningRate = Schedule.Constant(learningRate),
        EntCoef = entCoef,
        ClipRange = Schedule.Constant(clipRange),
        NumEpochs = epochs,
        GaeLambda = gaeLambda,
        MaxGradNorm = maxGradNorm,
        VfCoef = vfCoef,
        NormalizeObservations = true,
        NormalizeRewards = true,
        Policy = new() { LogStdInit = -2f, OrthogonalInit = false, Activation = SharpRL.Nn.Activation.Relu, PolicyHiddenSizes = [256, 256], ValueHiddenSizes = [256, 256] },
    };

    // rl-zoo ppo.yml CartPole-v1's rollout and optimisation settings, shared by PPO and PPO-KL.
    private static T ZooPpoCartPole<T>(T options)
        where T : OnPolicyOptions => (T)(options with
        {
            NumEnvs = 8,
            NumSteps = 32,
            GaeLambda = 0.8,
            Gamma = 0.98,
            LearningRate = Schedule.LinearDecay(1e-3),
        });

    private static Preset PpoKl(string envId) => envId switch
    {
        "CartPole-v1" => new(
            // rl-zoo's PPO CartPole-v1 rollout and optimisation settings with the KL penalty in place of the clip.
            ZooPpoCartPole(new PpoKlOptions { BatchSize = 256, NumEpochs = 20, KlTarget = 0.01 }),
            100_000,
            "rl-zoo ppo.yml CartPole-v1 with the adaptive KL penalty (d_targ 0.01) instead of the clip"),
        _ => new(new PpoKlOptions(), 1_000_000, "SB3 PPO defaults, PPO paper's d_targ 0.01 and β₀ 1"),
    };

    private static Preset PpoMonteCarlo(string envId)
    {
        // "PPO based on REINFORCE with a baseline" (Poupart, "Trust Regions, Proximal Policies"): Â = G − V(s) (λ = 1), with rollouts long
        // enough that most returns are whole-episode Monte-Carlo sums rather than bootstrapped at the cut.
        return envId switch
        {
            "CartPole-v1" => new(
                new PpoOptions
                {
                    NumEnvs = 8,
                    NumSteps = 256,
                    BatchSize = 256,
                    GaeLambda = 1.0,
                    Gamma = 0.99,
                    NumEpochs = 10,
                    LearningRate = Schedule.LinearDecay(1e-3),
                    ClipRange = Schedule.Constant(0.2),
                },
                200_000,
                "Poupart's PPO-with-REINFORCE-baseline variant (λ = 1); SharpRL-tuned"),
            _ => WithLambdaOne(Ppo(envId)),
        };

        static Preset WithLambdaOne(Preset ppo)
            => ppo with { Options = (PpoOptions)ppo.Options with { GaeLambda = 1.0 }, Source = ppo.Source + " with λ = 1 (Poupart's Monte-Carlo variant)" };
    }

    private static Preset Reinforce(string envId) => envId switch
    {
        "CartPole-v1" => new(
            new ReinforceOptions
            {
                NumEnvs = 8,
                NumSteps = 500,
                Gamma = 0.99,
                LearningRate = Schedule.Constant(1e-3),
                NormalizeAdvantage = true,
                BaselineEpochs = 5,
                BaselineLearningRate = 1e-3,
                BatchSize = 256,
            },
            500_000,
            "SharpRL-tuned (no rl-zoo entry for REINFORCE)"),
        _ => new(new ReinforceOptions(), 1_000_000, "SharpRL REINFORCE defaults"),
    };

    private static Preset A2c(string envId) => envId switch
    {
        "CartPole-v1" => new(new A2cOptions { NumEnvs = 8, EntCoef = 0.0 }, 500_000, "rl-zoo a2c.yml CartPole-v1"),
        "Acrobot-v1" => new(
            new A2cOptions { NumEnvs = 16, EntCoef = 0.0, NormalizeObservations = true, NormalizeRewards = true },
            500_000,
            "rl-zoo a2c.yml Acrobot-v1"),
        "MountainCar-v0" => new(
            new A2cOptions { NumEnvs = 16, EntCoef = 0.0, NormalizeObservations = true, NormalizeRewards = true },
            1_000_000,
            "rl-zoo a2c.yml MountainCar-v0"),
        _ => new(new A2cOptions(), 1_000_000, "SB3 A2C defaults"),
    };

    private static Preset Npg(string envId) => envId switch
    {
        "CartPole-v1" => new(
            // rl-zoo's TRPO CartPole-v1 settings with half the KL bound: without a line search the full natural
            // step is always taken, and at δ = 0.01 its true KL overshoots to ≈ 0.02 and training is unstable.
            ZooTrpoCartPole<NpgOptions>() with { TargetKl = 0.005 },
            200_000,
            "rl-zoo trpo.yml CartPole-v1 settings with δ = 0.005 (no rl-zoo entry for NPG)"),
        _ => new(new NpgOptions(), 1_000_000, "SharpRL NPG defaults (sb3-contrib TRPO's without the line search)"),
    };

    private static Preset Trpo(string envId) => envId switch
    {
        "CartPole-v1" => new(ZooTrpoCartPole<TrpoOptions>(), 100_000, "rl-zoo trpo.yml CartPole-v1"),
        "Pendulum-v1" => new(
            new TrpoOptions { NumEnvs = 2, NumSteps = 1024, Gamma = 0.9, NumCriticUpdates = 15 },
            100_000,
            "rl-zoo trpo.yml Pendulum-v1 without gSDE"),
        "Acrobot-v1" => new(
            new TrpoOptions { NumEnvs = 2, NumSteps = 1024, NormalizeObservations = true, NormalizeRewards = true },
            100_000,
            "rl-zoo trpo.yml Acrobot-v1"),
        "MountainCar-v0" => new(
            new TrpoOptions { NumEnvs = 2, NumSteps = 1024, NumCriticUpdates = 20, NormalizeObservations = true, NormalizeRewards = true },
            100_000,
            "rl-zoo trpo.yml MountainCar-v0"),
        "Ant-v4" or "Hopper-v4" or "Walker2d-v4" => new(MuJoCoTrpo(), 1_000_000, $"rl-zoo trpo.yml {envId}"),
        "HalfCheetah-v4" => new(MuJoCoTrpo() with { TargetKl = 0.04 }, 1_000_000, "rl-zoo trpo.yml HalfCheetah-v4"),
        "Humanoid-v4" => new(MuJoCoTrpo(), 2_000_000, "rl-zoo trpo.yml Humanoid-v4"),
        _ => new(new TrpoOptions(), 1_000_000, "sb3-contrib TRPO defaults (10 CG iterations)"),
    };

    // rl-zoo's TRPO CartPole-v1 block, for TRPO and (with its own KL bound) NPG.
    private static T ZooTrpoCartPole<T>()
        where T : NpgOptions, new() => new()
    {
        NumEnvs = 2,
        NumSteps = 512,
        BatchSize = 512,
        CgDamping = 1e-3,
        GaeLambda = 0.98,
        Gamma = 0.99,
        LearningRate = Schedule.Constant(1e-3),
        NumCriticUpdates = 20,
    };

    // rl-zoo's MuJoCo v4 TRPO defaults (its pybullet block): VecNormalize, 2 envs × 1024 steps, batch 128,
    // 25 CG steps, damping 0.1, 20 critic updates at lr 1e-3.
    private static TrpoOptions MuJoCoTrpo() => new()
    {
        NumEnvs = 2,
        NumSteps = 1024,
        BatchSize = 128,
        Gamma = 0.99,
        GaeLambda = 0.95,
        CgMaxSteps = 25,
        CgDamping = 0.1,
        NumCriticUpdates = 20,
        LearningRate = Schedule.Constant(1e-3),
        NormalizeObservations = true,
        NormalizeRewards = true,
    };
}
