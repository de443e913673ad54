using SharpRL.Policies;
using SharpRL.Spaces;

namespace SharpRL.Algorithms.OffPolicy;

/// <summary>A copy of a deterministic actor acting in one env: a = rescale(μ(s)); sampling has nothing to add.</summary>
/// <remarks>Public so that an exporter can read the actor's network and the action bounds it rescales to.</remarks>
public sealed class DeterministicActingPolicy : IActingPolicy
{
    private readonly DeterministicActor<float> _actor;
    private readonly ActionScaling _scaling;
    private readonly float[] _scaled;

    /// <summary>Acts with <paramref name="actor"/> (not copied) in an env with these spaces.</summary>
    /// <param name="actor">The actor μ, whose tanh output lies in [−1, 1].</param>
    /// <param name="observationSpace">The env's observation space.</param>
    /// <param name="actionSpace">The env's bounded Box action space, which μ's output is rescaled to.</param>
    public DeterministicActingPolicy(DeterministicActor<float> actor, Space observationSpace, Box actionSpace)
    {
        _actor = actor;
        _scaling = new ActionScaling(actionSpace.Low, actionSpace.High);
        _scaled = new float[actor.ActionSize];
        ObservationSpace = observationSpace;
        ActionSpace = actionSpace;
    }

    /// <summary>The actor μ it acts with (its weights are the trained policy).</summary>
    public DeterministicActor<float> Actor => _actor;

    /// <inheritdoc />
    public Space ObservationSpace { get; }

    /// <inheritdoc />
    public Space ActionSpace { get; }

    /// <inheritdoc />
    public void Act(ReadOnlySpan<float> observation, Span<float> action, bool deterministic, Random random)
    {
        _actor.Forward(observation, _scaled, 1);
        _scaling.Unscale(_scaled, action);
    }
}

/// <summary>A copy of SAC's actor acting in one env: tanh(μ(s)) when deterministic, else a squashed Gaussian sample.</summary>
/// <remarks>Public so that an exporter can read the actor's network and the action bounds it rescales to.</remarks>
public sealed class SquashedGaussianActingPolicy : IActingPolicy
{
    private readonly SquashedGaussianActor<float> _actor;
    private readonly ActionScaling _scaling;
    private readonly float[] _scaled;
    private readonly float[] _epsilon;
    private readonly float[] _logProb = new float[1];

    /// <summary>Acts with <paramref name="actor"/> (not copied) in an env with these spaces.</summary>
    /// <param name="actor">SAC's actor, from s to [μ, raw log σ].</param>
    /// <param name="observationSpace">The env's observation space.</param>
    /// <param name="actionSpace">The env's bounded Box action space, which tanh(u) is rescaled to.</param>
    public SquashedGaussianActingPolicy(SquashedGaussianActor<float> actor, Space observationSpace, Box actionSpace)
    {
        _actor = actor;
        _scaling = new ActionScaling(actionSpace.Low, actionSpace.High);
        _scaled = new float[actor.ActionSize];
        _epsilon = new float[actor.ActionSize];
        ObservationSpace = observationSpace;
        ActionSpace = actionSpace;
    }

    /// <summary>The actor it acts with (its weights are the trained policy).</summary>
    public SquashedGaussianActor<float> Actor => _actor;

    /// <inheritdoc />
    public Space ObservationSpace { get; }

    /// <inheritdoc />
    public Space ActionSpace { get; }

    /// <inheritdoc />
    public void Act(ReadOnlySpan<float> observation, Span<float> action, bool deterministic, Random random)
    {
        if (deterministic)
        {
            _actor.Mode(observation, _scaled, 1);
        }
        else
        {
            StandardNormal.Fill<float>(_epsilon, random);
            _actor.Forward(observation, _epsilon, _scaled, _logProb, 1);
        }

        _scaling.Unscale(_scaled, action);
    }
}
