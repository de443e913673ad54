namespace SharpRL.Envs.Wrappers;

/// <summary>
/// The reward scaling that <see cref="NormalizeReward"/> (one env, one return) and
/// <see cref="Vector.VectorNormalizeReward"/> (one return per copy, one statistic) both apply: per copy
/// <c>G_i ← γ·G_i + r_i</c>, the returns update Var[G] as one batch, and a reward is scaled as
/// <c>clamp(r / sqrt(Var[G] + ε), −clip, clip)</c>, Stable-Baselines3's VecNormalize rule: the mean is not
/// subtracted (it would change the optimal policy's incentives to live or die; openai/baselines#538).
/// </summary>
internal sealed class ReturnNormalizer
{
    private readonly double[] _returns;

    /// <summary>Checks the settings and starts empty statistics and zero returns for <paramref name="copies"/> copies.</summary>
    public ReturnNormalizer(int copies, double gamma, double clip, double epsilon)
    {
        if (!(gamma >= 0 && gamma <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must lie in [0, 1].");
        }

        RunningMeanStd.CheckClipAndEpsilon(clip, epsilon);
        Gamma = gamma;
        Clip = clip;
        Epsilon = epsilon;
        _returns = new double[copies];
    }

    public RunningMeanStd Statistics { get; } = new(1);

    public double Gamma { get; }

    public double Clip { get; }

    public double Epsilon { get; }

    /// <summary>The discounted return G_i of each copy's running episode.</summary>
    public Span<double> Returns => _returns;

    /// <summary>G_i ← γ·G_i + r_i for every copy, then one update of Var[G] with all the returns.</summary>
    public void Accumulate(ReadOnlySpan<double> rewards)
    {
        for (int i = 0; i < _returns.Length; i++)
        {
            _returns[i] = (Gamma * _returns[i]) + rewards[i];
        }

        Statistics.Update(_returns);
    }

    /// <summary>Scales a raw reward with the current statistics, without updating them.</summary>
    public double Scale(double reward)
        => Math.Clamp(reward / Math.Sqrt(Statistics.Variance[0] + Epsilon), -Clip, Clip);

    /// <summary>Writes γ, the clip, ε and the statistics into a snapshot (the returns are the caller's: their key differs).</summary>
    public void SaveSettings(JsonObject state) => NormalizerSnapshot.Save(state, Gamma, Clip, Epsilon, Statistics);

    /// <summary>
    /// Checks the snapshot's γ, clip and ε and reads its statistics without applying them, so the caller can
    /// read its other values before overwriting anything.
    /// </summary>
    public RunningMeanStdState ReadSettings(JsonObject state) => NormalizerSnapshot.Read(state, Gamma, Clip, Epsilon, Statistics);
}
