using System.Text.Json.Nodes;
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
    private readonly double[] _returns;

    /// <summary>Wraps <paramref name="env"/>.</summary>
    /// <param name="env">The vector env to wrap; the wrapper takes ownership.</param>
    /// <param name="gamma">Discount of the return whose spread sets the scale (use the algorithm's γ).</param>
    /// <param name="clip">Bound on |scaled reward|; positive infinity for none.</param>
    /// <param name="epsilon">Added to the variance before the square root.</param>
    public VectorNormalizeReward(IVectorEnv env, double gamma = 0.99, double clip = 10.0, double epsilon = 1e-8)
        : base(env)
    {
        NormalizerCommon.CheckGamma(gamma);
        RunningMeanStd.CheckClipAndEpsilon(clip, epsilon);
        Gamma = gamma;
        Clip = clip;
        Epsilon = epsilon;
        _returns = new double[env.NumEnvs];
    }

    /// <summary>Running mean and variance of the discounted returns of all copies.</summary>
    public RunningMeanStd RewardStatistics { get; } = new(1);

    /// <summary>Discount of the tracked returns.</summary>
    public double Gamma { get; }

    /// <summary>Bound on |scaled reward|.</summary>
    public double Clip { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; }

    /// <summary>Discounted return G_i of each copy's running episode.</summary>
    public ReadOnlySpan<double> DiscountedReturns => _returns;

    /// <inheritdoc />
    public override void Reset(Span<float> observations, int? seed = null)
    {
        Env.Reset(observations, seed);
        Array.Clear(_returns);
    }

    /// <inheritdoc />
    public override void Step(ReadOnlySpan<float> actions, Span<float> observations, Span<double> rewards, Span<bool> terminated, Span<bool> truncated)
    {
        Env.Step(actions, observations, rewards, terminated, truncated);

        // G_i ← γ·G_i + r_i, then r_i / sqrt(Var[G] + ε)
        for (int i = 0; i < _returns.Length; i++)
        {
            _returns[i] = (Gamma * _returns[i]) + rewards[i];
        }

        RewardStatistics.Update(_returns);
        for (int i = 0; i < _returns.Length; i++)
        {
            rewards[i] = Normalize(rewards[i]);
            if (terminated[i] || truncated[i])
            {
                _returns[i] = 0;
            }
        }
    }

    /// <summary>Saves the shared statistics and each copy's G_i (and γ, clip and ε, checked on load); the Frozen flag is the receiving env's choice, not state.</summary>
    /// <param name="state">The snapshot being written.</param>
    protected override void SaveWrapperState(JsonObject state)
    {
        NormalizerCommon.SaveSettings(state, Gamma, Clip, Epsilon, RewardStatistics);
        state["discounted_returns"] = EnvState.Numbers(_returns);
    }

    /// <inheritdoc />
    protected override void LoadWrapperState(JsonObject state)
    {
        RunningMeanStdState statistics = NormalizerCommon.ReadSettings(state, Gamma, Clip, Epsilon, RewardStatistics);
        double[] returns = EnvState.ReadDoubles(state, "discounted_returns", _returns.Length);
        RewardStatistics.SetState(statistics);
        returns.CopyTo(_returns, 0);
    }

    /// <summary>Scales a raw reward with the current statistics, without updating them.</summary>
    public double Normalize(double reward) => NormalizerCommon.ScaleReward(reward, RewardStatistics, Clip, Epsilon);
}
