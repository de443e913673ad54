namespace SharpRL.Algorithms.AdvantageWeighted;

/// <summary>An AWR starting point: options, the step budget they were measured at, and where they come from.</summary>
/// <param name="Options">Hyperparameters.</param>
/// <param name="TotalTimesteps">Budget.</param>
/// <param name="Source">Provenance of the numbers.</param>
public sealed record AwrPreset(AwrOptions Options, long TotalTimesteps, string Source);

/// <summary>
/// AWR presets per env: Peng et al. 2019's settings where they apply (buffer 50k, γ 0.99, λ 0.95,
/// β 1, w_max 20, minibatch 256), with fewer value/policy steps per iteration and Adam step sizes
/// (the paper: SGD with momentum) measured here on the classic-control tasks, which the paper
/// does not report (see docs/awr.md).
/// </summary>
public static class AwrPresets
{
    private const string PaperSource = "Peng et al. 2019, the settings of its MuJoCo experiments (2048 samples per iteration, buffer 50k, "
        + "200 value / 1000 policy steps of 256, γ 0.99, λ 0.95, β 1, w_max 20, fixed σ 0.4, 128-64 ReLU, observation statistics from the "
        + "first 300k samples), with Adam at the paper's policy step size and value step size 1e-3 in place of SGD with momentum";

    /// <summary>The envs with a preset of their own.</summary>
    public static IReadOnlyList<string> EnvIds { get; } = ["CartPole-v1", "Pendulum-v1", "Hopper-v4", "Hopper-v5", "HalfCheetah-v4", "HalfCheetah-v5"];

    // The classic-control presets' update schedule, tuned here: normalised advantages, Adam at 3e-4 (policy) and
    // 1e-3 (value), 100 value and 200 policy steps per iteration.
    private static readonly AwrOptions TunedSteps = new()
    {
        NormalizeAdvantages = true,
        ValueSteps = 100,
        PolicySteps = 200,
        PolicyLearningRate = 3e-4,
        ValueLearningRate = 1e-3,
    };

    // The paper's MuJoCo settings; only the policy step size differs between its tasks (Hopper 1e-4, HalfCheetah 5e-5).
    private static AwrOptions MuJoCo(double policyLearningRate) => new()
    {
        StepsPerIteration = 2048,
        BufferSize = 50_000,
        Gamma = 0.99,
        Lambda = 0.95,
        Temperature = 1.0,
        MaxWeight = 20,
        BatchSize = 256,
        ValueSteps = 200,
        PolicySteps = 1000,
        PolicyLearningRate = policyLearningRate,
        ValueLearningRate = 1e-3,
        NormalizerSamples = 300_000,
        LearnStd = false,
        Policy = new() { PolicyHiddenSizes = [128, 64], ValueHiddenSizes = [128, 64], Activation = Activation.Relu, LogStdInit = MathF.Log(0.4f) },
    };

    /// <summary>The preset for <paramref name="envId"/> (the paper's defaults for an env without one).</summary>
    public static AwrPreset For(string envId)
    {
        ArgumentNullException.ThrowIfNull(envId);
        return envId switch
        {
            "CartPole-v1" => new(
                TunedSteps with
                {
                    StepsPerIteration = 1024,
                    Policy = new() { PolicyHiddenSizes = [64, 64], ValueHiddenSizes = [64, 64], Activation = Activation.Tanh },
                },
                60_000,
                "Peng et al. 2019 (buffer, γ, λ, β, w_max, batch) with Adam and 100/200 value/policy steps per 1024 samples, tuned here"),
            "Pendulum-v1" => new(
                TunedSteps with
                {
                    StepsPerIteration = 1000,
                    Gamma = 0.95,
                    RewardScale = 0.1,
                    LearnStd = true,
                    Policy = new() { PolicyHiddenSizes = [128, 64], ValueHiddenSizes = [128, 64], Activation = Activation.Relu, LogStdInit = -0.5f },
                },
                200_000,
                "Peng et al. 2019 networks, buffer, λ, β, w_max and batch; γ 0.95, rewards × 0.1, learned σ, Adam, tuned here"),
            "Hopper-v4" or "Hopper-v5" => new(MuJoCo(policyLearningRate: 1e-4), 1_000_000, PaperSource),
            "HalfCheetah-v4" or "HalfCheetah-v5" => new(MuJoCo(policyLearningRate: 5e-5), 1_000_000, PaperSource),
            _ => new(new AwrOptions(), 1_000_000, "Peng et al. 2019 defaults"),
        };
    }
}
