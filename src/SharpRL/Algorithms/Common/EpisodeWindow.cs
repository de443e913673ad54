namespace SharpRL.Algorithms.Common;

/// <summary>
/// The last <see cref="Capacity"/> finished episodes behind <c>rollout/ep_rew_mean</c> and <c>rollout/ep_len_mean</c>
/// (Stable-Baselines3's <c>ep_info_buffer</c>), kept by every learner family, and their checkpoint form: an array of
/// <c>[env index, return, length]</c> rows.
/// </summary>
internal sealed class EpisodeWindow
{
    /// <summary>How many episodes the window keeps (SB3's stats_window_size).</summary>
    public const int Capacity = 100;

    private readonly Queue<EpisodeStatistics> _episodes = new(Capacity);

    /// <summary>Episodes in the window.</summary>
    public int Count => _episodes.Count;

    /// <summary>Mean return of the window's episodes; NaN when it is empty.</summary>
    public double MeanReturn => Mean(length: false);

    /// <summary>Mean length of the window's episodes; NaN when it is empty.</summary>
    public double MeanLength => Mean(length: true);

    /// <summary>Records <c>rollout/ep_rew_mean</c> and <c>rollout/ep_len_mean</c> of the window.</summary>
    public void RecordMeans(MetricsLogger logger)
    {
        logger.Record(MetricKeys.EpisodeRewardMean, MeanReturn);
        logger.Record(MetricKeys.EpisodeLengthMean, MeanLength);
    }

    /// <summary>Adds a finished episode, dropping the oldest when the window is full.</summary>
    public void Add(EpisodeStatistics episode)
    {
        if (_episodes.Count == Capacity)
        {
            _episodes.Dequeue();
        }

        _episodes.Enqueue(episode);
    }

    /// <summary>Replaces the window's episodes by a checkpoint's (oldest first).</summary>
    public void Restore(IEnumerable<EpisodeStatistics> episodes)
    {
        _episodes.Clear();
        foreach (EpisodeStatistics episode in episodes)
        {
            _episodes.Enqueue(episode);
        }
    }

    /// <summary>The checkpoint form: <c>[[env index, return, length], …]</c>, oldest first.</summary>
    public JsonArray ToJson()
    {
        var rows = new JsonArray();
        foreach (EpisodeStatistics e in _episodes)
        {
            rows.Add(new JsonArray(e.EnvIndex, e.Return, e.Length));
        }

        return rows;
    }

    private double Mean(bool length)
    {
        if (_episodes.Count == 0)
        {
            return double.NaN;
        }

        double sum = 0;
        foreach (EpisodeStatistics episode in _episodes)
        {
            sum += length ? episode.Length : episode.Return;
        }

        return sum / _episodes.Count;
    }
}
