using SharpRL.Spaces;

namespace SharpRL.Envs.Vector;

/// <summary>
/// Base of vector-env wrappers: forwards every member to the wrapped vector env; a wrapper overrides
/// only what it changes. Disposing the wrapper disposes the wrapped vector env.
/// </summary>
public abstract class VectorWrapper : IVectorEnv
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

    /// <summary>e.g. "VectorNormalizeObservation&lt;SyncVectorEnv&gt;".</summary>
    public override string ToString() => $"{GetType().Name}<{Env}>";
}
