using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using SharpRL.IO;

namespace SharpRL.Serialization;

/// <summary>
/// Saves and loads <see cref="CheckpointData"/> as a pair of files in a directory:
/// <c>&lt;name&gt;.&lt;generation&gt;.safetensors</c> (all tensors, loadable by PyTorch's safetensors)
/// and <c>&lt;name&gt;.json</c> (everything else, plus the weights file's name, size and SHA-256).
/// </summary>
/// <remarks>
/// <para>
/// Crash safety: every save writes its weights to a new file name (the generation number
/// increases), then atomically replaces the JSON so that it points to the new weights, and only
/// then deletes older weights files. A crash at any moment therefore leaves a JSON that points to
/// a complete weights file written by the same save: the previous pair until the JSON is
/// replaced, the new pair afterwards. Leftovers of an interrupted save (an orphaned weights file)
/// are removed by the next save. Two processes must not save to the same name at once.
/// </para>
/// <para>
/// The SHA-256 detects a weights file that is not the one the JSON was written with (a partial
/// copy, files mixed from two runs); the size check catches truncation with a clearer message.
/// The JSON's own fields are covered too: <c>metadata_sha256</c> holds one SHA-256 per field (per
/// key of <c>extra</c>), so an edited counter, generator state or env state is refused by name
/// instead of silently changing a resumed run. (This guards against accidents, not against someone
/// who recomputes the digests.)
/// </para>
/// <para>
/// A reader racing a writer (evaluating a run while it trains) may read a JSON whose weights file
/// the writer deletes a moment later; <see cref="Load"/> then reads the new JSON and tries again.
/// </para>
/// </remarks>
public static class Checkpoint
{
    /// <summary>Version written by this build; files with a higher version are refused.</summary>
    public const int FormatVersion = 1;

    /// <summary>The file-name stem used when none is given.</summary>
    public const string DefaultName = "checkpoint";

    /// <summary>Value of the "format" field identifying a SharpRL checkpoint's JSON.</summary>
    public const string FormatName = "sharprl-checkpoint";

    private const string WeightsExtension = ".safetensors";

    private static readonly JsonSerializerOptions SidecarOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Path of the JSON metadata file of checkpoint <paramref name="name"/> in <paramref name="directory"/>.</summary>
    /// <param name="directory">The checkpoint directory.</param>
    /// <param name="name">The file-name stem.</param>
    public static string MetadataPath(string directory, string name = DefaultName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ValidateName(name);
        return Path.Combine(directory, name + ".json");
    }

    /// <summary>Saves a checkpoint (see the type's remarks for the crash-safety protocol).</summary>
    /// <param name="directory">Created if missing.</param>
    /// <param name="data">What to save; its <see cref="CheckpointData.FormatVersion"/> and <see cref="CheckpointData.SourcePath"/> are ignored.</param>
    /// <param name="name">File-name stem: letters, digits, '-', '_' and '.' only.</param>
    /// <returns>The path of the JSON metadata file.</returns>
    public static string Save(string directory, CheckpointData data, string name = DefaultName)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrWhiteSpace(data.Algorithm, nameof(data));
        string metadataPath = Path.GetFullPath(MetadataPath(directory, name));
        string fullDirectory = Path.GetDirectoryName(metadataPath)!;
        Directory.CreateDirectory(fullDirectory);

        var safetensorsMetadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = FormatName,
            ["format_version"] = FormatVersion.ToString(CultureInfo.InvariantCulture),
            ["algorithm"] = data.Algorithm,
        };
        byte[] weights = SafeTensors.Serialize(data.Tensors, safetensorsMetadata);
        string hash = Convert.ToHexStringLower(SHA256.HashData(weights));

        long generation = 1 + ExistingGenerations(fullDirectory, name).Select(g => g.Generation).DefaultIfEmpty(0).Max();
        string weightsFile = string.Create(CultureInfo.InvariantCulture, $"{name}.{generation:D6}{WeightsExtension}");
        string weightsPath = Path.Combine(fullDirectory, weightsFile);
        AtomicFile.WriteAllBytes(weightsPath, weights);
        FaultInjection?.Invoke(SaveStage.WeightsWritten);

        var sidecar = new JsonObject
        {
            ["format"] = FormatName,
            ["format_version"] = FormatVersion,
            ["algorithm"] = data.Algorithm,
            ["weights_file"] = weightsFile,
            ["weights_bytes"] = weights.LongLength,
            ["weights_sha256"] = hash,
            ["observation_space"] = data.ObservationSpace,
            ["action_space"] = data.ActionSpace,
            ["counters"] = new JsonObject(data.Counters.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)JsonValue.Create(c.Value)))),
            ["tensors"] = new JsonArray([.. data.Tensors.Select(t => (JsonNode?)JsonValue.Create(t.Name))]),
            ["options"] = data.Options.DeepClone(),
            ["extra"] = data.Extra.DeepClone(),
        };
        sidecar[DigestField] = Digests(sidecar);

        try
        {
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(sidecar, SidecarOptions);
            AtomicFile.WriteAllBytes(metadataPath, json);
        }
        catch
        {
            // The old JSON still points to the old weights; the new file would only be an orphan.
            TryDelete(weightsPath);
            throw;
        }

        FaultInjection?.Invoke(SaveStage.MetadataReplaced);
        foreach ((string path, long oldGeneration) in ExistingGenerations(fullDirectory, name))
        {
            if (oldGeneration != generation)
            {
                TryDelete(path);
            }
        }

        FaultInjection?.Invoke(SaveStage.Completed);
        return metadataPath;
    }

    /// <summary>
    /// Removes checkpoint <paramref name="name"/> from <paramref name="directory"/>: the JSON first, so no
    /// reader ever finds a JSON whose weights are gone, then every weights generation. Missing files are fine.
    /// </summary>
    public static void Delete(string directory, string name = DefaultName)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string fullDirectory = Path.GetFullPath(directory);
        if (!Directory.Exists(fullDirectory))
        {
            return;
        }

        File.Delete(MetadataPath(fullDirectory, name));
        foreach ((string path, _) in ExistingGenerations(fullDirectory, name))
        {
            TryDelete(path);
        }
    }

    /// <summary>Loads and verifies a checkpoint.</summary>
    /// <param name="directory">The directory given to <see cref="Save"/>.</param>
    /// <param name="expectedAlgorithm">When not null, the algorithm the checkpoint must come from (case-insensitive).</param>
    /// <param name="name">The file-name stem given to <see cref="Save"/>.</param>
    /// <exception cref="CheckpointException">A file is missing, truncated or corrupt, the pair does not match, the version is newer than this build, or the algorithm differs.</exception>
    public static CheckpointData Load(string directory, string? expectedAlgorithm = null, string name = DefaultName)
    {
        string metadataPath = Path.GetFullPath(MetadataPath(directory, name));
        for (int attempt = 1; ; attempt++)
        {
            byte[]? sidecarBytes = null;
            try
            {
                return LoadOnce(metadataPath, name, expectedAlgorithm, out sidecarBytes);
            }
            catch (CheckpointException) when (attempt < MaxLoadAttempts && sidecarBytes is not null && SidecarChanged(metadataPath, sidecarBytes))
            {
                // A save replaced the JSON (and deleted the weights it named) while we read: read the new pair.
            }
        }
    }

    /// <summary>Stages of <see cref="Save"/>, for tests that inject a crash there (<see cref="FaultInjection"/>).</summary>
    internal enum SaveStage
    {
        /// <summary>The new weights file is complete; the JSON still names the previous one.</summary>
        WeightsWritten,

        /// <summary>The JSON names the new weights; older generations are not deleted yet.</summary>
        MetadataReplaced,

        /// <summary>The save is complete.</summary>
        Completed,
    }

    /// <summary>Called at each <see cref="SaveStage"/> of every save (tests throw from it to simulate a crash there); null in production.</summary>
    internal static Action<SaveStage>? FaultInjection { get; set; }

    private const int MaxLoadAttempts = 3;

    private const string DigestField = "metadata_sha256";

    private static bool SidecarChanged(string metadataPath, byte[] read)
    {
        try
        {
            return !File.ReadAllBytes(metadataPath).AsSpan().SequenceEqual(read);
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>The per-field digests of a sidecar (tests use it to make an edited file pass the digest check).</summary>
    internal static JsonObject ComputeDigests(JsonObject sidecar) => Digests(sidecar);

    // One digest per field (per key of "extra"), of its JSON text as this class writes it.
    private static JsonObject Digests(JsonObject sidecar)
    {
        var digests = new JsonObject();
        foreach ((string field, JsonNode? value) in sidecar)
        {
            if (field == DigestField)
            {
                continue;
            }

            if (field == "extra" && value is JsonObject extra)
            {
                foreach ((string key, JsonNode? item) in extra)
                {
                    digests["extra." + key] = Digest(item);
                }
            }
            else
            {
                digests[field] = Digest(value);
            }
        }

        return digests;
    }

    private static string Digest(JsonNode? node) =>
        Convert.ToHexStringLower(SHA256.HashData(node is null ? "null"u8.ToArray() : JsonSerializer.SerializeToUtf8Bytes(node, SidecarOptions)));

    private static void VerifyDigests(JsonObject sidecar, string metadataPath)
    {
        JsonNode? stored = sidecar[DigestField];
        if (stored is null)
        {
            // Written before digests existed: the fields are still type- and range-checked by their readers.
            return;
        }

        if (stored is not JsonObject expected)
        {
            throw new CheckpointException($"'{metadataPath}': \"{DigestField}\" must be an object of per-field SHA-256 digests, but is {Shorten(stored.ToJsonString())}.");
        }

        JsonObject actual = Digests(sidecar);
        var changed = new List<string>();
        foreach ((string field, JsonNode? digest) in actual)
        {
            if (expected[field] is not JsonValue value || !value.TryGetValue(out string? text) || !string.Equals(text, digest!.GetValue<string>(), StringComparison.Ordinal))
            {
                changed.Add(expected.ContainsKey(field) ? field : field + " (added)");
            }
        }

        changed.AddRange(expected.Select(p => p.Key).Where(field => !actual.ContainsKey(field)).Select(field => field + " (removed)"));
        if (changed.Count > 0)
        {
            throw new CheckpointException(
                $"'{metadataPath}' was modified after it was saved: {string.Join(", ", changed.Take(8))}{(changed.Count > 8 ? ", …" : "")} no longer match(es) the digests in \"{DigestField}\". " +
                "A resumed run would silently continue from other values; restore the file (or the run folder) from a copy, or start a new run.");
        }
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";

    private static CheckpointData LoadOnce(string metadataPath, string name, string? expectedAlgorithm, out byte[]? sidecarBytes)
    {
        sidecarBytes = null;
        if (!File.Exists(metadataPath))
        {
            throw new CheckpointException(Directory.Exists(Path.GetDirectoryName(metadataPath))
                ? $"No checkpoint '{name}' in '{Path.GetDirectoryName(metadataPath)}': '{metadataPath}' does not exist."
                : $"No checkpoint: the directory '{Path.GetDirectoryName(metadataPath)}' does not exist.");
        }

        JsonObject sidecar = ReadSidecar(metadataPath, out sidecarBytes);
        string format = RequiredString(sidecar, "format", metadataPath);
        if (format != FormatName)
        {
            throw new CheckpointException($"'{metadataPath}' is not a SharpRL checkpoint: its \"format\" is '{format}', expected '{FormatName}'.");
        }

        long version = RequiredInteger(sidecar, "format_version", metadataPath);
        if (version < 1 || version > FormatVersion)
        {
            throw new CheckpointException($"'{metadataPath}' has format version {version}; this build of SharpRL reads versions 1 to {FormatVersion} (saved by a newer SharpRL?).");
        }

        string algorithm = RequiredString(sidecar, "algorithm", metadataPath);
        if (expectedAlgorithm is not null && !string.Equals(algorithm, expectedAlgorithm, StringComparison.OrdinalIgnoreCase))
        {
            throw new CheckpointException($"'{metadataPath}' is a checkpoint of algorithm '{algorithm}', but '{expectedAlgorithm}' was expected.");
        }

        SafeTensorsFile weights = ReadWeights(sidecar, metadataPath);
        VerifyDigests(sidecar, metadataPath);
        return new CheckpointData
        {
            Algorithm = algorithm,
            FormatVersion = (int)version,
            Options = OptionalObject(sidecar, "options", metadataPath),
            ObservationSpace = OptionalString(sidecar, "observation_space", metadataPath),
            ActionSpace = OptionalString(sidecar, "action_space", metadataPath),
            Counters = ReadCounters(sidecar, metadataPath),
            Tensors = weights.Tensors,
            Extra = OptionalObject(sidecar, "extra", metadataPath),
            SourcePath = metadataPath,
        };
    }

    private static JsonObject ReadSidecar(string metadataPath, out byte[]? bytes)
    {
        JsonNode? root;
        bytes = null;
        try
        {
            bytes = File.ReadAllBytes(metadataPath);

            // The parser checks the structure but decodes strings only when they are read, so a corrupt byte inside a
            // string would surface later as an unnamed transcoding error; check the whole text first.
            if (!System.Text.Unicode.Utf8.IsValid(bytes))
            {
                throw new CheckpointException($"'{metadataPath}' is not valid UTF-8 text (corrupt): a checkpoint sidecar is JSON written in UTF-8.");
            }

            root = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            throw new CheckpointException($"'{metadataPath}' is not valid JSON (truncated or corrupt): {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException($"'{metadataPath}' could not be read: {ex.Message}", ex);
        }

        return root as JsonObject
            ?? throw new CheckpointException($"'{metadataPath}' must hold a JSON object, but holds {root?.GetValueKind().ToString() ?? "null"}.");
    }

    private static SafeTensorsFile ReadWeights(JsonObject sidecar, string metadataPath)
    {
        string weightsFile = RequiredString(sidecar, "weights_file", metadataPath);

        // The name comes from a file that may have been edited or crafted: never follow it out of the directory.
        if (weightsFile != Path.GetFileName(weightsFile) || weightsFile is "." or ".." || !weightsFile.EndsWith(WeightsExtension, StringComparison.Ordinal))
        {
            throw new CheckpointException($"'{metadataPath}' names the weights file '{weightsFile}'; expected a plain file name ending in '{WeightsExtension}' in the same directory.");
        }

        string weightsPath = Path.Combine(Path.GetDirectoryName(metadataPath)!, weightsFile);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(weightsPath);
        }
        catch (FileNotFoundException ex)
        {
            throw new CheckpointException($"'{metadataPath}' refers to the weights file '{weightsPath}', which does not exist (deleted, or not copied along with the JSON?).", ex);
        }
        catch (IOException ex)
        {
            throw new CheckpointException($"The weights file '{weightsPath}' could not be read: {ex.Message}", ex);
        }

        long expectedBytes = RequiredInteger(sidecar, "weights_bytes", metadataPath);
        if (bytes.LongLength != expectedBytes)
        {
            throw new CheckpointException($"The weights file '{weightsPath}' is {bytes.LongLength} bytes, but '{metadataPath}' records {expectedBytes} bytes ({(bytes.LongLength < expectedBytes ? "truncated" : "a different file")}?).");
        }

        string expectedHash = RequiredString(sidecar, "weights_sha256", metadataPath);
        string actualHash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(actualHash, expectedHash, StringComparison.OrdinalIgnoreCase))
        {
            throw new CheckpointException(
                $"The weights file '{weightsPath}' has SHA-256 {actualHash}, but '{metadataPath}' records {expectedHash}: " +
                "the weights do not belong to this metadata (corrupted, or files mixed from different saves).");
        }

        try
        {
            return SafeTensors.Deserialize(bytes, weightsPath);
        }
        catch (InvalidDataException ex)
        {
            throw new CheckpointException(ex.Message, ex);
        }
    }

    private static Dictionary<string, long> ReadCounters(JsonObject sidecar, string metadataPath)
    {
        var counters = new Dictionary<string, long>(StringComparer.Ordinal);
        if (sidecar["counters"] is null)
        {
            return counters;
        }

        if (sidecar["counters"] is not JsonObject node)
        {
            throw new CheckpointException($"'{metadataPath}': \"counters\" must be an object of integers.");
        }

        foreach ((string key, JsonNode? value) in node)
        {
            counters[key] = value is JsonValue v && v.TryGetValue(out long n)
                ? n
                : throw new CheckpointException($"'{metadataPath}': counter '{key}' must be an integer, but is {value?.ToJsonString() ?? "null"}.");
        }

        return counters;
    }

    private static string RequiredString(JsonObject sidecar, string field, string metadataPath) =>
        OptionalString(sidecar, field, metadataPath)
        ?? throw new CheckpointException($"'{metadataPath}' lacks the required string field \"{field}\".");

    private static string? OptionalString(JsonObject sidecar, string field, string metadataPath)
    {
        JsonNode? node = sidecar[field];
        if (node is null)
        {
            return null;
        }

        return node is JsonValue value && value.TryGetValue(out string? text)
            ? text
            : throw new CheckpointException($"'{metadataPath}': \"{field}\" must be a string, but is {node.ToJsonString()}.");
    }

    private static long RequiredInteger(JsonObject sidecar, string field, string metadataPath)
    {
        JsonNode? node = sidecar[field];
        return node is JsonValue value && value.TryGetValue(out long number)
            ? number
            : throw new CheckpointException($"'{metadataPath}' needs the integer field \"{field}\", but it is {node?.ToJsonString() ?? "missing"}.");
    }

    private static JsonObject OptionalObject(JsonObject sidecar, string field, string metadataPath)
    {
        JsonNode? node = sidecar[field];
        return node switch
        {
            null => [],
            JsonObject obj => (JsonObject)obj.DeepClone(),
            _ => throw new CheckpointException($"'{metadataPath}': \"{field}\" must be an object, but is {node.ToJsonString()}."),
        };
    }

    private static IEnumerable<(string Path, long Generation)> ExistingGenerations(string directory, string name)
    {
        string prefix = name + ".";
        foreach (string path in Directory.EnumerateFiles(directory, prefix + "*" + WeightsExtension))
        {
            string file = Path.GetFileName(path);
            if (!file.StartsWith(prefix, StringComparison.Ordinal) || !file.EndsWith(WeightsExtension, StringComparison.Ordinal))
            {
                continue;
            }

            ReadOnlySpan<char> middle = file.AsSpan(prefix.Length, file.Length - prefix.Length - WeightsExtension.Length);
            if (middle.Length > 0 && !middle.ContainsAnyExceptInRange('0', '9') && long.TryParse(middle, NumberStyles.None, CultureInfo.InvariantCulture, out long generation))
            {
                yield return (path, generation);
            }
        }
    }

    private static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw new ArgumentException($"name must contain only ASCII letters, digits, '-', '_' and '.'; got '{name}'.", nameof(name));
            }
        }

        if (name.StartsWith('.'))
        {
            throw new ArgumentException($"name must not start with '.'; got '{name}'.", nameof(name));
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A stale weights file wastes space but never breaks loading: the JSON names the current one.
        }
    }
}
