namespace SharpRL.Algorithms.AdvantageWeighted;

/// <summary>
/// Settings of <see cref="Awr"/>. Defaults follow Peng et al. 2019 (Table 2: buffer 50k samples,
/// 2048 samples per iteration, γ 0.99, λ 0.95, β 1, w_max 20, minibatch 256, 200 value and 1000
/// policy steps per iteration, 128-64 ReLU networks) except the optimiser: Adam here, with step
/// sizes scaled down accordingly, where the paper uses SGD with momentum.
/// </summary>
public sealed record AwrOptions
{
    /// <summary>Env steps collected with the current policy per iteration.</summary>
    public int StepsPerIteration { get; init; } = 2048;

    /// <summary>Samples kept (the most recent ones): the data both regressions use.</summary>
    public int BufferSize { get; init; } = 50_000;

    /// <summary>Discount γ.</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>λ of the TD(λ) return the value function regresses on.</summary>
    public double Lambda { get; init; } = 0.95;

    /// <summary>Temperature β of the weights exp(Â/β).</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>w_max: weights are clipped at this value.</summary>
    public double MaxWeight { get; init; } = 20.0;

    /// <summary>Standardise Â over the buffer before weighting (makes β scale-free).</summary>
    public bool NormalizeAdvantages { get; init; }

    /// <summary>Minibatch size of both regressions.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Value minibatch steps per iteration.</summary>
    public int ValueSteps { get; init; } = 200;

    /// <summary>Policy minibatch steps per iteration.</summary>
    public int PolicySteps { get; init; } = 1000;

    /// <summary>Adam step size of the value function.</summary>
    public double ValueLearningRate { get; init; } = 1e-3;

    /// <summary>Adam step size of the policy.</summary>
    public double PolicyLearningRate { get; init; } = 1e-4;

    /// <summary>Global gradient-norm clip of each step, or 0 for none.</summary>
    public double MaxGradNorm { get; init; }

    /// <summary>Rewards are multiplied by this before the returns are formed (keeps V's targets near unit scale).</summary>
    public double RewardScale { get; init; } = 1.0;

    /// <summary>
    /// Observation normalisation: the running mean and variance of the observations are updated
    /// during the first this-many env steps and frozen after (the paper's <c>normalizer_samples</c>:
    /// 300,000 on its MuJoCo tasks); the networks see (s − mean)/√(var + 1e-8) clipped to ±10. 0 turns
    /// it off. The buffer keeps raw observations, so every sample is normalised with the same statistics.
    /// </summary>
    public long NormalizerSamples { get; init; }

    /// <summary>Learn the Gaussian's log σ; when false it stays at <see cref="PolicyOptions.LogStdInit"/> (the paper fixes σ).</summary>
    public bool LearnStd { get; init; }

    /// <summary>Networks (the paper: 128-64 ReLU for both).</summary>
    public PolicyOptions Policy { get; init; } = new() { PolicyHiddenSizes = [128, 64], ValueHiddenSizes = [128, 64], Activation = Activation.Relu };

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    public void Validate()
    {
        Require(StepsPerIteration > 0, nameof(StepsPerIteration), StepsPerIteration, "steps_per_iteration must be positive.");
        Require(BufferSize >= StepsPerIteration, nameof(BufferSize), BufferSize, "buffer_size must hold at least one iteration's steps.");
        Require(Gamma is >= 0 and <= 1, nameof(Gamma), Gamma, "gamma must be in [0, 1].");
        Require(Lambda is >= 0 and <= 1, nameof(Lambda), Lambda, "lambda must be in [0, 1].");
        Require(Temperature > 0, nameof(Temperature), Temperature, "temperature must be positive.");
        Require(MaxWeight > 0, nameof(MaxWeight), MaxWeight, "max_weight must be positive.");
        Require(BatchSize > 0, nameof(BatchSize), BatchSize, "batch_size must be positive.");
        Require(ValueSteps >= 0, nameof(ValueSteps), ValueSteps, "value_steps must be ≥ 0.");
        Require(PolicySteps > 0, nameof(PolicySteps), PolicySteps, "policy_steps must be positive.");
        Require(ValueLearningRate > 0, nameof(ValueLearningRate), ValueLearningRate, "value_learning_rate must be positive.");
        Require(PolicyLearningRate > 0, nameof(PolicyLearningRate), PolicyLearningRate, "policy_learning_rate must be positive.");
        Require(MaxGradNorm >= 0, nameof(MaxGradNorm), MaxGradNorm, "max_grad_norm must be ≥ 0 (0 = none).");
        Require(NormalizerSamples >= 0, nameof(NormalizerSamples), NormalizerSamples, "normalizer_samples must be ≥ 0 (0 = no observation normalisation).");
        Require(RewardScale > 0, nameof(RewardScale), RewardScale, "reward_scale must be positive.");
    }

    private static void Require(bool condition, string name, object value, string message)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(name, value, message);
        }
    }
}
