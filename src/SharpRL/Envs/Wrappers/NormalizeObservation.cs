namespace SharpRL.Envs.Wrappers;

/// <summary>
/// Normalises each observation component by running statistics:
/// <c>clamp((x − μ) / sqrt(σ² + ε), −clip, clip)</c>, updating μ and σ² with every observation
/// (the reset one included) before normalising it, as Gymnasium's <c>NormalizeObservation</c> does;
/// the clip (default ±10) follows Stable-Baselines3's VecNormalize, and so do the float64 statistics (Gymnasium's
/// wrapper keeps them in the observation's dtype and does not clip, so where no clip applies its values agree with
/// these to rounding, not bit for bit).
/// Set <c>Statistics.Frozen</c> to evaluate with fixed statistics; save and restore them with
/// <see cref="RunningMeanStd.GetState"/> / <see cref="RunningMeanStd.SetState"/>.
/// For PPO with several copies prefer <see cref="Vector.VectorNormalizeObservation"/>, which shares one statistic.
/// </summary>
public sealed class NormalizeObservation : Wrapper
{
    private readonly ObservationNormalizer _normalizer;

    /// <summary>Wraps <paramref name="env"/>.</summary>
    /// <param name="env">The env to wrap; the wrapper takes ownership.</param>
    /// <param name="clip">Bound on |normalised component|; positive infinity for none.</param>
    /// <param name="epsilon">Added to the variance before the square root.</param>
    public NormalizeObservation(IEnv env, double clip = 10.0, double epsilon = 1e-8)
        : base(env)
    {
        _normalizer = new ObservationNormalizer(env.ObservationSpace, clip, epsilon);
    }

    /// <summary>Running mean and variance of the raw observations.</summary>
    public RunningMeanStd Statistics => _normalizer.Statistics;

    /// <summary>Bound on |normalised component|.</summary>
    public double Clip => _normalizer.Clip;

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon => _normalizer.Epsilon;

    /// <summary>Box(−clip, clip) of the wrapped env's shape.</summary>
    public override Space ObservationSpace => _normalizer.Space;

    /// <inheritdoc />
    public override void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
    {
        Env.Reset(observation, seed, options);
        _normalizer.UpdateAndNormalize(observation);
    }

    /// <inheritdoc />
    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        StepResult result = Env.Step(action, observation);
        _normalizer.UpdateAndNormalize(observation);
        return result;
    }

    /// <summary>Saves the statistics (and the clip and ε, checked on load); the Frozen flag is the receiving env's choice, not state.</summary>
    /// <param name="state">The snapshot being written.</param>
    protected override void SaveWrapperState(JsonObject state) => _normalizer.Save(state);

    /// <inheritdoc />
    protected override void LoadWrapperState(JsonObject state) => _normalizer.Load(state);

    /// <summary>Normalises raw observations (any number of rows) with the current statistics, without updating them.</summary>
    public void Normalize(ReadOnlySpan<float> rawObservations, Span<float> normalized) => _normalizer.Normalize(rawObservations, normalized);

    /// <summary>Maps normalised observations back to raw ones (exact where no clipping happened).</summary>
    public void Unnormalize(ReadOnlySpan<float> normalized, Span<float> rawObservations) => _normalizer.Unnormalize(normalized, rawObservations);
}
