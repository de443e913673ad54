namespace SharpRL.Envs.Wrappers;

/// <summary>
/// Scales rewards by the running standard deviation of the discounted return:
/// <c>G ← γ·G + r</c>, update Var[G], then <c>r / sqrt(Var[G] + ε)</c> clipped to ±clip; G restarts
/// at 0 after a terminated or truncated step and on Reset. The mean is not subtracted (it would
/// change the optimal policy's incentives to live or die; openai/baselines#538).
/// This is Stable-Baselines3's VecNormalize rule. Gymnasium 1.x instead computes
/// <c>G ← γ·G·(1 − terminated) + r</c> (so the terminal step's G is its reward alone and truncation
/// never restarts G) and does not clip.
/// Set <c>Statistics.Frozen</c> to evaluate with a fixed scale.
/// </summary>
public sealed class NormalizeReward : Wrapper
{
    private readonly ReturnNormalizer _normalizer;

    /// <summary>Wraps <paramref name="env"/>.</summary>
    /// <param name="env">The env to wrap; the wrapper takes ownership.</param>
    /// <param name="gamma">Discount of the return whose spread sets the scale.</param>
    /// <param name="clip">Bound on |scaled reward|; positive infinity for none.</param>
    /// <param name="epsilon">Added to the variance before the square root.</param>
    public NormalizeReward(IEnv env, double gamma = 0.99, double clip = 10.0, double epsilon = 1e-8)
        : base(env)
    {
        _normalizer = new ReturnNormalizer(1, gamma, clip, epsilon);
    }

    /// <summary>Running mean and variance of the discounted return G.</summary>
    public RunningMeanStd Statistics => _normalizer.Statistics;

    /// <summary>Discount of the tracked return.</summary>
    public double Gamma => _normalizer.Gamma;

    /// <summary>Bound on |scaled reward|.</summary>
    public double Clip => _normalizer.Clip;

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon => _normalizer.Epsilon;

    /// <summary>The discounted return G of the running episode.</summary>
    public double DiscountedReturn => _normalizer.Returns[0];

    /// <inheritdoc />
    public override void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
    {
        Env.Reset(observation, seed, options);
        _normalizer.Returns.Clear();
    }

    /// <inheritdoc />
    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        StepResult result = Env.Step(action, observation);
        _normalizer.Accumulate([result.Reward]);
        double scaled = _normalizer.Scale(result.Reward);
        if (result.Done)
        {
            _normalizer.Returns[0] = 0;
        }

        return result with { Reward = scaled };
    }

    /// <summary>Saves the statistics and G (and γ, clip and ε, checked on load); the Frozen flag is the receiving env's choice, not state.</summary>
    /// <param name="state">The snapshot being written.</param>
    protected override void SaveWrapperState(JsonObject state)
    {
        _normalizer.SaveSettings(state);
        state["discounted_return"] = EnvState.Number(_normalizer.Returns[0]);
    }

    /// <inheritdoc />
    protected override void LoadWrapperState(JsonObject state)
    {
        RunningMeanStdState statistics = _normalizer.ReadSettings(state);
        double discountedReturn = EnvState.ReadDouble(state, "discounted_return");
        Statistics.SetState(statistics);
        _normalizer.Returns[0] = discountedReturn;
    }

    /// <summary>Scales a raw reward with the current statistics, without updating them.</summary>
    public double Normalize(double reward) => _normalizer.Scale(reward);
}
