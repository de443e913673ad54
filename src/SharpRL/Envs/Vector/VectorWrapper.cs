namespace SharpRL.Envs.Vector;

/// <summary>
/// Base of vector-env wrappers: forwards every member to the wrapped vector env; a wrapper overrides
/// only what it changes. Disposing the wrapper disposes the wrapped vector env.
/// Snapshots (<see cref="IStatefulEnv"/>) hold the wrapper's own state (see
/// <see cref="WrapperBase{TEnv}.SaveWrapperState"/>) and the wrapped vector env's under <c>"env"</c>.
/// </summary>
public abstract class VectorWrapper : WrapperBase<IVectorEnv>, IVectorEnv, IVectorStepInfoEnv, IVectorActionMaskEnv
{
    /// <summary>Wraps <paramref name="env"/>.</summary>
    /// <param name="env">The vector env to wrap; the wrapper takes ownership.</param>
    protected VectorWrapper(IVectorEnv env)
        : base(env)
    {
    }

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

    /// <summary>The wrapped vector env's info keys (none when its copies report no info).</summary>
    public IReadOnlyList<string> InfoKeys => Env is IVectorStepInfoEnv info ? info.InfoKeys : [];

    /// <summary>Copy <paramref name="envIndex"/>'s info values of the latest Reset/Step.</summary>
    /// <param name="envIndex">Copy index.</param>
    /// <param name="values">Destination of <see cref="InfoKeys"/>.Count values.</param>
    public void GetInfo(int envIndex, Span<double> values)
    {
        if (Env is IVectorStepInfoEnv info)
        {
            info.GetInfo(envIndex, values);
        }
        else if (values.Length != 0)
        {
            throw new ArgumentException($"{this} reports no info values, got a buffer of {values.Length}.", nameof(values));
        }
    }

    /// <summary>Whether the wrapped vector env's copies supply action masks.</summary>
    public bool HasActionMasks => Env is IVectorActionMaskEnv { HasActionMasks: true };

    /// <summary>Flags per copy of the wrapped vector env's masks (0 when it supplies none).</summary>
    public int ActionMaskSize => Env is IVectorActionMaskEnv masked ? masked.ActionMaskSize : 0;

    /// <summary>Every copy's current action mask, from the wrapped vector env.</summary>
    /// <param name="masks">Destination, [N × <see cref="ActionMaskSize"/>].</param>
    /// <exception cref="InvalidOperationException">When the wrapped vector env supplies no masks.</exception>
    public void GetActionMasks(Span<bool> masks)
    {
        if (Env is IVectorActionMaskEnv { HasActionMasks: true } masked)
        {
            masked.GetActionMasks(masks);
            return;
        }

        throw new InvalidOperationException($"{this} supplies no action masks: its copies do not implement IActionMaskEnv.");
    }

    /// <inheritdoc />
    public virtual void Reset(Span<float> observations, int? seed = null) => Env.Reset(observations, seed);

    /// <inheritdoc />
    public virtual void Step(ReadOnlySpan<float> actions, Span<float> observations, Span<double> rewards, Span<bool> terminated, Span<bool> truncated)
        => Env.Step(actions, observations, rewards, terminated, truncated);
}
