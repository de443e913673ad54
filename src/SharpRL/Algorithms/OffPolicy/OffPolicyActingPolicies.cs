namespace SharpRL.Algorithms.OffPolicy;

/// <summary>
/// What the off-policy actors' acting policies share: the env's spaces, and the rescaling of the actor's output
/// in [−1, 1] to the bounds of the Box action space. A derived policy writes that output for one observation.
/// </summary>
public abstract class SquashedActingPolicy : IActingPolicy
{
    private readonly ActionScaling _scaling;
    private readonly float[] _scaled;

    /// <summary>Sets the spaces and the output buffer of <paramref name="actionSize"/> values.</summary>
    private protected SquashedActingPolicy(Space observationSpace, Box actionSpace, int actionSize)
    {
        _scaling = new ActionScaling(actionSpace.Low, actionSpace.High);
        _scaled = new float[actionSize];
        ObservationSpace = observationSpace;
        ActionSpace = actionSpace;
    }

    /// <inheritdoc />
    public Space ObservationSpace { get; }

    /// <inheritdoc />
    public Space ActionSpace { get; }

    /// <inheritdoc />
    public void Act(ReadOnlySpan<float> observation, Span<float> action, bool deterministic, Random random)
    {
        ActSquashed(observation, _scaled, deterministic, random);
        _scaling.Unscale(_scaled, action);
    }

    /// <summary>Writes the actor's action in [−1, 1] for one observation.</summary>
    private protected abstract void ActSquashed(ReadOnlySpan<float> observation, Span<float> squashed, bool deterministic, Random random);
}

/// <summary>A copy of a deterministic actor acting in one env: a = rescale(μ(s)); sampling has nothing to add.</summary>
/// <remarks>Public so that an exporter can read the actor's network and the action bounds it rescales to.</remarks>
public sealed class DeterministicActingPolicy : SquashedActingPolicy
{
    private readonly DeterministicActor<float> _actor;

    /// <summary>Acts with <paramref name="actor"/> (not copied) in an env with these spaces.</summary>
    /// <param name="actor">The actor μ, whose tanh output lies in [−1, 1].</param>
    /// <param name="observationSpace">The env's observation space.</param>
    /// <param name="actionSpace">The env's bounded Box action space, which μ's output is rescaled to.</param>
    public DeterministicActingPolicy(DeterministicActor<float> actor, Space observationSpace, Box actionSpace)
        : base(observationSpace, actionSpace, actor.ActionSize)
    {
        _actor = actor;
    }

    /// <summary>The actor μ it acts with (its weights are the trained policy).</summary>
    public DeterministicActor<float> Actor => _actor;

    /// <inheritdoc />
    private protected override void ActSquashed(ReadOnlySpan<float> observation, Span<float> squashed, bool deterministic, Random random)
        => _actor.Forward(observation, squashed, 1);
}

/// <summary>A copy of SAC's actor acting in one env: tanh(μ(s)) when deterministic, else a squashed Gaussian sample.</summary>
/// <remarks>Public so that an exporter can read the actor's network and the action bounds it rescales to.</remarks>
public sealed class SquashedGaussianActingPolicy : SquashedActingPolicy
{
    private readonly SquashedGaussianActor<float> _actor;
    private readonly float[] _epsilon;
    private readonly float[] _logProb = new float[1];

    /// <summary>Acts with <paramref name="actor"/> (not copied) in an env with these spaces.</summary>
    /// <param name="actor">SAC's actor, from s to [μ, raw log σ].</param>
    /// <param name="observationSpace">The env's observation space.</param>
    /// <param name="actionSpace">The env's bounded Box action space, which tanh(u) is rescaled to.</param>
    public SquashedGaussianActingPolicy(SquashedGaussianActor<float> actor, Space observationSpace, Box actionSpace)
        : base(observationSpace, actionSpace, actor.ActionSize)
    {
        _actor = actor;
        _epsilon = new float[actor.ActionSize];
    }

    /// <summary>The actor it acts with (its weights are the trained policy).</summary>
    public SquashedGaussianActor<float> Actor => _actor;

    /// <inheritdoc />
    private protected override void ActSquashed(ReadOnlySpan<float> observation, Span<float> squashed, bool deterministic, Random random)
    {
        if (deterministic)
        {
            _actor.Mode(observation, squashed, 1);
        }
        else
        {
            StandardNormal.Fill<float>(_epsilon, random);
            _actor.Forward(observation, _epsilon, squashed, _logProb, 1);
        }
    }
}

/// <summary>What rebuilding any off-policy actor from a checkpoint checks first: the arguments, and a Box action space of the env.</summary>
internal static class ActorEnvSpaces
{
    /// <summary>Checks the arguments, opens one env copy for its spaces and closes it; the action space must be a Box.</summary>
    /// <param name="checkpoint">The checkpoint the actor will be read from.</param>
    /// <param name="options">The run's options.</param>
    /// <param name="makeEnv">Creates one env copy.</param>
    /// <param name="actor">Names the actor in the error, e.g. "SAC's actor".</param>
    public static (Space Observation, Box Action) Read(CheckpointData checkpoint, object options, Func<IEnv> makeEnv, string actor)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(makeEnv);
        using IEnv env = makeEnv();
        return env.ActionSpace is Box box
            ? (env.ObservationSpace, box)
            : throw new ArgumentException($"{actor} acts in a Box action space; this env's is {env.ActionSpace}.", nameof(makeEnv));
    }
}
