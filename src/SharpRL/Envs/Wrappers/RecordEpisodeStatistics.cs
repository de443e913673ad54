namespace SharpRL.Envs.Wrappers;

/// <summary>Summary of one finished episode.</summary>
/// <param name="Return">Undiscounted sum of the rewards the wrapped env returned.</param>
/// <param name="Length">Number of steps.</param>
/// <param name="Elapsed">Wall-clock time from the reset to the last step.</param>
public readonly record struct EpisodeRecord(double Return, int Length, TimeSpan Elapsed);

/// <summary>
/// Tracks the return, length and wall-clock duration of each episode (Gymnasium's
/// <c>RecordEpisodeStatistics</c>); <see cref="LastEpisode"/> is the latest finished one and
/// <see cref="RecentEpisodes"/> keeps the last <see cref="BufferLength"/> of them.
/// Observations, rewards and flags pass through unchanged.
/// </summary>
public sealed class RecordEpisodeStatistics : Wrapper
{
    private readonly Queue<EpisodeRecord> _recent;
    private double _episodeReturn;
    private int _episodeLength;
    private long _episodeStart;

    /// <summary>Wraps <paramref name="env"/>.</summary>
    /// <param name="env">The env to wrap; the wrapper takes ownership.</param>
    /// <param name="bufferLength">How many recent episodes <see cref="RecentEpisodes"/> keeps (Gymnasium's default 100).</param>
    public RecordEpisodeStatistics(IEnv env, int bufferLength = 100)
        : base(env)
    {
        if (bufferLength <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bufferLength), bufferLength, "bufferLength must be positive.");
        }

        BufferLength = bufferLength;
        _recent = new Queue<EpisodeRecord>(bufferLength);
    }

    /// <summary>How many recent episodes <see cref="RecentEpisodes"/> keeps.</summary>
    public int BufferLength { get; }

    /// <summary>The latest finished episode, or null before the first one ends.</summary>
    public EpisodeRecord? LastEpisode { get; private set; }

    /// <summary>Number of episodes finished since the wrapper was created.</summary>
    public int EpisodeCount { get; private set; }

    /// <summary>The last <see cref="BufferLength"/> finished episodes, oldest first.</summary>
    public IReadOnlyCollection<EpisodeRecord> RecentEpisodes => _recent;

    /// <summary>Return accumulated so far in the running episode.</summary>
    public double CurrentReturn => _episodeReturn;

    /// <summary>Steps taken so far in the running episode.</summary>
    public int CurrentLength => _episodeLength;

    /// <inheritdoc />
    public override void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
    {
        Env.Reset(observation, seed, options);
        _episodeReturn = 0;
        _episodeLength = 0;
        _episodeStart = Stopwatch.GetTimestamp();
    }

    /// <inheritdoc />
    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        StepResult result = Env.Step(action, observation);
        _episodeReturn += result.Reward;
        _episodeLength++;
        if (result.Done)
        {
            var record = new EpisodeRecord(_episodeReturn, _episodeLength, Stopwatch.GetElapsedTime(_episodeStart));
            LastEpisode = record;
            EpisodeCount++;
            if (_recent.Count == BufferLength)
            {
                _recent.Dequeue();
            }

            _recent.Enqueue(record);
        }

        return result;
    }

    /// <summary>
    /// Saves the running episode's return, length and wall time so far, the episode count and the
    /// recent episodes (wall times as TimeSpan ticks; the running episode's clock continues from the
    /// saved time on load).
    /// </summary>
    /// <param name="state">The snapshot being written.</param>
    protected override void SaveWrapperState(JsonObject state)
    {
        state["buffer_length"] = BufferLength;
        state["episode_return"] = EnvState.Number(_episodeReturn);
        state["episode_length"] = _episodeLength;
        state["episode_elapsed_ticks"] = _episodeStart == 0 ? 0 : Stopwatch.GetElapsedTime(_episodeStart).Ticks;
        state["episode_count"] = EpisodeCount;
        state["last_episode"] = LastEpisode is { } last ? Record(last) : null;
        var recent = new JsonArray();
        foreach (EpisodeRecord record in _recent)
        {
            recent.Add(Record(record));
        }

        state["recent_episodes"] = recent;
    }

    /// <inheritdoc />
    protected override void LoadWrapperState(JsonObject state)
    {
        EnvState.RequireSetting(state, "buffer_length", BufferLength);
        double episodeReturn = EnvState.ReadDouble(state, "episode_return");
        int episodeLength = EnvState.ReadInt32(state, "episode_length", 0);
        long elapsedTicks = EnvState.ReadInt64(state, "episode_elapsed_ticks", 0);
        int episodeCount = EnvState.ReadInt32(state, "episode_count", 0);
        EpisodeRecord? last = state["last_episode"] is null ? null : ReadRecord(EnvState.ReadObject(state, "last_episode"));
        JsonArray recentArray = EnvState.ReadArray(state, "recent_episodes");
        if (recentArray.Count > BufferLength || recentArray.Count > episodeCount)
        {
            throw new ArgumentException($"The state of a {nameof(RecordEpisodeStatistics)} lists {recentArray.Count} recent episodes; at most min(buffer length {BufferLength}, episode count {episodeCount}) fit.", nameof(state));
        }

        var recent = new List<EpisodeRecord>(recentArray.Count);
        for (int i = 0; i < recentArray.Count; i++)
        {
            recent.Add(ReadRecord(recentArray[i] as JsonObject
                ?? throw new ArgumentException($"The state of a {nameof(RecordEpisodeStatistics)} is malformed: \"recent_episodes[{i}]\" must be an object.", nameof(state))));
        }

        _episodeReturn = episodeReturn;
        _episodeLength = episodeLength;
        _episodeStart = Stopwatch.GetTimestamp() - (long)(elapsedTicks * ((double)Stopwatch.Frequency / TimeSpan.TicksPerSecond));
        EpisodeCount = episodeCount;
        LastEpisode = last;
        _recent.Clear();
        foreach (EpisodeRecord record in recent)
        {
            _recent.Enqueue(record);
        }
    }

    private static JsonObject Record(EpisodeRecord record) => new()
    {
        ["return"] = EnvState.Number(record.Return),
        ["length"] = record.Length,
        ["elapsed_ticks"] = record.Elapsed.Ticks,
    };

    private static EpisodeRecord ReadRecord(JsonObject record) => new(
        EnvState.ReadDouble(record, "return"),
        EnvState.ReadInt32(record, "length", 0),
        TimeSpan.FromTicks(EnvState.ReadInt64(record, "elapsed_ticks", 0)));
}
