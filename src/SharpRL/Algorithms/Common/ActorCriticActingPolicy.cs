namespace SharpRL.Algorithms.Common;

/// <summary>
/// An <see cref="ActorCriticPolicy"/> acting in one raw env: observations pass through the frozen
/// normaliser of training first (when it had one), then π's mode or a sample becomes the env action.
/// Buffers are allocated once; acting allocates nothing.
/// </summary>
public sealed class ActorCriticActingPolicy : IMaskedActingPolicy
{
    private readonly ObservationTransform? _normalize;
    private readonly float[] _policyInput;
    private readonly float[] _policyAction;

    /// <summary>Wraps <paramref name="policy"/>.</summary>
    /// <param name="policy">The networks.</param>
    /// <param name="observationSpace">The raw env's observation space (the policy's own when there is no normaliser).</param>
    /// <param name="normalizeObservation">The frozen training normaliser, or null.</param>
    public ActorCriticActingPolicy(ActorCriticPolicy policy, Space observationSpace, ObservationTransform? normalizeObservation)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(observationSpace);
        if (observationSpace.FlatSize != policy.ObservationSpace.FlatSize)
        {
            throw new ArgumentException($"The policy takes observations of {policy.ObservationSpace.FlatSize} values ({policy.ObservationSpace}), not {observationSpace}.", nameof(observationSpace));
        }

        Policy = policy;
        ObservationSpace = observationSpace;
        _normalize = normalizeObservation;
        _policyInput = new float[policy.ObservationSpace.FlatSize];
        _policyAction = new float[policy.ActionSize];
    }

    /// <summary>The networks.</summary>
    public ActorCriticPolicy Policy { get; }

    /// <summary>Whether observations are normalised with training's frozen statistics before the networks see them.</summary>
    public bool NormalizesObservations => _normalize is not null;

    /// <summary>The frozen normaliser of training, or null (exporters check their copy of it against this).</summary>
    public ObservationTransform? NormalizeObservation => _normalize;

    /// <inheritdoc />
    public Space ObservationSpace { get; }

    /// <inheritdoc />
    public Space ActionSpace => Policy.ActionSpace;

    /// <inheritdoc />
    public void Act(ReadOnlySpan<float> observation, Span<float> action, bool deterministic, Random random)
        => Act(observation, [], action, deterministic, random);

    /// <inheritdoc />
    public void Act(ReadOnlySpan<float> observation, ReadOnlySpan<bool> actionMask, Span<float> action, bool deterministic, Random random)
    {
        if (_normalize is null)
        {
            observation.CopyTo(_policyInput);
        }
        else
        {
            _normalize(observation, _policyInput);
        }

        Policy.Predict(_policyInput, actionMask, 1, _policyAction, deterministic, random);
        Policy.ToEnvActions(_policyAction, action, 1);
    }
}
