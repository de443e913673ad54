using SharpRL.IO;

namespace SharpRL.Logging;

/// <summary>
/// Writes <c>progress.csv</c> the way Stable-Baselines3 does: one row per update, one column per
/// key ever seen, an empty cell where an update did not record a key.
/// </summary>
/// <remarks>
/// Columns are not known up front (an algorithm may log a key only from its second update on),
/// so when a new key appears the file is rewritten, atomically, with the extended header and
/// the earlier rows padded with empty cells; new keys are appended in ordinal order, as SB3 does.
/// This happens a handful of times per run. Values use the invariant culture and the shortest
/// text that parses back to the same double, so two identical runs produce byte-identical files;
/// NaN and infinities are written as Python writes them (<c>nan</c>, <c>inf</c>, <c>-inf</c>) so
/// pandas reads them as floats. <see cref="TryParseValue"/> reads all of these back.
/// </remarks>
public sealed class CsvMetricsSink : IMetricsSink
{
    private readonly List<string> _columns = [];
    private readonly Dictionary<string, int> _columnByKey = new(StringComparer.Ordinal);
    private readonly List<string> _newKeys = [];
    private double[] _row = [];
    private bool[] _present = [];
    private StreamWriter _writer;
    private bool _headerWritten;

    /// <summary>Creates (or truncates) the CSV file, or continues an existing one.</summary>
    /// <param name="path">The file, conventionally <c>&lt;run&gt;/progress.csv</c>; its directory is created if missing.</param>
    /// <param name="append">
    /// Continue the file a resumed run wrote: its header's columns are kept (new keys extend them as
    /// usual) and rows are appended. A missing or empty file is started as new.
    /// </param>
    public CsvMetricsSink(string path, bool append = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        FilePath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        if (append && File.Exists(FilePath) && ReadHeader(FilePath) is { Count: > 0 } header)
        {
            foreach (string column in header)
            {
                if (!_columnByKey.TryAdd(column, _columns.Count))
                {
                    throw new InvalidDataException($"{FilePath}: column '{column}' appears twice in the header; it was not written by this sink.");
                }

                _columns.Add(column);
            }

            _row = new double[_columns.Count];
            _present = new bool[_columns.Count];
            _headerWritten = true;
            EnsureTrailingNewline(FilePath);
            _writer = OpenWriter(FileMode.Append);
        }
        else
        {
            _writer = OpenWriter(FileMode.Create);
        }
    }

    /// <summary>Full path of the CSV file.</summary>
    public string FilePath { get; }

    /// <summary>The header's columns, in file order.</summary>
    public IReadOnlyList<string> Columns => _columns;

    /// <inheritdoc />
    public void Write(long step, IReadOnlyList<KeyValuePair<string, double>> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (metrics.Count == 0)
        {
            return;
        }

        AddNewColumns(metrics);
        Array.Clear(_present);
        // Indexed loops: foreach over the interface would box an enumerator on every update.
        for (int i = 0; i < metrics.Count; i++)
        {
            int column = _columnByKey[metrics[i].Key];
            _row[column] = metrics[i].Value;
            _present[column] = true;
        }

        Span<char> text = stackalloc char[32];
        for (int column = 0; column < _columns.Count; column++)
        {
            if (column > 0)
            {
                _writer.Write(',');
            }

            if (_present[column])
            {
                _writer.Write(text[..FormatValue(_row[column], text)]);
            }
        }

        _writer.Write('\n');
    }

    /// <inheritdoc />
    public void Flush() => _writer.Flush();

    /// <summary>
    /// Drops the rows whose <paramref name="key"/> cell exceeds <paramref name="maxValue"/>, and rows
    /// cut short by a crash, rewriting the file atomically: a run resumed from a checkpoint at step
    /// <paramref name="maxValue"/> logs those steps again.
    /// </summary>
    /// <param name="key">The column to test, e.g. <see cref="MetricKeys.TotalTimesteps"/>; nothing is dropped while the file lacks it.</param>
    /// <param name="maxValue">The largest value kept.</param>
    /// <returns>The number of rows dropped.</returns>
    public int DiscardRowsAfter(string key, double maxValue)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!_headerWritten || !_columnByKey.TryGetValue(key, out int column))
        {
            return 0;
        }

        _writer.Flush();
        string[] lines = File.ReadAllLines(FilePath);
        var kept = new List<string>(lines.Length);
        for (int i = 1; i < lines.Length; i++)
        {
            // Cells are numbers, never quoted, so a plain split finds them; a short row is a torn write.
            string[] cells = lines[i].Split(',');
            bool complete = cells.Length == _columns.Count;
            bool late = complete && TryParseValue(cells[column], out double value) && value > maxValue;
            if (complete && !late)
            {
                kept.Add(lines[i]);
            }
        }

        int dropped = lines.Length - 1 - kept.Count;
        if (dropped == 0)
        {
            return 0;
        }

        _writer.Dispose();
        AtomicFile.Write(FilePath, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true) { NewLine = "\n" };
            writer.Write(lines[0]);
            writer.Write('\n');
            foreach (string line in kept)
            {
                writer.Write(line);
                writer.Write('\n');
            }
        });
        _writer = OpenWriter(FileMode.Append);
        return dropped;
    }

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();

    /// <summary>Parses a cell written by this sink; false for an empty (missing) cell or malformed text.</summary>
    /// <param name="cell">The cell's text.</param>
    /// <param name="value">The parsed value.</param>
    public static bool TryParseValue(ReadOnlySpan<char> cell, out double value)
    {
        switch (cell)
        {
            case "nan":
                value = double.NaN;
                return true;
            case "inf":
                value = double.PositiveInfinity;
                return true;
            case "-inf":
                value = double.NegativeInfinity;
                return true;
            default:
                return double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && cell.Length > 0;
        }
    }

    private static int FormatValue(double value, Span<char> destination)
    {
        string? special = double.IsNaN(value) ? "nan"
            : double.IsPositiveInfinity(value) ? "inf"
            : double.IsNegativeInfinity(value) ? "-inf"
            : null;
        if (special is not null)
        {
            special.CopyTo(destination);
            return special.Length;
        }

        // "R" is the shortest round-trip form: the same double always gives the same text.
        value.TryFormat(destination, out int written, "R", CultureInfo.InvariantCulture);
        return written;
    }

    private void AddNewColumns(IReadOnlyList<KeyValuePair<string, double>> metrics)
    {
        _newKeys.Clear();
        for (int i = 0; i < metrics.Count; i++)
        {
            string key = metrics[i].Key;
            if (!_columnByKey.ContainsKey(key) && !_newKeys.Contains(key))
            {
                _newKeys.Add(key);
            }
        }

        if (_newKeys.Count == 0)
        {
            return;
        }

        _newKeys.Sort(StringComparer.Ordinal);
        int previousColumnCount = _columns.Count;
        foreach (string key in _newKeys)
        {
            _columnByKey.Add(key, _columns.Count);
            _columns.Add(key);
        }

        _row = new double[_columns.Count];
        _present = new bool[_columns.Count];
        if (!_headerWritten)
        {
            WriteHeader(_writer);
            _headerWritten = true;
        }
        else
        {
            RewriteWithExtendedHeader(_columns.Count - previousColumnCount);
        }
    }

    private void RewriteWithExtendedHeader(int addedColumns)
    {
        _writer.Dispose();
        string[] lines = File.ReadAllLines(FilePath);
        string padding = new(',', addedColumns);
        AtomicFile.Write(FilePath, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true) { NewLine = "\n" };
            WriteHeader(writer);
            for (int i = 1; i < lines.Length; i++)
            {
                writer.Write(lines[i]);
                writer.Write(padding);
                writer.Write('\n');
            }
        });
        _writer = OpenWriter(FileMode.Append);
    }

    private void WriteHeader(TextWriter writer)
    {
        for (int column = 0; column < _columns.Count; column++)
        {
            if (column > 0)
            {
                writer.Write(',');
            }

            writer.Write(QuoteIfNeeded(_columns[column]));
        }

        writer.Write('\n');
    }

    // The header's fields, unquoted (RFC 4180); empty when the file is empty.
    private static List<string> ReadHeader(string path)
    {
        using var reader = new StreamReader(path);
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        bool any = false;
        for (int c = reader.Read(); c >= 0; c = reader.Read())
        {
            any = true;
            char ch = (char)c;
            if (quoted)
            {
                if (ch == '"' && reader.Peek() == '"')
                {
                    field.Append('"');
                    reader.Read();
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (ch is '\n' or '\r')
            {
                break;
            }
            else
            {
                field.Append(ch);
            }
        }

        if (any)
        {
            fields.Add(field.ToString());
        }

        return fields;
    }

    // A row torn by a crash must not swallow the first appended one.
    private static void EnsureTrailingNewline(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        if (stream.Length == 0)
        {
            return;
        }

        stream.Seek(-1, SeekOrigin.End);
        if (stream.ReadByte() != '\n')
        {
            stream.WriteByte((byte)'\n');
        }
    }

    // RFC 4180: a field holding a comma, quote or line break is quoted, with quotes doubled.
    private static string QuoteIfNeeded(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    private StreamWriter OpenWriter(FileMode mode) =>
        new(new FileStream(FilePath, mode, FileAccess.Write, FileShare.Read)) { NewLine = "\n" };
}
