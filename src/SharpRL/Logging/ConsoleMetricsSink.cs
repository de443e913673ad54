using System.Text;

namespace SharpRL.Logging;

/// <summary>
/// Prints each update as Stable-Baselines3's box table: keys sorted, grouped under their
/// "group/" prefix, values with three significant digits (integers in full).
/// </summary>
/// <example>
/// <code>
/// ---------------------------------
/// | rollout/           |          |
/// |    ep_rew_mean     | 22.4     |
/// | time/              |          |
/// |    total_timesteps | 2048     |
/// ---------------------------------
/// </code>
/// </example>
public sealed class ConsoleMetricsSink : IMetricsSink
{
    private const int MaxCellLength = 36;

    private readonly TextWriter _writer;
    private readonly List<KeyValuePair<string, double>> _sorted = [];
    private readonly List<(string Key, string Value)> _cells = [];
    private readonly StringBuilder _text = new();

    /// <summary>Creates a sink that prints to <paramref name="writer"/>, which the caller keeps owning.</summary>
    /// <param name="writer">Destination; <see cref="Console.Out"/> when null.</param>
    public ConsoleMetricsSink(TextWriter? writer = null)
    {
        _writer = writer ?? Console.Out;
    }

    /// <inheritdoc />
    public void Write(long step, IReadOnlyList<KeyValuePair<string, double>> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (metrics.Count == 0)
        {
            return;
        }

        _sorted.Clear();
        _sorted.AddRange(metrics);
        _sorted.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));

        _cells.Clear();
        string? group = null;
        foreach (KeyValuePair<string, double> pair in _sorted)
        {
            string key = pair.Key;
            int slash = key.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0)
            {
                string keyGroup = key[..(slash + 1)];
                if (keyGroup != group)
                {
                    group = keyGroup;
                    _cells.Add((Truncate(keyGroup), string.Empty));
                }

                key = "   " + key[(slash + 1)..];
            }

            _cells.Add((Truncate(key), Truncate(FormatValue(pair.Value).PadRight(8))));
        }

        int keyWidth = 0;
        int valueWidth = 0;
        foreach ((string key, string value) in _cells)
        {
            keyWidth = Math.Max(keyWidth, key.Length);
            valueWidth = Math.Max(valueWidth, value.Length);
        }

        // "| " + key + " | " + value + " |" adds 7 characters to the two column widths.
        string dashes = new('-', keyWidth + valueWidth + 7);
        _text.Clear();
        _text.Append(dashes).Append('\n');
        foreach ((string key, string value) in _cells)
        {
            _text.Append("| ").Append(key.PadRight(keyWidth)).Append(" | ").Append(value.PadRight(valueWidth)).Append(" |\n");
        }

        _text.Append(dashes).Append('\n');
        _writer.Write(_text);
    }

    /// <inheritdoc />
    public void Flush() => _writer.Flush();

    /// <summary>Flushes; the writer itself belongs to the caller and stays open.</summary>
    public void Dispose() => _writer.Flush();

    /// <summary>
    /// Formats like Python's <c>%.3g</c> (SB3 prints floats so), except that integral values below
    /// 10^15 print in full, as SB3 prints its integer counters.
    /// </summary>
    internal static string FormatValue(double value)
    {
        if (double.IsNaN(value))
        {
            return "nan";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        if (value == Math.Floor(value) && Math.Abs(value) < 1e15)
        {
            return ((long)value).ToString(CultureInfo.InvariantCulture);
        }

        // %.3g: round to 3 significant digits; the exponent of the rounded value picks scientific
        // notation when it is below −4 or at least 3, fixed otherwise; trailing zeros are dropped.
        string scientific = value.ToString("E2", CultureInfo.InvariantCulture);
        int e = scientific.IndexOf('E', StringComparison.Ordinal);
        int exponent = int.Parse(scientific.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        if (exponent < -4 || exponent >= 3)
        {
            string mantissa = TrimFractionZeros(scientific[..e]);
            string sign = exponent < 0 ? "-" : "+";
            return string.Create(CultureInfo.InvariantCulture, $"{mantissa}e{sign}{Math.Abs(exponent):00}");
        }

        string fixedPoint = value.ToString("F" + (2 - exponent).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return TrimFractionZeros(fixedPoint);
    }

    private static string TrimFractionZeros(string number) =>
        number.Contains('.', StringComparison.Ordinal) ? number.TrimEnd('0').TrimEnd('.') : number;

    private static string Truncate(string text) =>
        text.Length > MaxCellLength ? string.Concat(text.AsSpan(0, MaxCellLength - 3), "...") : text;
}
