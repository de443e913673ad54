namespace SharpRL.Envs;

/// <summary>
/// What <see cref="Wrappers.Wrapper"/> (single env) and <see cref="Vector.VectorWrapper"/> (vector env) share:
/// the wrapper owns the wrapped env and disposes it, and its snapshots (<see cref="IStatefulEnv"/>) hold the
/// wrapper's own state (see <see cref="SaveWrapperState"/>) and the wrapped env's under <c>"env"</c>; saving
/// throws <see cref="NotSupportedException"/> when the wrapped env is not an <see cref="IStatefulEnv"/>.
/// </summary>
/// <typeparam name="TEnv">What is wrapped: <see cref="IEnv"/> or <see cref="IVectorEnv"/>.</typeparam>
public abstract class WrapperBase<TEnv> : IStatefulEnv, IDisposable
    where TEnv : class, IDisposable
{
    private bool _disposed;

    /// <summary>Wraps <paramref name="env"/>.</summary>
    /// <param name="env">The env to wrap; the wrapper takes ownership.</param>
    private protected WrapperBase(TEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        Env = env;
    }

    /// <summary>The env directly inside this wrapper.</summary>
    public TEnv Env { get; }

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

    /// <summary>e.g. "TimeLimit&lt;CartPoleEnv&gt;" (Gymnasium's nesting notation).</summary>
    public override string ToString() => $"{GetType().Name}<{Env}>";

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
}
