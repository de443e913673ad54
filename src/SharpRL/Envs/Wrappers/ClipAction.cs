namespace SharpRL.Envs.Wrappers;

/// <summary>
/// Clips continuous actions into the wrapped env's Box bounds before stepping (Gymnasium's
/// <c>ClipAction</c>), so a Gaussian policy's unbounded samples are accepted. The wrapper's
/// action space is the unbounded Box of the same shape; NaN is still refused.
/// </summary>
public sealed class ClipAction : Wrapper
{
    private readonly Box _inner;
    private readonly float[] _clipped;

    /// <summary>Wraps <paramref name="env"/>, whose action space must be a <see cref="Box"/>.</summary>
    /// <param name="env">The env to wrap; the wrapper takes ownership.</param>
    public ClipAction(IEnv env)
        : base(env)
    {
        _inner = env.ActionSpace as Box
            ?? throw new ArgumentException($"ClipAction needs a Box action space; the env has {env.ActionSpace}.", nameof(env));
        _clipped = new float[_inner.FlatSize];
        ActionSpace = new Box(float.NegativeInfinity, float.PositiveInfinity, [.. _inner.Shape]);
    }

    /// <summary>The unbounded Box of the wrapped action space's shape.</summary>
    public override Space ActionSpace { get; }

    /// <inheritdoc />
    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (action.Length != _clipped.Length)
        {
            throw new ArgumentException($"action must have {_clipped.Length} floats (the action space's FlatSize); got {action.Length}.", nameof(action));
        }

        ReadOnlySpan<float> low = _inner.Low;
        ReadOnlySpan<float> high = _inner.High;
        for (int i = 0; i < action.Length; i++)
        {
            if (float.IsNaN(action[i]))
            {
                throw new ArgumentException($"action[{i}] is NaN; ClipAction clips out-of-range values but cannot repair NaN.", nameof(action));
            }

            _clipped[i] = Math.Clamp(action[i], low[i], high[i]);
        }

        return Env.Step(_clipped, observation);
    }
}
