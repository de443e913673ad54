using System.Diagnostics;

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
}
