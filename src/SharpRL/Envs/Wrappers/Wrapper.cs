namespace SharpRL.Envs.Wrappers;

/// <summary>
/// Base of env wrappers (Gymnasium's <c>gymnasium.Wrapper</c>): forwards every member to the wrapped
/// env; a wrapper overrides only what it changes. Disposing the wrapper disposes the wrapped env.
/// Snapshots (<see cref="IStatefulEnv"/>) hold the wrapper's own state (see
/// <see cref="WrapperBase{TEnv}.SaveWrapperState"/>) and the wrapped env's under <c>"env"</c>; saving throws
/// <see cref="NotSupportedException"/> when the wrapped env is not an <see cref="IStatefulEnv"/>.
/// </summary>
public abstract class Wrapper : WrapperBase<IEnv>, IEnv, IStepInfoEnv, IActionMaskEnv
{
    /// <summary>Wraps <paramref name="env"/>.</summary>
    /// <param name="env">The env to wrap; the wrapper takes ownership.</param>
    protected Wrapper(IEnv env)
        : base(env)
    {
    }

    /// <summary>The innermost env, below every wrapper (Gymnasium's <c>env.unwrapped</c>).</summary>
    public IEnv Unwrapped => Env is Wrapper inner ? inner.Unwrapped : Env;

    /// <inheritdoc />
    public virtual Space ObservationSpace => Env.ObservationSpace;

    /// <inheritdoc />
    public virtual Space ActionSpace => Env.ActionSpace;

    /// <inheritdoc />
    public virtual EnvSpec? Spec => Env.Spec;

    /// <inheritdoc />
    public virtual void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
        => Env.Reset(observation, seed, options);

    /// <inheritdoc />
    public virtual StepResult Step(ReadOnlySpan<float> action, Span<float> observation) => Env.Step(action, observation);

    /// <summary>The wrapped env's info keys (none when it reports no info).</summary>
    public IReadOnlyList<string> InfoKeys => Env is IStepInfoEnv info ? info.InfoKeys : [];

    /// <summary>The wrapped env's info values of the last Reset/Step.</summary>
    /// <param name="values">Destination of <see cref="InfoKeys"/>.Count values.</param>
    public void GetInfo(Span<double> values)
    {
        if (Env is IStepInfoEnv info)
        {
            info.GetInfo(values);
        }
        else if (values.Length != 0)
        {
            throw new ArgumentException($"{this} reports no info values, got a buffer of {values.Length}.", nameof(values));
        }
    }

    /// <summary>Whether the wrapped env supplies action masks.</summary>
    public bool HasActionMask => Env is IActionMaskEnv { HasActionMask: true };

    /// <summary>The wrapped env's action mask of the current state.</summary>
    /// <param name="mask">Destination, one flag per discrete choice.</param>
    /// <exception cref="InvalidOperationException">When the wrapped env supplies no mask.</exception>
    public void GetActionMask(Span<bool> mask)
    {
        if (Env is IActionMaskEnv { HasActionMask: true } masked)
        {
            masked.GetActionMask(mask);
            return;
        }

        throw new InvalidOperationException($"{this} supplies no action mask: the env it wraps does not implement IActionMaskEnv.");
    }
}
