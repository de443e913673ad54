using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using SharpRL.IO;

namespace SharpRL.Serialization;

/// <summary>
/// Reads and writes the safetensors format (Hugging Face), so weights saved here load in PyTorch
/// with <c>safetensors.torch.load_file</c> and vice versa.
/// </summary>
/// <remarks>
/// Layout: an 8-byte little-endian header length N; N bytes of UTF-8 JSON
/// <c>{"__metadata__": {string: string}, "name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, …}</c>
/// padded with spaces so the data starts on an 8-byte boundary; then the tensors' bytes,
/// little-endian and row-major, with offsets relative to the end of the header. As in the
/// reference implementation, the tensors must tile the data exactly: sorted by offset they start
/// at 0, each begins where the previous ends, and the last ends at the end of the file.
/// The reader checks all of this and says which rule a file breaks. Files are read whole, so
/// the limit is what fits in memory (checkpoints of RL networks are small).
/// </remarks>
public static class SafeTensors
{
    /// <summary>The header key reserved for the string-to-string metadata map.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>Largest header the reader accepts, the reference implementation's limit.</summary>
    public const int MaxHeaderLength = 100_000_000;

    private static readonly JsonWriterOptions HeaderWriterOptions = new()
    {
        // Only JSON's mandatory escapes, so names and metadata stay readable in the header.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>Serialises tensors (data in the given order) and optional metadata to bytes.</summary>
    /// <param name="tensors">Tensors with distinct names.</param>
    /// <param name="metadata">Free-form string pairs stored under <see cref="MetadataKey"/>; omitted when null or empty.</param>
    public static byte[] Serialize(IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var stream = new MemoryStream();
        Write(stream, tensors, metadata);
        return stream.ToArray();
    }

    /// <summary>Writes tensors (data in the given order) and optional metadata to a stream.</summary>
    /// <param name="stream">A writable stream, positioned where the file starts.</param>
    /// <param name="tensors">Tensors with distinct names.</param>
    /// <param name="metadata">Free-form string pairs stored under <see cref="MetadataKey"/>; omitted when null or empty.</param>
    public static void Write(Stream stream, IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        SafeTensor[] list = [.. tensors];
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (SafeTensor tensor in list)
        {
            ArgumentNullException.ThrowIfNull(tensor, nameof(tensors));
            if (!names.Add(tensor.Name))
            {
                throw new ArgumentException($"Two tensors are named '{tensor.Name}'; names in a safetensors file must be unique.", nameof(tensors));
            }
        }

        var header = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(header, HeaderWriterOptions))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (KeyValuePair<string, string> pair in metadata)
                {
                    json.WriteString(pair.Key, pair.Value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (SafeTensor tensor in list)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.DType.HeaderName());
                json.WriteStartArray("shape");
                foreach (int dim in tensor.Shape)
                {
                    json.WriteNumberValue(dim);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += tensor.RawData.Length;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        // Pad with spaces (valid trailing JSON whitespace) so that 8 + N is a multiple of 8 and
        // every tensor's data is aligned for zero-copy loading.
        int padding = (8 - (header.WrittenCount % 8)) % 8;
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)(header.WrittenCount + padding));
        stream.Write(prefix);
        stream.Write(header.WrittenSpan);
        for (int i = 0; i < padding; i++)
        {
            stream.WriteByte((byte)' ');
        }

        foreach (SafeTensor tensor in list)
        {
            stream.Write(tensor.RawData);
        }
    }

    /// <summary>Writes a safetensors file atomically (see <see cref="AtomicFile"/>).</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="tensors">Tensors with distinct names.</param>
    /// <param name="metadata">Free-form string pairs; omitted when null or empty.</param>
    public static void WriteFile(string path, IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        byte[] bytes = Serialize(tensors, metadata);
        AtomicFile.WriteAllBytes(path, bytes);
    }

    /// <summary>Reads and validates a safetensors file.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="InvalidDataException">The file breaks the format; the message names the file and the rule.</exception>
    public static SafeTensorsFile ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return Deserialize(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses and validates safetensors bytes.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="sourceName">Names the source in error messages (a path).</param>
    /// <exception cref="InvalidDataException">The bytes break the format; the message names the source and the rule.</exception>
    public static SafeTensorsFile Deserialize(ReadOnlySpan<byte> bytes, string sourceName = "<memory>")
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        if (bytes.Length < 8)
        {
            throw Invalid(sourceName, $"the file is {bytes.Length} bytes long, shorter than the 8-byte header-length prefix (truncated?)");
        }

        ulong declaredLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (declaredLength > MaxHeaderLength)
        {
            throw Invalid(sourceName, $"the prefix declares a {declaredLength}-byte JSON header, more than the {MaxHeaderLength}-byte limit (not a safetensors file, or corrupt)");
        }

        int headerLength = (int)declaredLength;
        if (headerLength > bytes.Length - 8)
        {
            throw Invalid(sourceName, $"the prefix declares a {headerLength}-byte JSON header but only {bytes.Length - 8} bytes follow it (truncated?)");
        }

        ReadOnlySpan<byte> headerBytes = bytes.Slice(8, headerLength);
        ReadOnlySpan<byte> data = bytes[(8 + headerLength)..];
        var entries = new List<HeaderEntry>();
        Dictionary<string, string> metadata = ParseHeader(headerBytes, sourceName, entries);
        ValidateLayout(entries, data.Length, sourceName);

        var tensors = new List<SafeTensor>(entries.Count);
        foreach (HeaderEntry entry in entries)
        {
            byte[] elements = data[(int)entry.Begin..(int)entry.End].ToArray();
            if (!BitConverter.IsLittleEndian)
            {
                int size = entry.DType.ElementSize();
                for (int i = 0; i < elements.Length; i += size)
                {
                    elements.AsSpan(i, size).Reverse();
                }
            }

            tensors.Add(SafeTensor.FromValidatedBytes(entry.Name, entry.DType, entry.Shape, elements));
        }

        return new SafeTensorsFile(sourceName, tensors, metadata);
    }

    private static Dictionary<string, string> ParseHeader(ReadOnlySpan<byte> headerBytes, string sourceName, List<HeaderEntry> entries)
    {
        string headerText;
        try
        {
            headerText = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(headerBytes);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid(sourceName, "the header is not valid UTF-8 (corrupt?)");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerText);
        }
        catch (JsonException ex)
        {
            throw Invalid(sourceName, $"the header is not well-formed JSON ({ex.Message})");
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(sourceName, $"the header must be a JSON object, but it is a JSON {root.ValueKind}");
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw Invalid(sourceName, $"the header has the key '{property.Name}' twice");
                }

                if (property.Name == MetadataKey)
                {
                    ParseMetadata(property.Value, sourceName, metadata);
                }
                else
                {
                    entries.Add(ParseEntry(property, sourceName));
                }
            }

            return metadata;
        }
    }

    private static void ParseMetadata(JsonElement element, string sourceName, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(sourceName, $"'{MetadataKey}' must be an object of strings, but it is a JSON {element.ValueKind}");
        }

        foreach (JsonProperty pair in element.EnumerateObject())
        {
            if (pair.Value.ValueKind != JsonValueKind.String)
            {
                throw Invalid(sourceName, $"'{MetadataKey}' entry '{pair.Name}' must be a string, but it is a JSON {pair.Value.ValueKind}");
            }

            if (!metadata.TryAdd(pair.Name, pair.Value.GetString()!))
            {
                throw Invalid(sourceName, $"'{MetadataKey}' has the key '{pair.Name}' twice");
            }
        }
    }

    private static HeaderEntry ParseEntry(JsonProperty property, string sourceName)
    {
        string name = property.Name;
        JsonElement info = property.Value;
        if (info.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(sourceName, $"tensor '{name}' must be described by an object with dtype, shape and data_offsets, but it is a JSON {info.ValueKind}");
        }

        if (!info.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw Invalid(sourceName, $"tensor '{name}' has no string 'dtype'");
        }

        string? dtypeName = dtypeElement.GetString();
        if (!SafeTensorDTypeExtensions.TryParseHeaderName(dtypeName, out SafeTensorDType dtype))
        {
            throw Invalid(sourceName, $"tensor '{name}' has dtype '{dtypeName}', which this reader does not support (expected F32, F64, I32 or I64)");
        }

        if (!info.TryGetProperty("shape", out JsonElement shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(sourceName, $"tensor '{name}' has no array 'shape'");
        }

        var shape = new int[shapeElement.GetArrayLength()];
        int axis = 0;
        foreach (JsonElement dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out long value) || value < 0)
            {
                throw Invalid(sourceName, $"tensor '{name}' has shape entry {dim.GetRawText()} at axis {axis}; expected a non-negative integer");
            }

            if (value > int.MaxValue)
            {
                throw Invalid(sourceName, $"tensor '{name}' has dimension {value} at axis {axis}, larger than this reader supports ({int.MaxValue})");
            }

            shape[axis++] = (int)value;
        }

        if (!info.TryGetProperty("data_offsets", out JsonElement offsets)
            || offsets.ValueKind != JsonValueKind.Array
            || offsets.GetArrayLength() != 2
            || !offsets[0].TryGetInt64(out long begin)
            || !offsets[1].TryGetInt64(out long end)
            || begin < 0
            || end < begin)
        {
            string found = info.TryGetProperty("data_offsets", out JsonElement raw) ? raw.GetRawText() : "nothing";
            throw Invalid(sourceName, $"tensor '{name}' has data_offsets {found}; expected [begin, end] with 0 <= begin <= end");
        }

        return new HeaderEntry(name, dtype, shape, begin, end);
    }

    private static void ValidateLayout(List<HeaderEntry> entries, int dataLength, string sourceName)
    {
        entries.Sort(static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expectedBegin = 0;
        string? previous = null;
        foreach (HeaderEntry entry in entries)
        {
            if (entry.Begin != expectedBegin)
            {
                string relation = entry.Begin < expectedBegin ? "overlaps" : "leaves a gap after";
                string what = previous is null ? "the start of the data" : $"tensor '{previous}', which ends at byte {expectedBegin}";
                throw Invalid(sourceName, $"tensor '{entry.Name}' starts at byte {entry.Begin} and so {relation} {what}; tensors must tile the data without gaps or overlaps");
            }

            long byteLength;
            try
            {
                long count = 1;
                foreach (int dim in entry.Shape)
                {
                    count = checked(count * dim);
                }

                byteLength = checked(count * entry.DType.ElementSize());
            }
            catch (OverflowException)
            {
                throw Invalid(sourceName, $"tensor '{entry.Name}' has shape {SafeTensor.FormatShape(entry.Shape)}, whose size overflows a 64-bit integer");
            }

            if (byteLength != entry.End - entry.Begin)
            {
                throw Invalid(sourceName, $"tensor '{entry.Name}' is {entry.DType.HeaderName()} with shape {SafeTensor.FormatShape(entry.Shape)}, i.e. {byteLength} bytes, but its data_offsets [{entry.Begin}, {entry.End}] span {entry.End - entry.Begin} bytes");
            }

            expectedBegin = entry.End;
            previous = entry.Name;
        }

        if (expectedBegin != dataLength)
        {
            string detail = expectedBegin > dataLength ? "the file is truncated" : "there are trailing bytes no tensor claims";
            throw Invalid(sourceName, $"the header's tensors cover {expectedBegin} bytes of data, but {dataLength} bytes follow the header: {detail}");
        }
    }

    private static InvalidDataException Invalid(string sourceName, string problem) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Safetensors file '{sourceName}' is invalid: {problem}."));

    private sealed record HeaderEntry(string Name, SafeTensorDType DType, int[] Shape, long Begin, long End);
}

/// <summary>The tensors and metadata of a validated safetensors file.</summary>
public sealed class SafeTensorsFile
{
    private readonly Dictionary<string, SafeTensor> _byName;

    internal SafeTensorsFile(string sourceName, IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        SourceName = sourceName;
        Tensors = tensors;
        Metadata = metadata;
        _byName = new Dictionary<string, SafeTensor>(tensors.Count, StringComparer.Ordinal);
        foreach (SafeTensor tensor in tensors)
        {
            _byName.Add(tensor.Name, tensor);
        }
    }

    /// <summary>Where the bytes came from (a path), as used in error messages.</summary>
    public string SourceName { get; }

    /// <summary>The tensors in file (offset) order.</summary>
    public IReadOnlyList<SafeTensor> Tensors { get; }

    /// <summary>The <c>__metadata__</c> map; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Looks a tensor up by name.</summary>
    /// <param name="name">The tensor's key.</param>
    /// <param name="tensor">The tensor, when present.</param>
    public bool TryGetTensor(string name, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out SafeTensor tensor) =>
        _byName.TryGetValue(name, out tensor);
}
