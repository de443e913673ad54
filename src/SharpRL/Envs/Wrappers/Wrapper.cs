using System.Text.Json.Nodes;
using SharpRL.Spaces;

namespace SharpRL.Envs.Wrappers;

/// <summary>
/// Base of env wrappers (Gymnasium's <c>gymnasium.Wrapper</c>): forwards every member to the wrapped
/// env; a wrapper overrides only what it changes. Disposing the wrapper disposes the wrapped env.
/// Snapshots (<see cref="IStatefulEnv"/>) hold the wrapper's own state (see
/// <see cref="SaveWrapperState"/>) and the wrapped env's under <c>"env"</c>; saving throws
/// <see cref="NotSupportedException"/> when the wrapped env is not an <see cref="IStatefulEnv"/>.
/// </summary>
public abstract class Wrapper : IEnv, IStatefulEnv
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
    public JsonNode SaveState()
    {
        JsonObject state = EnvState.Create(this);
        SaveWrapperState(state);
        state[EnvState.InnerKey] = EnvState.SaveInner(Env, this);
        return state;
    }

    /// <inheritdoc />
    public void LoadState(JsonNode state)
    {
        JsonObject snapshot = EnvState.Open(state, this);

        // Inner first: every level checks its type tag before anything is overwritten.
        EnvState.LoadInner(Env, snapshot, this);
        LoadWrapperState(snapshot);
    }

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

    /// <summary>
    /// Adds the wrapper's own state to its snapshot (nothing by default). A wrapper that keeps state
    /// between steps (counters, running statistics) must override this and <see cref="LoadWrapperState"/>,
    /// or resumed runs will not continue exactly.
    /// </summary>
    /// <param name="state">The snapshot being written.</param>
    protected virtual void SaveWrapperState(JsonObject state)
    {
    }

    /// <summary>Restores what <see cref="SaveWrapperState"/> wrote (after the wrapped env was restored), reading and checking every value before overwriting any.</summary>
    /// <param name="state">The wrapper's snapshot.</param>
    protected virtual void LoadWrapperState(JsonObject state)
    {
    }

    /// <summary>e.g. "TimeLimit&lt;CartPoleEnv&gt;" (Gymnasium's nesting notation).</summary>
    public override string ToString() => $"{GetType().Name}<{Env}>";
}
