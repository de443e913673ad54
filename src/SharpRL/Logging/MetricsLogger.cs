namespace SharpRL.Logging;

/// <summary>
/// Collects the scalars of the current update and hands them to every sink on <see cref="Dump"/>.
/// Algorithms call <see cref="Record"/> with <see cref="MetricKeys"/> constants; the CLI decides
/// which sinks exist. After the first few updates the logger allocates nothing: its key table and
/// value list are reused.
/// </summary>
public sealed class MetricsLogger : IDisposable
{
    private readonly List<IMetricsSink> _sinks = [];
    private readonly List<KeyValuePair<string, double>> _pending = [];
    private readonly List<int> _sampleCounts = [];
    private readonly Dictionary<string, int> _positionByKey = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>Creates a logger that writes to the given sinks and disposes them with itself.</summary>
    /// <param name="sinks">Destinations; none is allowed (values are then only visible through <see cref="Pending"/>).</param>
    public MetricsLogger(params IEnumerable<IMetricsSink> sinks)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        foreach (IMetricsSink sink in sinks)
        {
            AddSink(sink);
        }
    }

    /// <summary>The sinks that <see cref="Dump"/> writes to.</summary>
    public IReadOnlyList<IMetricsSink> Sinks => _sinks;

    /// <summary>The scalars recorded since the last dump, in first-recorded order.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Pending => _pending;

    /// <summary>Adds a sink; the logger disposes it.</summary>
    /// <param name="sink">The destination to add.</param>
    public void AddSink(IMetricsSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _sinks.Add(sink);
    }

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/> for this update, replacing an earlier value.</summary>
    /// <param name="key">A <see cref="MetricKeys"/> constant or any "group/name" string.</param>
    /// <param name="value">The scalar; NaN and infinities are passed through.</param>
    public void Record(string key, double value)
    {
        int position = PositionOf(key);
        _pending[position] = new KeyValuePair<string, double>(key, value);
        _sampleCounts[position] = 0;
    }

    /// <summary>
    /// Adds <paramref name="value"/> to a running mean for this update (e.g. a loss over minibatches).
    /// A later <see cref="Record"/> of the same key replaces the mean.
    /// </summary>
    /// <param name="key">A <see cref="MetricKeys"/> constant or any "group/name" string.</param>
    /// <param name="value">One sample.</param>
    public void RecordMean(string key, double value)
    {
        int position = PositionOf(key);
        int count = _sampleCounts[position] + 1;
        double mean = _pending[position].Value;

        // Welford's running mean, mean_n = mean_{n−1} + (x − mean_{n−1}) / n, without a separate sum that could overflow.
        mean = count == 1 ? value : mean + ((value - mean) / count);
        _pending[position] = new KeyValuePair<string, double>(key, mean);
        _sampleCounts[position] = count;
    }

    /// <summary>Returns the value recorded for <paramref name="key"/> since the last dump, if any.</summary>
    /// <param name="key">The metric name.</param>
    /// <param name="value">The recorded value, or NaN when absent.</param>
    public bool TryGetValue(string key, out double value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_positionByKey.TryGetValue(key, out int position))
        {
            value = _pending[position].Value;
            return true;
        }

        value = double.NaN;
        return false;
    }

    /// <summary>Writes the pending scalars to every sink, flushes them, and starts a new update.</summary>
    /// <param name="step">The x-axis value, normally the total environment steps so far.</param>
    public void Dump(long step)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_pending.Count > 0)
        {
            foreach (IMetricsSink sink in _sinks)
            {
                sink.Write(step, _pending);
                sink.Flush();
            }
        }

        _pending.Clear();
        _sampleCounts.Clear();
        _positionByKey.Clear();
    }

    /// <summary>Disposes every sink. Pending scalars that were not dumped are discarded.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        List<Exception>? failures = null;
        foreach (IMetricsSink sink in _sinks)
        {
            // One failing sink (a full disk) must not leave the others' files unclosed.
            try
            {
                sink.Dispose();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                (failures ??= []).Add(ex);
            }
        }

        if (failures is not null)
        {
            throw new AggregateException("One or more metrics sinks failed to close.", failures);
        }
    }

    private int PositionOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0)
        {
            throw new ArgumentException("key must not be empty.", nameof(key));
        }

        if (!_positionByKey.TryGetValue(key, out int position))
        {
            position = _pending.Count;
            _positionByKey.Add(key, position);
            _pending.Add(new KeyValuePair<string, double>(key, double.NaN));
            _sampleCounts.Add(0);
        }

        return position;
    }
}
