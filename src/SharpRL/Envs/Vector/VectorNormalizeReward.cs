using SharpRL.Envs.Wrappers;

namespace SharpRL.Envs.Vector;

/// <summary>
/// Scales rewards by the running standard deviation of the discounted return, with ONE statistic
/// shared across copies (Stable-Baselines3's VecNormalize): per copy <c>G_i ← γ·G_i + r_i</c>; the N
/// returns update Var[G] as one batch; <c>r_i ← clamp(r_i / sqrt(Var[G] + ε), −clip, clip)</c>; G_i
/// restarts at 0 after copy i terminates or is truncated, and on Reset. The mean is not subtracted.
/// <see cref="IVectorEnv.CompletedEpisodes"/> keep the raw returns.
/// Freeze, save and restore <see cref="RewardStatistics"/> for evaluation and checkpoints.
/// </summary>
public sealed class VectorNormalizeReward : VectorWrapper
{
    private readonly ReturnNormalizer _normalizer;

    /// <summary>Wraps <paramref name="env"/>.</summary>
    /// <param name="env">The vector env to wrap; the wrapper takes ownership.</param>
    /// <param name="gamma">Discount of the return whose spread sets the scale (use the algorithm's γ).</param>
    /// <param name="clip">Bound on |scaled reward|; positive infinity for none.</param>
    /// <param name="epsilon">Added to the variance before the square root.</param>
    public VectorNormalizeReward(IVectorEnv env, double gamma = 0.99, double clip = 10.0, double epsilon = 1e-8)
        : base(env)
    {
        _normalizer = new ReturnNormalizer(env.NumEnvs, gamma, clip, epsilon);
    }

    /// <summary>Running mean and variance of the discounted returns of all copies.</summary>
    public RunningMeanStd RewardStatistics => _normalizer.Statistics;

    /// <summary>Discount of the tracked returns.</summary>
    public double Gamma => _normalizer.Gamma;

    /// <summary>Bound on |scaled reward|.</summary>
    public double Clip => _normalizer.Clip;

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon => _normalizer.Epsilon;

    /// <summary>Discounted return G_i of each copy's running episode.</summary>
    public ReadOnlySpan<double> DiscountedReturns => _normalizer.Returns;

    /// <inheritdoc />
    public override void Reset(Span<float> observations, int? seed = null)
    {
        Env.Reset(observations, seed);
        _normalizer.Returns.Clear();
    }

    /// <inheritdoc />
    public override void Step(ReadOnlySpan<float> actions, Span<float> observations, Span<double> rewards, Span<bool> terminated, Span<bool> truncated)
    {
        Env.Step(actions, observations, rewards, terminated, truncated);
        _normalizer.Accumulate(rewards);
        Span<double> returns = _normalizer.Returns;
        for (int i = 0; i < returns.Length; i++)
        {
            rewards[i] = _normalizer.Scale(rewards[i]);
            if (terminated[i] || truncated[i])
            {
                returns[i] = 0;
            }
        }
    }

    /// <summary>Saves the shared statistics and each copy's G_i (and γ, clip and ε, checked on load); the Frozen flag is the receiving env's choice, not state.</summary>
    /// <param name="state">The snapshot being written.</param>
    protected override void SaveWrapperState(JsonObject state)
    {
        _normalizer.SaveSettings(state);
        state["discounted_returns"] = EnvState.Numbers(_normalizer.Returns);
    }

    /// <inheritdoc />
    protected override void LoadWrapperState(JsonObject state)
    {
        RunningMeanStdState statistics = _normalizer.ReadSettings(state);
        double[] returns = EnvState.ReadDoubles(state, "discounted_returns", _normalizer.Returns.Length);
        RewardStatistics.SetState(statistics);
        returns.CopyTo(_normalizer.Returns);
    }

    /// <summary>Scales a raw reward with the current statistics, without updating them.</summary>
    public double Normalize(double reward) => _normalizer.Scale(reward);
}
