using SharpRL.Nn;

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
    /// <summary>The preset for <paramref name="envId"/> (the paper's defaults for an env without one).</summary>
    public static AwrPreset For(string envId)
    {
        ArgumentNullException.ThrowIfNull(envId);
        return envId switch
        {
            "CartPole-v1" => new(
                new AwrOptions
                {
                    StepsPerIteration = 1024,
                    NormalizeAdvantages = true,
                    ValueSteps = 100,
                    PolicySteps = 200,
                    PolicyLearningRate = 3e-4,
                    ValueLearningRate = 1e-3,
                    Policy = new() { PolicyHiddenSizes = [64, 64], ValueHiddenSizes = [64, 64], Activation = Activation.Tanh },
                },
                60_000,
                "Peng et al. 2019 (buffer, γ, λ, β, w_max, batch) with Adam and 100/200 value/policy steps per 1024 samples, tuned here"),
            "Pendulum-v1" => new(
                new AwrOptions
                {
                    StepsPerIteration = 1000,
                    Gamma = 0.95,
                    NormalizeAdvantages = true,
                    ValueSteps = 100,
                    PolicySteps = 200,
                    PolicyLearningRate = 3e-4,
                    ValueLearningRate = 1e-3,
                    RewardScale = 0.1,
                    LearnStd = true,
                    Policy = new() { PolicyHiddenSizes = [128, 64], ValueHiddenSizes = [128, 64], Activation = Activation.Relu, LogStdInit = -0.5f },
                },
                200_000,
                "Peng et al. 2019 networks, buffer, λ, β, w_max and batch; γ 0.95, rewards × 0.1, learned σ, Adam, tuned here"),
            _ => new(new AwrOptions(), 1_000_000, "Peng et al. 2019 defaults"),
        };
    }
}
