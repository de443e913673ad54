namespace SharpRL.Envs.Vector;

/// <summary>
/// What <see cref="SyncVectorEnv"/> and <see cref="ParallelVectorEnv"/> share: N env copies held in one
/// <see cref="EnvCopies"/>, which answers the spaces, final observations, episode statistics, info, action
/// masks and snapshots; the derived class only decides how the copies are reset and stepped.
/// </summary>
public abstract class CopiesVectorEnv : IVectorEnv, IStatefulEnv, IVectorStepInfoEnv, IVectorActionMaskEnv
{
    /// <summary>Takes ownership of the copies.</summary>
    private protected CopiesVectorEnv(EnvCopies copies)
    {
        Copies = copies;
    }

    /// <inheritdoc />
    public int NumEnvs => Copies.Count;

    /// <inheritdoc />
    public Space SingleObservationSpace => Copies.ObservationSpace;

    /// <inheritdoc />
    public Space SingleActionSpace => Copies.ActionSpace;

    /// <inheritdoc />
    public ReadOnlySpan<float> FinalObservations => Copies.FinalObservations;

    /// <inheritdoc />
    public IReadOnlyList<EpisodeStatistics> CompletedEpisodes => Copies.CompletedEpisodes;

    /// <inheritdoc />
    public IReadOnlyList<string> InfoKeys => Copies.InfoKeys;

    /// <inheritdoc />
    public bool HasActionMasks => Copies.HasActionMasks;

    /// <inheritdoc />
    public int ActionMaskSize => Copies.ActionMaskSize;

    /// <summary>The copies.</summary>
    private protected EnvCopies Copies { get; }

    /// <inheritdoc />
    public void GetInfo(int envIndex, Span<double> values) => Copies.GetInfo(envIndex, values);

    /// <inheritdoc />
    public void GetActionMasks(Span<bool> masks) => Copies.GetActionMasks(masks);

    /// <inheritdoc />
    public abstract void Reset(Span<float> observations, int? seed = null);

    /// <inheritdoc />
    public abstract void Step(ReadOnlySpan<float> actions, Span<float> observations, Span<double> rewards, Span<bool> terminated, Span<bool> truncated);

    /// <summary>
    /// Snapshot of every copy (each must be an <see cref="IStatefulEnv"/>) and of the copies' running
    /// episode returns and lengths; a sync and a parallel vector env load each other's snapshots.
    /// </summary>
    public JsonNode SaveState() => Copies.SaveState(this);

    /// <inheritdoc />
    public void LoadState(JsonNode state) => Copies.LoadState(state, this);

    /// <summary>Stops whatever steps the copies and disposes every copy.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes every copy; a derived class first stops what it runs.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Copies.Dispose();
        }
    }
}
