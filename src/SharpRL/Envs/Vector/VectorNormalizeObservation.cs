using SharpRL.Envs.Wrappers;

namespace SharpRL.Envs.Vector;

/// <summary>
/// Normalises the observations of every copy with ONE running statistic shared across copies
/// (Stable-Baselines3's VecNormalize): after each Reset/Step the N returned observations update
/// μ and σ² as one batch, then every row becomes <c>clamp((x − μ) / sqrt(σ² + ε), −clip, clip)</c>.
/// Final observations of finished episodes are normalised with the same statistics (not added to
/// them), so V(final observation) can be bootstrapped on the network's input scale;
/// <see cref="IVectorEnv.CompletedEpisodes"/> pass through untouched.
/// Freeze, save and restore <see cref="ObservationStatistics"/> for evaluation and checkpoints.
/// </summary>
public sealed class VectorNormalizeObservation : VectorWrapper
{
    private readonly ObservationNormalizer _normalizer;
    private readonly float[] _finalObservations;
    private readonly int _observationSize;

    /// <summary>Wraps <paramref name="env"/>.</summary>
    /// <param name="env">The vector env to wrap; the wrapper takes ownership.</param>
    /// <param name="clip">Bound on |normalised component|; positive infinity for none.</param>
    /// <param name="epsilon">Added to the variance before the square root.</param>
    public VectorNormalizeObservation(IVectorEnv env, double clip = 10.0, double epsilon = 1e-8)
        : base(env)
    {
        _normalizer = new ObservationNormalizer(env.SingleObservationSpace, clip, epsilon);
        _observationSize = env.SingleObservationSpace.FlatSize;
        _finalObservations = new float[env.NumEnvs * _observationSize];
    }

    /// <summary>Running mean and variance of the raw observations, shared by all copies.</summary>
    public RunningMeanStd ObservationStatistics => _normalizer.Statistics;

    /// <summary>Bound on |normalised component|.</summary>
    public double Clip => _normalizer.Clip;

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon => _normalizer.Epsilon;

    /// <summary>Box(−clip, clip) of the wrapped observation shape.</summary>
    public override Space SingleObservationSpace => _normalizer.Space;

    /// <summary>Normalised final observations (rows valid where the copy finished in the latest Step).</summary>
    public override ReadOnlySpan<float> FinalObservations => _finalObservations;

    /// <inheritdoc />
    public override void Reset(Span<float> observations, int? seed = null)
    {
        Env.Reset(observations, seed);
        _normalizer.UpdateAndNormalize(observations);
    }

    /// <inheritdoc />
    public override void Step(ReadOnlySpan<float> actions, Span<float> observations, Span<double> rewards, Span<bool> terminated, Span<bool> truncated)
    {
        Env.Step(actions, observations, rewards, terminated, truncated);
        _normalizer.UpdateAndNormalize(observations);
        ReadOnlySpan<float> rawFinal = Env.FinalObservations;
        for (int i = 0; i < terminated.Length; i++)
        {
            if (terminated[i] || truncated[i])
            {
                int offset = i * _observationSize;
                _normalizer.Normalize(rawFinal.Slice(offset, _observationSize), _finalObservations.AsSpan(offset, _observationSize));
            }
        }
    }

    /// <summary>Saves the shared statistics (and the clip and ε, checked on load); the Frozen flag is the receiving env's choice, not state.</summary>
    /// <param name="state">The snapshot being written.</param>
    protected override void SaveWrapperState(JsonObject state) => _normalizer.Save(state);

    /// <inheritdoc />
    protected override void LoadWrapperState(JsonObject state) => _normalizer.Load(state);

    /// <summary>Normalises raw observations (any number of rows) with the current statistics, without updating them (evaluation).</summary>
    public void Normalize(ReadOnlySpan<float> rawObservations, Span<float> normalized) => _normalizer.Normalize(rawObservations, normalized);

    /// <summary>Maps normalised observations back to raw ones (exact where no clipping happened).</summary>
    public void Unnormalize(ReadOnlySpan<float> normalized, Span<float> rawObservations) => _normalizer.Unnormalize(normalized, rawObservations);
}
