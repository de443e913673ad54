using SharpRL.Policies;
using SharpRL.Spaces;

namespace SharpRL.Algorithms.OffPolicy;

/// <summary>A copy of a deterministic actor acting in one env: a = rescale(μ(s)); sampling has nothing to add.</summary>
internal sealed class DeterministicActingPolicy : IActingPolicy
{
    private readonly DeterministicActor<float> _actor;
    private readonly ActionScaling _scaling;
    private readonly float[] _scaled;

    public DeterministicActingPolicy(DeterministicActor<float> actor, Space observationSpace, Box actionSpace)
    {
        _actor = actor;
        _scaling = new ActionScaling(actionSpace.Low, actionSpace.High);
        _scaled = new float[actor.ActionSize];
        ObservationSpace = observationSpace;
        ActionSpace = actionSpace;
    }

    public Space ObservationSpace { get; }

    public Space ActionSpace { get; }

    public void Act(ReadOnlySpan<float> observation, Span<float> action, bool deterministic, Random random)
    {
        _actor.Forward(observation, _scaled, 1);
        _scaling.Unscale(_scaled, action);
    }
}

/// <summary>A copy of SAC's actor acting in one env: tanh(μ(s)) when deterministic, else a squashed Gaussian sample.</summary>
internal sealed class SquashedGaussianActingPolicy : IActingPolicy
{
    private readonly SquashedGaussianActor<float> _actor;
    private readonly ActionScaling _scaling;
    private readonly float[] _scaled;
    private readonly float[] _epsilon;
    private readonly float[] _logProb = new float[1];

    public SquashedGaussianActingPolicy(SquashedGaussianActor<float> actor, Space observationSpace, Box actionSpace)
    {
        _actor = actor;
        _scaling = new ActionScaling(actionSpace.Low, actionSpace.High);
        _scaled = new float[actor.ActionSize];
        _epsilon = new float[actor.ActionSize];
        ObservationSpace = observationSpace;
        ActionSpace = actionSpace;
    }

    public Space ObservationSpace { get; }

    public Space ActionSpace { get; }

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
