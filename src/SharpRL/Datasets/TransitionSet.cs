namespace SharpRL.Datasets;

/// <summary>
/// (s, a) pairs flattened out of episodes, row-major: what behaviour cloning regresses on. Actions
/// are env actions (a Discrete value includes the space's start).
/// </summary>
public sealed class TransitionSet
{
    /// <summary>Wraps existing arrays (not copied).</summary>
    /// <param name="observationSpace">Space of one observation row.</param>
    /// <param name="actionSpace">Space of one action row.</param>
    /// <param name="observations">Count × observation flat size.</param>
    /// <param name="actions">Count × action flat size.</param>
    public TransitionSet(Space observationSpace, Space actionSpace, float[] observations, float[] actions)
    {
        ObservationSpace = observationSpace ?? throw new ArgumentNullException(nameof(observationSpace));
        ActionSpace = actionSpace ?? throw new ArgumentNullException(nameof(actionSpace));
        Observations = observations ?? throw new ArgumentNullException(nameof(observations));
        Actions = actions ?? throw new ArgumentNullException(nameof(actions));
        if (observations.Length % observationSpace.FlatSize != 0)
        {
            throw new ArgumentException($"observations has {observations.Length} values, not a multiple of the observation size {observationSpace.FlatSize}.", nameof(observations));
        }

        Count = observations.Length / observationSpace.FlatSize;
        if (actions.Length != Count * actionSpace.FlatSize)
        {
            throw new ArgumentException($"actions has {actions.Length} values; expected {Count} rows × {actionSpace.FlatSize}.", nameof(actions));
        }
    }

    /// <summary>Space of the observations.</summary>
    public Space ObservationSpace { get; }

    /// <summary>Space of the actions.</summary>
    public Space ActionSpace { get; }

    /// <summary>Number of pairs.</summary>
    public int Count { get; }

    /// <summary>Count × observation flat size.</summary>
    public float[] Observations { get; }

    /// <summary>Count × action flat size.</summary>
    public float[] Actions { get; }

    /// <summary>
    /// The (s_t, a_t) pairs of every episode (the last observation of each, which no action
    /// follows, is left out).
    /// </summary>
    public static TransitionSet FromDataset(MinariDataset dataset, int? maxEpisodes = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        IEnumerable<Episode> episodes = maxEpisodes is int m ? dataset.Episodes.Take(m) : dataset.Episodes;
        int d = dataset.ObservationSpace.FlatSize;
        var observations = new List<float>();
        var actions = new List<float>();
        foreach (Episode episode in episodes)
        {
            observations.AddRange(episode.Observations.AsSpan(0, episode.Length * d));
            actions.AddRange(episode.Actions);
        }

        return new TransitionSet(dataset.ObservationSpace, dataset.ActionSpace, [.. observations], [.. actions]);
    }

    /// <summary>This set followed by <paramref name="other"/> (DAgger's aggregation D ← D ∪ D_i).</summary>
    public TransitionSet Concat(TransitionSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!other.ObservationSpace.Equals(ObservationSpace) || !other.ActionSpace.Equals(ActionSpace))
        {
            throw new ArgumentException($"Cannot join transitions of {other.ObservationSpace} → {other.ActionSpace} to {ObservationSpace} → {ActionSpace}.", nameof(other));
        }

        return new TransitionSet(ObservationSpace, ActionSpace, [.. Observations, .. other.Observations], [.. Actions, .. other.Actions]);
    }
}
