using SharpRL.Spaces;

namespace SharpRL.Envs.Wrappers;

/// <summary>
/// Base of env wrappers (Gymnasium's <c>gymnasium.Wrapper</c>): forwards every member to the wrapped
/// env; a wrapper overrides only what it changes. Disposing the wrapper disposes the wrapped env.
/// </summary>
public abstract class Wrapper : IEnv
{
    private bool _disposed;

    /// <summary>Wraps <paramref name="env"/>.</summary>
    /// <param name="env">The env to wrap; the wrapper takes ownership.</param>
    protected Wrapper(IEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        Env = env;
    }

    /// <summary>The env directly inside this wrapper.</summary>
    public IEnv Env { get; }

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

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the wrapped env; override to release the wrapper's own resources too.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            Env.Dispose();
        }

        _disposed = true;
    }

    /// <summary>e.g. "TimeLimit&lt;CartPoleEnv&gt;" (Gymnasium's nesting notation).</summary>
    public override string ToString() => $"{GetType().Name}<{Env}>";
}
