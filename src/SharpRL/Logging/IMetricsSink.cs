namespace SharpRL.Logging;

/// <summary>
/// A destination for the scalars of one update (console table, progress.csv, TensorBoard).
/// <see cref="MetricsLogger"/> calls <see cref="Write"/> once per <see cref="MetricsLogger.Dump"/>,
/// then <see cref="Flush"/>.
/// </summary>
public interface IMetricsSink : IDisposable
{
    /// <summary>Writes the scalars recorded since the previous dump.</summary>
    /// <param name="step">The x-axis value, normally the number of environment steps so far.</param>
    /// <param name="metrics">
    /// Key–value pairs in the order they were first recorded. The list is reused by the logger after
    /// this call returns, so a sink that keeps values must copy them.
    /// </param>
    void Write(long step, IReadOnlyList<KeyValuePair<string, double>> metrics);

    /// <summary>Pushes buffered output to its destination (the operating system, for files).</summary>
    void Flush();
}
