using System.Text.Json.Nodes;
using SharpRL.Spaces;

namespace SharpRL.Envs.Vector;

/// <summary>
/// Base of vector-env wrappers: forwards every member to the wrapped vector env; a wrapper overrides
/// only what it changes. Disposing the wrapper disposes the wrapped vector env.
/// Snapshots (<see cref="IStatefulEnv"/>) hold the wrapper's own state (see
/// <see cref="SaveWrapperState"/>) and the wrapped vector env's under <c>"env"</c>.
/// </summary>
public abstract class VectorWrapper : IVectorEnv, IStatefulEnv
{
    private bool _disposed;

    /// <summary>Wraps <paramref name="env"/>.</summary>
    /// <param name="env">The vector env to wrap; the wrapper takes ownership.</param>
    protected VectorWrapper(IVectorEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        Env = env;
    }

    /// <summary>The vector env directly inside this wrapper.</summary>
    public IVectorEnv Env { get; }

    /// <inheritdoc />
    public virtual int NumEnvs => Env.NumEnvs;

    /// <inheritdoc />
    public virtual Space SingleObservationSpace => Env.SingleObservationSpace;

    /// <inheritdoc />
    public virtual Space SingleActionSpace => Env.SingleActionSpace;

    /// <inheritdoc />
    public virtual ReadOnlySpan<float> FinalObservations => Env.FinalObservations;

    /// <inheritdoc />
    public virtual IReadOnlyList<EpisodeStatistics> CompletedEpisodes => Env.CompletedEpisodes;

    /// <inheritdoc />
    public virtual void Reset(Span<float> observations, int? seed = null) => Env.Reset(observations, seed);

    /// <inheritdoc />
    public virtual void Step(ReadOnlySpan<float> actions, Span<float> observations, Span<double> rewards, Span<bool> terminated, Span<bool> truncated)
        => Env.Step(actions, observations, rewards, terminated, truncated);

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

    /// <summary>Releases the wrapped vector env; override to release the wrapper's own resources too.</summary>
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
    /// between steps must override this and <see cref="LoadWrapperState"/>, or resumed runs will not
    /// continue exactly.
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

    /// <summary>e.g. "VectorNormalizeObservation&lt;SyncVectorEnv&gt;".</summary>
    public override string ToString() => $"{GetType().Name}<{Env}>";
}
