using SharpRL.Algorithms.Common;
using SharpRL.Algorithms.Ppo;

namespace SharpRL.Algorithms;

/// <summary>A tuned starting point: options plus the step budget they were tuned for.</summary>
/// <param name="Options">Hyperparameters.</param>
/// <param name="TotalTimesteps">Budget (rl-zoo's n_timesteps).</param>
/// <param name="Source">Where the numbers come from.</param>
public sealed record Preset(OnPolicyOptions Options, long TotalTimesteps, string Source);

/// <summary>
/// Hyperparameter presets per algorithm and built-in env: rl-baselines3-zoo's values where they
/// exist, so results and intuition carry over from SB3. Unknown pairs fall back to the algorithm's defaults.
/// </summary>
public static class Presets
{
    /// <summary>Algorithm names the presets know.</summary>
    public static IReadOnlyList<string> Algorithms => AlgorithmRegistry.Names;

    /// <summary>The preset for <paramref name="algorithm"/> on <paramref name="envId"/>.</summary>
    public static Preset For(string algorithm, string envId)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(envId);
        return algorithm.ToLowerInvariant() switch
        {
            "ppo" => Ppo(envId),
            _ => throw new ArgumentException($"Unknown algorithm '{algorithm}'; expected one of: {string.Join(", ", Algorithms)}.", nameof(algorithm)),
        };
    }

    private static Preset Ppo(string envId) => envId switch
    {
        "CartPole-v1" => new(
            new PpoOptions
            {
                NumEnvs = 8,
                NumSteps = 32,
                BatchSize = 256,
                GaeLambda = 0.8,
                Gamma = 0.98,
                NumEpochs = 20,
                EntCoef = 0.0,
                LearningRate = Schedule.LinearDecay(1e-3),
                ClipRange = Schedule.LinearDecay(0.2),
            },
            100_000,
            "rl-zoo ppo.yml CartPole-v1"),
        "Pendulum-v1" => new(
            // rl-zoo's tuned preset uses gSDE; plain Gaussian PPO keeps its other values and
            // normalises observations and rewards.
            new PpoOptions
            {
                NumEnvs = 4,
                NumSteps = 1024,
                BatchSize = 64,
                GaeLambda = 0.95,
                Gamma = 0.9,
                NumEpochs = 10,
                LearningRate = Schedule.Constant(1e-3),
                ClipRange = Schedule.Constant(0.2),
                NormalizeObservations = true,
                NormalizeRewards = true,
            },
            200_000,
            "rl-zoo ppo.yml Pendulum-v1 without gSDE, with VecNormalize"),
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
        _ => new(new PpoOptions(), 1_000_000, "SB3 PPO defaults"),
    };
}
