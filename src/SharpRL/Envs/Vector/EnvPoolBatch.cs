namespace SharpRL.Envs.Vector;

/// <summary>
/// What <see cref="EnvPool.Receive"/> returned: B envs that finished their reset or step, one row
/// each, ordered by env id. The pool owns and reuses it: every span is valid until the next
/// <see cref="EnvPool.Receive"/>, <see cref="EnvPool.AsyncReset"/> or vector-env call on the pool.
/// </summary>
public sealed class EnvPoolBatch
{
    private readonly int[] _envIds;
    private readonly float[] _observations;
    private readonly double[] _rewards;
    private readonly bool[] _terminated;
    private readonly bool[] _truncated;
    private readonly bool[] _fromReset;
    private readonly float[] _finalObservations;
    private readonly List<EpisodeStatistics> _completed;

    internal EnvPoolBatch(int batchSize, int observationSize)
    {
        Count = batchSize;
        ObservationSize = observationSize;
        _envIds = new int[batchSize];
        _observations = new float[batchSize * observationSize];
        _rewards = new double[batchSize];
        _terminated = new bool[batchSize];
        _truncated = new bool[batchSize];
        _fromReset = new bool[batchSize];
        _finalObservations = new float[batchSize * observationSize];
        _completed = new List<EpisodeStatistics>(batchSize);
    }

    /// <summary>Rows B (the pool's batch size).</summary>
    public int Count { get; }

    /// <summary>Floats per observation row.</summary>
    public int ObservationSize { get; }

    /// <summary>[B]: the env id of each row, ascending; send the actions chosen for row r to env <c>EnvIds[r]</c>.</summary>
    public ReadOnlySpan<int> EnvIds => _envIds;

    /// <summary>
    /// [B × obs FlatSize]: row r is env <c>EnvIds[r]</c>'s current observation, the one to act on (after an
    /// autoreset, the new episode's first).
    /// </summary>
    public ReadOnlySpan<float> Observations => _observations;

    /// <summary>[B]: the reward of the step (0 for a row that comes from a reset).</summary>
    public ReadOnlySpan<double> Rewards => _rewards;

    /// <summary>[B]: the step reached a terminal state (do not bootstrap).</summary>
    public ReadOnlySpan<bool> Terminated => _terminated;

    /// <summary>[B]: the episode was cut (e.g. a time limit); bootstrap from <see cref="FinalObservations"/>.</summary>
    public ReadOnlySpan<bool> Truncated => _truncated;

    /// <summary>
    /// [B]: the row comes from a reset requested by <see cref="EnvPool.AsyncReset"/>, not from a step, so
    /// it closes no transition (an autoreset after a finished episode is a step row).
    /// </summary>
    public ReadOnlySpan<bool> FromReset => _fromReset;

    /// <summary>[B × obs FlatSize]: row r is the last observation of the episode that ended, valid only where that row is terminated or truncated.</summary>
    public ReadOnlySpan<float> FinalObservations => _finalObservations;

    /// <summary>Episodes that ended in this batch's steps, in row order (<see cref="EpisodeStatistics.EnvIndex"/> is the env id).</summary>
    public IReadOnlyList<EpisodeStatistics> CompletedEpisodes => _completed;

    internal int[] EnvIdBuffer => _envIds;

    internal float[] ObservationBuffer => _observations;

    internal double[] RewardBuffer => _rewards;

    internal bool[] TerminatedBuffer => _terminated;

    internal bool[] TruncatedBuffer => _truncated;

    internal bool[] FromResetBuffer => _fromReset;

    internal float[] FinalObservationBuffer => _finalObservations;

    internal List<EpisodeStatistics> CompletedBuffer => _completed;
}
