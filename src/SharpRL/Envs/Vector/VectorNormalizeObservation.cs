using System.Text.Json.Nodes;
using SharpRL.Envs.Wrappers;
using SharpRL.Spaces;

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
    private readonly float[] _finalObservations;
    private readonly int _observationSize;

    /// <summary>Wraps <paramref name="env"/>.</summary>
    /// <param name="env">The vector env to wrap; the wrapper takes ownership.</param>
    /// <param name="clip">Bound on |normalised component|; positive infinity for none.</param>
    /// <param name="epsilon">Added to the variance before the square root.</param>
    public VectorNormalizeObservation(IVectorEnv env, double clip = 10.0, double epsilon = 1e-8)
        : base(env)
    {
        RunningMeanStd.CheckClipAndEpsilon(clip, epsilon);
        Clip = clip;
        Epsilon = epsilon;
        _observationSize = env.SingleObservationSpace.FlatSize;
        _finalObservations = new float[env.NumEnvs * _observationSize];
        ObservationStatistics = new RunningMeanStd(_observationSize);
        SingleObservationSpace = NormalizerCommon.NormalizedSpace(env.SingleObservationSpace, clip);
    }

    /// <summary>Running mean and variance of the raw observations, shared by all copies.</summary>
    public RunningMeanStd ObservationStatistics { get; }

    /// <summary>Bound on |normalised component|.</summary>
    public double Clip { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; }

    /// <summary>Box(−clip, clip) of the wrapped observation shape.</summary>
    public override Space SingleObservationSpace { get; }

    /// <summary>Normalised final observations (rows valid where the copy finished in the latest Step).</summary>
    public override ReadOnlySpan<float> FinalObservations => _finalObservations;

    /// <inheritdoc />
    public override void Reset(Span<float> observations, int? seed = null)
    {
        Env.Reset(observations, seed);
        ObservationStatistics.Update(observations);
        ObservationStatistics.Normalize(observations, observations, Clip, Epsilon);
    }

    /// <inheritdoc />
    public override void Step(ReadOnlySpan<float> actions, Span<float> observations, Span<double> rewards, Span<bool> terminated, Span<bool> truncated)
    {
        Env.Step(actions, observations, rewards, terminated, truncated);
        ObservationStatistics.Update(observations);
        ObservationStatistics.Normalize(observations, observations, Clip, Epsilon);
        ReadOnlySpan<float> rawFinal = Env.FinalObservations;
        for (int i = 0; i < terminated.Length; i++)
        {
            if (terminated[i] || truncated[i])
            {
                int offset = i * _observationSize;
                ObservationStatistics.Normalize(rawFinal.Slice(offset, _observationSize), _finalObservations.AsSpan(offset, _observationSize), Clip, Epsilon);
            }
        }
    }

    /// <summary>Saves the shared statistics (and the clip and ε, checked on load); the Frozen flag is the receiving env's choice, not state.</summary>
    /// <param name="state">The snapshot being written.</param>
    protected override void SaveWrapperState(JsonObject state)
    {
        NormalizerCommon.SaveSettings(state, gamma: null, Clip, Epsilon, ObservationStatistics);
    }

    /// <inheritdoc />
    protected override void LoadWrapperState(JsonObject state)
    {
        ObservationStatistics.SetState(NormalizerCommon.ReadSettings(state, gamma: null, Clip, Epsilon, ObservationStatistics));
    }

    /// <summary>Normalises raw observations (any number of rows) with the current statistics, without updating them (evaluation).</summary>
    public void Normalize(ReadOnlySpan<float> rawObservations, Span<float> normalized)
        => ObservationStatistics.Normalize(rawObservations, normalized, Clip, Epsilon);

    /// <summary>Maps normalised observations back to raw ones (exact where no clipping happened).</summary>
    public void Unnormalize(ReadOnlySpan<float> normalized, Span<float> rawObservations)
        => ObservationStatistics.Unnormalize(normalized, rawObservations, Epsilon);
}
