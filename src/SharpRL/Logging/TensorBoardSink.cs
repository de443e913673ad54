using System.Buffers.Binary;
using System.Text;

namespace SharpRL.Logging;

/// <summary>
/// Writes scalars to a TensorBoard event file (<c>events.out.tfevents.&lt;unix-time&gt;.&lt;host&gt;</c>)
/// without a protobuf or TensorFlow dependency: the few message fields TensorBoard needs are
/// encoded by hand and framed as TFRecords.
/// </summary>
/// <remarks>
/// File layout: a sequence of records, each
/// <c>uint64 length (LE) · uint32 masked CRC-32C(length bytes) · data · uint32 masked CRC-32C(data)</c>.
/// The first record's data is <c>Event{wall_time = 1, file_version = 3: "brain.Event:2"}</c>; each
/// <see cref="Write"/> then appends one
/// <c>Event{wall_time = 1 (double), step = 2 (int64), summary = 5: Summary{value = 1 (repeated): Value{tag = 1 (string), simple_value = 2 (float)}}}</c>
/// holding all scalars of the update. One event per update, rather than one per scalar as
/// PyTorch's SummaryWriter writes, gives the same curves in TensorBoard in a smaller file.
/// The file is flushed to the operating system on every <see cref="Flush"/>, so TensorBoard
/// shows a run while it trains.
/// </remarks>
public sealed class TensorBoardSink : IMetricsSink
{
    /// <summary>The version string TensorBoard expects in the first event of a file.</summary>
    public const string FileVersion = "brain.Event:2";

    // Protobuf field keys: (field number << 3) | wire type, with wire types 1 = fixed64,
    // 0 = varint, 2 = length-delimited, 5 = fixed32.
    private const byte EventWallTimeKey = (1 << 3) | 1;
    private const byte EventStepKey = (2 << 3) | 0;
    private const byte EventFileVersionKey = (3 << 3) | 2;
    private const byte EventSummaryKey = (5 << 3) | 2;
    private const byte EventSessionLogKey = (7 << 3) | 2;
    private const byte SessionLogStatusKey = (1 << 3) | 0;
    private const byte SessionLogStart = 1;
    private const byte SummaryValueKey = (1 << 3) | 2;
    private const byte ValueTagKey = (1 << 3) | 2;
    private const byte ValueSimpleValueKey = (2 << 3) | 5;

    private const int RecordHeaderLength = 12;
    private const int RecordFooterLength = 4;

    private readonly TimeProvider _timeProvider;
    private FileStream? _stream;
    private byte[] _buffer = new byte[4096];

    /// <summary>Creates the event file in <paramref name="logDirectory"/> (created if missing) and writes its version record.</summary>
    /// <param name="logDirectory">The run's directory; point TensorBoard's <c>--logdir</c> at it or its parent.</param>
    /// <param name="timeProvider">Source of wall-clock time for the file name and events; the system clock when null.</param>
    /// <param name="hostName">Host name in the file name; <see cref="Environment.MachineName"/> when null.</param>
    /// <param name="deferCreation">Create the file only when the first step is written, so a run that writes none leaves none.</param>
    public TensorBoardSink(string logDirectory, TimeProvider? timeProvider = null, string? hostName = null, bool deferCreation = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(logDirectory);
        _timeProvider = timeProvider ?? TimeProvider.System;
        Directory.CreateDirectory(logDirectory);

        long unixSeconds = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        string host = hostName ?? Environment.MachineName;
        string baseName = string.Create(CultureInfo.InvariantCulture, $"events.out.tfevents.{unixSeconds:D10}.{host}");
        string path = Path.Combine(logDirectory, baseName);

        // Two sinks started in the same second in one directory must not share (and corrupt) a file.
        for (int suffix = 1; File.Exists(path); suffix++)
        {
            path = Path.Combine(logDirectory, string.Create(CultureInfo.InvariantCulture, $"{baseName}.{suffix}"));
        }

        FilePath = Path.GetFullPath(path);
        if (!deferCreation)
        {
            Open();
        }
    }

    /// <summary>Full path of the event file (it may not exist yet when creation is deferred).</summary>
    public string FilePath { get; }

    /// <summary>
    /// For a resumed run: steps after this one, logged by the interrupted run, are logged again. The file
    /// then starts with a SessionLog START event at the next step, which tells TensorBoard to drop the
    /// earlier files' events from that step on (TensorBoard's purge of orphaned data after a restart).
    /// </summary>
    public long? PurgeAfterStep { get; init; }

    /// <inheritdoc />
    public void Write(long step, IReadOnlyList<KeyValuePair<string, double>> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (metrics.Count == 0)
        {
            return;
        }

        int summaryLength = 0;
        for (int i = 0; i < metrics.Count; i++)
        {
            int valueLength = ValueMessageLength(metrics[i].Key);
            summaryLength += 1 + VarintLength((ulong)valueLength) + valueLength;
        }

        if (_stream is null)
        {
            Open();
        }

        int eventLength = 9 + 1 + VarintLength(unchecked((ulong)step)) + 1 + VarintLength((ulong)summaryLength) + summaryLength;
        Span<byte> data = BeginRecord(eventLength);
        int at = WriteFixed64Field(data, 0, EventWallTimeKey, WallTime());
        data[at++] = EventStepKey;

        // int64 is encoded as the varint of its two's-complement bits (negative steps take 10 bytes).
        at += WriteVarint(data[at..], unchecked((ulong)step));
        data[at++] = EventSummaryKey;
        at += WriteVarint(data[at..], (ulong)summaryLength);
        for (int i = 0; i < metrics.Count; i++)
        {
            at = WriteValueMessage(data, at, metrics[i].Key, (float)metrics[i].Value);
        }

        EndRecord(eventLength);
    }

    /// <inheritdoc />
    public void Flush() => _stream?.Flush();

    /// <inheritdoc />
    public void Dispose() => _stream?.Dispose();

    private void Open()
    {
        _stream = new FileStream(FilePath, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        WriteFileVersionEvent();
        if (PurgeAfterStep is long step)
        {
            WriteSessionStartEvent(step + 1);
        }

        _stream.Flush();
    }

    private void WriteSessionStartEvent(long step)
    {
        // Event { wall_time, step, session_log: SessionLog { status: START } }.
        const int sessionLogLength = 2;
        int eventLength = 9 + 1 + VarintLength(unchecked((ulong)step)) + 1 + 1 + sessionLogLength;
        Span<byte> data = BeginRecord(eventLength);
        int at = WriteFixed64Field(data, 0, EventWallTimeKey, WallTime());
        data[at++] = EventStepKey;
        at += WriteVarint(data[at..], unchecked((ulong)step));
        data[at++] = EventSessionLogKey;
        data[at++] = sessionLogLength;
        data[at++] = SessionLogStatusKey;
        data[at] = SessionLogStart;
        EndRecord(eventLength);
    }

    private void WriteFileVersionEvent()
    {
        int versionLength = Encoding.UTF8.GetByteCount(FileVersion);
        int eventLength = 9 + 1 + VarintLength((ulong)versionLength) + versionLength;
        Span<byte> data = BeginRecord(eventLength);
        int at = WriteFixed64Field(data, 0, EventWallTimeKey, WallTime());
        data[at++] = EventFileVersionKey;
        at += WriteVarint(data[at..], (ulong)versionLength);
        Encoding.UTF8.GetBytes(FileVersion, data[at..]);
        EndRecord(eventLength);
    }

    private double WallTime() =>
        (_timeProvider.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;

    // Returns the span where the event's bytes go, between the record header and footer.
    private Span<byte> BeginRecord(int dataLength)
    {
        int recordLength = RecordHeaderLength + dataLength + RecordFooterLength;
        if (_buffer.Length < recordLength)
        {
            _buffer = new byte[Math.Max(recordLength, 2 * _buffer.Length)];
        }

        return _buffer.AsSpan(RecordHeaderLength, dataLength);
    }

    private void EndRecord(int dataLength)
    {
        Span<byte> record = _buffer.AsSpan(0, RecordHeaderLength + dataLength + RecordFooterLength);
        BinaryPrimitives.WriteUInt64LittleEndian(record, (ulong)dataLength);
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], Crc32C.Mask(Crc32C.Compute(record[..8])));
        uint dataCrc = Crc32C.Mask(Crc32C.Compute(record.Slice(RecordHeaderLength, dataLength)));
        BinaryPrimitives.WriteUInt32LittleEndian(record[(RecordHeaderLength + dataLength)..], dataCrc);
        _stream!.Write(record);
    }

    private static int ValueMessageLength(string tag)
    {
        int tagLength = Encoding.UTF8.GetByteCount(tag);
        return 1 + VarintLength((ulong)tagLength) + tagLength + 1 + 4;
    }

    private static int WriteValueMessage(Span<byte> data, int at, string tag, float simpleValue)
    {
        int tagLength = Encoding.UTF8.GetByteCount(tag);
        int valueLength = 1 + VarintLength((ulong)tagLength) + tagLength + 1 + 4;
        data[at++] = SummaryValueKey;
        at += WriteVarint(data[at..], (ulong)valueLength);
        data[at++] = ValueTagKey;
        at += WriteVarint(data[at..], (ulong)tagLength);
        at += Encoding.UTF8.GetBytes(tag, data[at..]);
        data[at++] = ValueSimpleValueKey;
        BinaryPrimitives.WriteSingleLittleEndian(data[at..], simpleValue);
        return at + 4;
    }

    private static int WriteFixed64Field(Span<byte> data, int at, byte key, double value)
    {
        data[at] = key;
        BinaryPrimitives.WriteDoubleLittleEndian(data[(at + 1)..], value);
        return at + 9;
    }

    // Varint: 7 bits per byte, least significant group first, high bit set on all but the last byte.
    private static int WriteVarint(Span<byte> destination, ulong value)
    {
        int length = 0;
        while (value >= 0x80)
        {
            destination[length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[length++] = (byte)value;
        return length;
    }

    private static int VarintLength(ulong value)
    {
        int length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }

        return length;
    }
}
