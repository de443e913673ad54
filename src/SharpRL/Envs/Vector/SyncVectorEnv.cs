using System.Text.Json.Nodes;
using SharpRL.Spaces;

namespace SharpRL.Envs.Vector;

/// <summary>
/// N env copies stepped one after another on the caller's thread (Gymnasium's SyncVectorEnv),
/// with same-step autoreset as <see cref="IVectorEnv"/> describes. The vector env owns its copies
/// and disposes them. Step allocates nothing.
/// </summary>
public sealed class SyncVectorEnv : IVectorEnv, IStatefulEnv, IVectorStepInfoEnv, IVectorActionMaskEnv
{
    private readonly EnvCopies _copies;

    /// <summary>Creates <paramref name="numEnvs"/> copies by calling <paramref name="factory"/> once per copy.</summary>
    public SyncVectorEnv(Func<IEnv> factory, int numEnvs)
        : this(EnvCopies.Create(factory, numEnvs))
    {
    }

    /// <summary>Uses the given env instances as the copies (one distinct instance per copy, equal spaces).</summary>
    public SyncVectorEnv(IReadOnlyList<IEnv> envs)
    {
        _copies = new EnvCopies(envs);
    }

    /// <inheritdoc />
    public int NumEnvs => _copies.Count;

    /// <inheritdoc />
    public Space SingleObservationSpace => _copies.ObservationSpace;

    /// <inheritdoc />
    public Space SingleActionSpace => _copies.ActionSpace;

    /// <inheritdoc />
    public ReadOnlySpan<float> FinalObservations => _copies.FinalObservations;

    /// <inheritdoc />
    public IReadOnlyList<EpisodeStatistics> CompletedEpisodes => _copies.CompletedEpisodes;

    /// <inheritdoc />
    public IReadOnlyList<string> InfoKeys => _copies.InfoKeys;

    /// <inheritdoc />
    public void GetInfo(int envIndex, Span<double> values) => _copies.GetInfo(envIndex, values);

    /// <inheritdoc />
    public bool HasActionMasks => _copies.HasActionMasks;

    /// <inheritdoc />
    public int ActionMaskSize => _copies.ActionMaskSize;

    /// <inheritdoc />
    public void GetActionMasks(Span<bool> masks) => _copies.GetActionMasks(masks);

    /// <inheritdoc />
    public void Reset(Span<float> observations, int? seed = null)
    {
        _copies.ValidateReset(observations.Length, seed);
        int size = _copies.ObservationSize;
        for (int i = 0; i < _copies.Count; i++)
        {
            _copies.ResetCopy(i, observations.Slice(i * size, size), seed + i);
        }

        _copies.EndReset();
    }

    /// <inheritdoc />
    public void Step(ReadOnlySpan<float> actions, Span<float> observations, Span<double> rewards, Span<bool> terminated, Span<bool> truncated)
    {
        _copies.ValidateStep(actions.Length, observations.Length, rewards.Length, terminated.Length, truncated.Length);
        _copies.BeginStep();
        int observationSize = _copies.ObservationSize;
        int actionSize = _copies.ActionSize;
        for (int i = 0; i < _copies.Count; i++)
        {
            _copies.StepCopy(
                i,
                actions.Slice(i * actionSize, actionSize),
                observations.Slice(i * observationSize, observationSize),
                out rewards[i],
                out terminated[i],
                out truncated[i]);
        }

        _copies.EndStep();
    }

    /// <summary>
    /// Snapshot of every copy (each must be an <see cref="IStatefulEnv"/>) and of the copies' running
    /// episode returns and lengths; a sync and a parallel vector env load each other's snapshots.
    /// </summary>
    public JsonNode SaveState() => _copies.SaveState(this);

    /// <inheritdoc />
    public void LoadState(JsonNode state) => _copies.LoadState(state, this);

    /// <summary>Disposes every copy.</summary>
    public void Dispose() => _copies.Dispose();
}
