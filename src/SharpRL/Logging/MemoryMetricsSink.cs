namespace SharpRL.Logging;

/// <summary>
/// Keeps every dump in memory: for tests, callbacks and notebooks that inspect a run's metrics
/// without reading files back.
/// </summary>
public sealed class MemoryMetricsSink : IMetricsSink
{
    private readonly List<MetricsSnapshot> _snapshots = [];

    /// <summary>One entry per dump, in order.</summary>
    public IReadOnlyList<MetricsSnapshot> Snapshots => _snapshots;

    /// <summary>The values of <paramref name="key"/> over the dumps that contain it, with their steps.</summary>
    /// <param name="key">The metric name.</param>
    public IReadOnlyList<(long Step, double Value)> Series(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var series = new List<(long, double)>();
        foreach (MetricsSnapshot snapshot in _snapshots)
        {
            if (snapshot.Values.TryGetValue(key, out double value))
            {
                series.Add((snapshot.Step, value));
            }
        }

        return series;
    }

    /// <inheritdoc />
    public void Write(long step, IReadOnlyList<KeyValuePair<string, double>> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var copy = new Dictionary<string, double>(metrics.Count, StringComparer.Ordinal);
        foreach (KeyValuePair<string, double> pair in metrics)
        {
            copy[pair.Key] = pair.Value;
        }

        _snapshots.Add(new MetricsSnapshot(step, copy));
    }

    /// <inheritdoc />
    public void Flush()
    {
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }
}

/// <summary>The scalars of one dump.</summary>
/// <param name="Step">The step passed to <see cref="MetricsLogger.Dump"/>.</param>
/// <param name="Values">The scalars by key.</param>
public sealed record MetricsSnapshot(long Step, IReadOnlyDictionary<string, double> Values);
