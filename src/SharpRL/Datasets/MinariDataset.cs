using System.Text;
using PureHDF;

namespace SharpRL.Datasets;

/// <summary>
/// A dataset of episodes in Minari's on-disk format (Minari 0.5.3, HDF5 backend), readable by
/// <c>minari.MinariDataset(path)</c> and h5py, and able to load what they write:
/// <code>
/// &lt;dataset&gt;/data/main_data.hdf5   one group episode_{i} per episode (attrs id, seed, total_steps) with
///                               observations (T+1, *obs_shape), actions (T, *act_shape), rewards (T,) float64,
///                               terminations (T,) bool, truncations (T,) bool, infos/ (T+1,) per key
/// &lt;dataset&gt;/data/metadata.json     total_episodes, total_steps, data_format "hdf5", observation_space,
///                               action_space, env_spec, dataset_id, minari_version, ...
/// </code>
/// Minari keeps metadata.json inside <c>data/</c> beside the HDF5 file (its storage reads
/// <c>data_path/metadata.json</c>), so SharpRL does too; <see cref="Load"/> accepts the dataset folder or its
/// <c>data/</c> folder. Box values are float32, Discrete and MultiDiscrete values int64, bools the
/// HDF5 enum h5py writes for NumPy's bool.
/// </summary>
public sealed class MinariDataset
{
    /// <summary>The Minari version whose layout this class follows (written as <c>minari_version</c>).</summary>
    public const string MinariVersion = "0.5.3";

    /// <summary>Name of the HDF5 file inside <c>data/</c>.</summary>
    public const string DataFileName = "main_data.hdf5";

    /// <summary>Name of the metadata file inside <c>data/</c>.</summary>
    public const string MetadataFileName = "metadata.json";

    /// <summary>Creates a dataset in memory (validated against the spaces).</summary>
    /// <param name="datasetId">Minari id, e.g. "sharprl/CartPole-v1-expert-v0".</param>
    /// <param name="observationSpace">Space of the observations.</param>
    /// <param name="actionSpace">Space of the actions.</param>
    /// <param name="envSpec">The env the data came from, or null.</param>
    /// <param name="episodes">Episodes, ids 0, 1, 2, ... in order.</param>
    /// <param name="algorithmName">Minari's algorithm_name (who produced the actions), or null.</param>
    public MinariDataset(string datasetId, Space observationSpace, Space actionSpace, EnvSpec? envSpec, IReadOnlyList<Episode> episodes, string? algorithmName = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(datasetId);
        DatasetId = datasetId;
        ObservationSpace = observationSpace ?? throw new ArgumentNullException(nameof(observationSpace));
        ActionSpace = actionSpace ?? throw new ArgumentNullException(nameof(actionSpace));
        EnvSpec = envSpec;
        Episodes = episodes ?? throw new ArgumentNullException(nameof(episodes));
        AlgorithmName = algorithmName;
        for (int i = 0; i < episodes.Count; i++)
        {
            if (episodes[i].Id != i)
            {
                throw new ArgumentException($"Episode {i} has id {episodes[i].Id}; Minari needs ids 0, 1, 2, ... in order.", nameof(episodes));
            }

            Validate(episodes[i], $"dataset '{datasetId}'");
        }
    }

    /// <summary>Minari's dataset id.</summary>
    public string DatasetId { get; }

    /// <summary>Space of the observations.</summary>
    public Space ObservationSpace { get; }

    /// <summary>Space of the actions.</summary>
    public Space ActionSpace { get; }

    /// <summary>The env the data came from, or null when the dataset does not say.</summary>
    public EnvSpec? EnvSpec { get; }

    /// <summary>The episodes.</summary>
    public IReadOnlyList<Episode> Episodes { get; }

    /// <summary>Who produced the actions (Minari's algorithm_name), or null.</summary>
    public string? AlgorithmName { get; }

    /// <summary>Total number of steps (transitions).</summary>
    public long TotalSteps => Episodes.Sum(e => (long)e.Length);

    /// <summary>Mean episode return.</summary>
    public double MeanReturn => Episodes.Count == 0 ? double.NaN : Episodes.Average(e => e.Return);

    /// <summary>
    /// Writes the dataset into <paramref name="directory"/> (which must not exist or be empty):
    /// everything is written into a sibling temporary folder first and renamed into place, so a
    /// crash never leaves a half-written dataset.
    /// </summary>
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string target = Path.GetFullPath(directory);
        if (File.Exists(target) || (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any()))
        {
            throw new IOException($"Dataset folder '{directory}' already exists and is not empty; choose another --out or delete it.");
        }

        if (Episodes.Any(e => e.Length == 0))
        {
            throw new ArgumentException($"Dataset '{DatasetId}' has an episode without steps; Minari episodes have at least one step.");
        }

        string parent = Path.GetDirectoryName(target) ?? ".";
        Directory.CreateDirectory(parent);
        string temporary = Path.Combine(parent, $".{Path.GetFileName(target)}.tmp-{Guid.NewGuid():N}");
        try
        {
            string data = Path.Combine(temporary, "data");
            Directory.CreateDirectory(data);
            BuildFile().Write(Path.Combine(data, DataFileName));
            double sizeMegabytes = Math.Round(new FileInfo(Path.Combine(data, DataFileName)).Length / 1e6, 1);
            File.WriteAllText(Path.Combine(data, MetadataFileName), MetadataJson(sizeMegabytes), new UTF8Encoding(false));
            if (Directory.Exists(target))
            {
                Directory.Delete(target);
            }

            Directory.Move(temporary, target);
        }
        catch
        {
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }

            throw;
        }
    }

    /// <summary>
    /// Loads a dataset folder (or its <c>data/</c> folder), checking every array's type and length
    /// against the spaces and the episode lengths; a problem raises a <see cref="DatasetException"/>
    /// naming the dataset and the field.
    /// </summary>
    public static MinariDataset Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string dataDirectory = File.Exists(Path.Combine(directory, "data", MetadataFileName)) ? Path.Combine(directory, "data")
            : File.Exists(Path.Combine(directory, MetadataFileName)) ? directory
            : throw new DatasetException($"'{directory}' is not a Minari dataset: expected data/{MetadataFileName} and data/{DataFileName} in it.");
        string name = $"dataset '{directory}'";
        JsonObject metadata;
        try
        {
            metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(dataDirectory, MetadataFileName))) as JsonObject
                ?? throw new DatasetException($"{name}: {MetadataFileName} is not a JSON object.");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new DatasetException($"{name}: {MetadataFileName} is not valid JSON ({e.Message}).", e);
        }

        string format = ReadString(metadata, "data_format", name) ?? "hdf5";
        if (format != "hdf5")
        {
            throw new DatasetException($"{name}: data_format is '{format}'; SharpRL reads Minari's hdf5 format.");
        }

        string datasetId = ReadString(metadata, "dataset_id", name) ?? Path.GetFileName(Path.GetFullPath(directory));
        name = $"dataset '{datasetId}' ({directory})";
        Space observationSpace = ReadSpace(metadata, "observation_space", name);
        Space actionSpace = ReadSpace(metadata, "action_space", name);
        EnvSpec? envSpec = null;
        if (ReadString(metadata, "env_spec", name) is string specJson)
        {
            try
            {
                envSpec = MinariEnvSpec.Deserialize(specJson, "env_spec");
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException or System.Text.Json.JsonException)
            {
                throw new DatasetException($"{name}: env_spec cannot be read: {e.Message}", e);
            }
        }

        int totalEpisodes = ReadInt(metadata, "total_episodes", name);
        long totalSteps = ReadInt(metadata, "total_steps", name);
        string dataPath = Path.Combine(dataDirectory, DataFileName);
        if (!File.Exists(dataPath))
        {
            throw new DatasetException($"{name}: {DataFileName} is missing from {dataDirectory}.");
        }

        var episodes = new List<Episode>(totalEpisodes);
        try
        {
            using PureHDF.VOL.Native.NativeFile file = H5File.OpenRead(dataPath);
            for (int i = 0; i < totalEpisodes; i++)
            {
                string group = $"episode_{i}";
                if (!file.LinkExists(group))
                {
                    throw new DatasetException($"{name}: metadata says {totalEpisodes} episodes but {group} is missing from {DataFileName}.");
                }

                episodes.Add(ReadEpisode(file.Group(group), i, observationSpace, actionSpace, $"{name}: {group}"));
            }
        }
        catch (Exception e) when (e is not DatasetException && e is not OutOfMemoryException)
        {
            throw new DatasetException($"{name}: {DataFileName} cannot be read ({e.GetType().Name}: {e.Message}); the file is truncated or not HDF5.", e);
        }

        long steps = episodes.Sum(e => (long)e.Length);
        if (steps != totalSteps)
        {
            throw new DatasetException($"{name}: metadata total_steps is {totalSteps} but the episodes hold {steps} steps.");
        }

        return new MinariDataset(datasetId, observationSpace, actionSpace, envSpec, episodes, ReadString(metadata, "algorithm_name", name));
    }

    /// <summary>
    /// Refuses (with a <see cref="DatasetException"/> naming the dataset and the field) a dataset
    /// whose spaces differ from the env's.
    /// </summary>
    public void RequireSpaces(Space observationSpace, Space actionSpace, string envName)
    {
        ArgumentNullException.ThrowIfNull(observationSpace);
        ArgumentNullException.ThrowIfNull(actionSpace);
        if (!ObservationSpace.Equals(observationSpace))
        {
            throw new DatasetException($"dataset '{DatasetId}': observation_space is {ObservationSpace} but the env {envName} has {observationSpace}.");
        }

        if (!ActionSpace.Equals(actionSpace))
        {
            throw new DatasetException($"dataset '{DatasetId}': action_space is {ActionSpace} but the env {envName} has {actionSpace}.");
        }
    }

    /// <summary>Refuses a dataset whose spaces differ from <paramref name="env"/>'s.</summary>
    public void RequireSpaces(IEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        RequireSpaces(env.ObservationSpace, env.ActionSpace, env.Spec?.Id ?? env.GetType().Name);
    }

    /// <summary>The metadata.json text, as Minari writes it (Python's json.dumps).</summary>
    internal string MetadataJson(double sizeMegabytes)
    {
        var node = new JsonObject
        {
            ["total_episodes"] = (long)Episodes.Count,
            ["total_steps"] = TotalSteps,
            ["data_format"] = "hdf5",
            ["observation_space"] = MinariSpaces.Serialize(ObservationSpace),
            ["action_space"] = MinariSpaces.Serialize(ActionSpace),
        };
        if (EnvSpec is not null)
        {
            node["env_spec"] = MinariEnvSpec.Serialize(EnvSpec);
        }

        node["dataset_id"] = DatasetId;
        if (AlgorithmName is not null)
        {
            node["algorithm_name"] = AlgorithmName;
        }

        node["minari_version"] = MinariVersion;
        node["dataset_size"] = sizeMegabytes;
        return PythonJson.Serialize(node);
    }

    private H5File BuildFile()
    {
        var file = new H5File();
        int observationSize = ObservationSpace.FlatSize;
        int actionSize = ActionSpace.FlatSize;
        foreach (Episode episode in Episodes)
        {
            int t = episode.Length;
            var infos = new H5Group();
            foreach ((string key, double[] values) in episode.Infos)
            {
                infos[key] = values;
            }

            var group = new H5Group
            {
                ["observations"] = Dataset(episode.Observations, ObservationSpace, t + 1, observationSize),
                ["actions"] = Dataset(episode.Actions, ActionSpace, t, actionSize),
                ["rewards"] = episode.Rewards,
                ["terminations"] = episode.Terminations.Select(ToH5Bool).ToArray(),
                ["truncations"] = episode.Truncations.Select(ToH5Bool).ToArray(),
                ["infos"] = infos,
            };
            group.Attributes = new Dictionary<string, object> { ["id"] = (long)episode.Id, ["total_steps"] = (long)t };
            if (episode.Seed is long seed)
            {
                group.Attributes["seed"] = seed;
            }

            file[$"episode_{episode.Id}"] = group;
        }

        return file;
    }

    private static H5Dataset Dataset(float[] values, Space space, int rows, int size)
    {
        ulong[] dims = [(ulong)rows, .. space.Shape.Select(d => (ulong)d)];
        if (space is Box)
        {
            return new H5Dataset(values, fileDims: dims);
        }

        // Discrete and MultiDiscrete values are NumPy int64 in Gymnasium and Minari.
        long[] integers = new long[rows * size];
        for (int i = 0; i < integers.Length; i++)
        {
            integers[i] = (long)values[i];
        }

        return new H5Dataset(integers, fileDims: dims);
    }

    private static H5Bool ToH5Bool(bool value) => value ? H5Bool.TRUE : H5Bool.FALSE;

    private static Episode ReadEpisode(IH5Group group, int index, Space observationSpace, Space actionSpace, string where)
    {
        double[] rewards = ReadDoubles(group, "rewards", where, out ulong[] rewardDims);
        if (rewardDims.Length != 1)
        {
            throw new DatasetException($"{where}/rewards has shape ({string.Join(", ", rewardDims)}); expected (T,).");
        }

        int t = rewards.Length;
        bool[] terminations = ReadBools(group, "terminations", where, t);
        bool[] truncations = ReadBools(group, "truncations", where, t);
        float[] observations = ReadValues(group, "observations", where, observationSpace, t + 1, "T + 1 = " + (t + 1) + " (one more than the rewards)");
        float[] actions = ReadValues(group, "actions", where, actionSpace, t, "T = " + t + " (as many as the rewards)");
        long? seed = null;
        if (group.AttributeExists("seed"))
        {
            seed = ReadLongAttribute(group, "seed", where);
        }

        if (group.AttributeExists("total_steps") && ReadLongAttribute(group, "total_steps", where) is long declared && declared != t)
        {
            throw new DatasetException($"{where}: attribute total_steps is {declared} but rewards has {t} rows.");
        }

        var infos = new Dictionary<string, double[]>(StringComparer.Ordinal);
        if (group.LinkExists("infos") && group.Get("infos") is IH5Group infoGroup)
        {
            foreach (IH5Object child in infoGroup.Children())
            {
                // Scalar numeric infos only: nested dicts and vector infos are not part of SharpRL's info channel.
                if (child is IH5Dataset info && info.Space.Rank == 1 && info.Type.Class is H5DataTypeClass.FloatingPoint or H5DataTypeClass.FixedPoint)
                {
                    double[] values = ReadDoubles(infoGroup, child.Name, $"{where}/infos", out _);
                    if (values.Length != t + 1)
                    {
                        throw new DatasetException($"{where}/infos/{child.Name} has {values.Length} rows; expected T + 1 = {t + 1}.");
                    }

                    infos[child.Name] = values;
                }
            }
        }

        var episode = new Episode(index, observations, actions, rewards, terminations, truncations, seed, infos);
        Validate(episode, where, observationSpace, actionSpace);
        return episode;
    }

    private void Validate(Episode episode, string where) => Validate(episode, $"{where}: episode_{episode.Id}", ObservationSpace, ActionSpace);

    private static void Validate(Episode episode, string where, Space observationSpace, Space actionSpace)
    {
        int t = episode.Length;
        CheckLength(episode.Observations.Length, (t + 1) * observationSpace.FlatSize, $"{where}/observations", $"(T + 1) × {observationSpace.FlatSize}");
        CheckLength(episode.Actions.Length, t * actionSpace.FlatSize, $"{where}/actions", $"T × {actionSpace.FlatSize}");
        CheckLength(episode.Terminations.Length, t, $"{where}/terminations", "T");
        CheckLength(episode.Truncations.Length, t, $"{where}/truncations", "T");
        for (int i = 0; i < t - 1; i++)
        {
            if (episode.Terminations[i] || episode.Truncations[i])
            {
                throw new DatasetException($"{where}: step {i} of {t} is marked {(episode.Terminations[i] ? "terminated" : "truncated")}; only an episode's last step may end it.");
            }
        }

        int a = actionSpace.FlatSize;
        for (int i = 0; i < t; i++)
        {
            if (!actionSpace.Contains(episode.Actions.AsSpan(i * a, a)))
            {
                throw new DatasetException($"{where}/actions row {i} = [{string.Join(", ", episode.Actions.AsSpan(i * a, a).ToArray().Select(x => x.ToString(CultureInfo.InvariantCulture)))}] is not in the action space {actionSpace}.");
            }
        }

        if (observationSpace is not Box)
        {
            int d = observationSpace.FlatSize;
            for (int i = 0; i <= t; i++)
            {
                if (!observationSpace.Contains(episode.Observations.AsSpan(i * d, d)))
                {
                    throw new DatasetException($"{where}/observations row {i} is not in the observation space {observationSpace}.");
                }
            }
        }
        else if (episode.Observations.Any(float.IsNaN))
        {
            throw new DatasetException($"{where}/observations holds NaN.");
        }

        foreach ((string key, double[] values) in episode.Infos)
        {
            CheckLength(values.Length, t + 1, $"{where}/infos/{key}", "T + 1");
        }
    }

    private static void CheckLength(int actual, int expected, string field, string rule)
    {
        if (actual != expected)
        {
            throw new DatasetException($"{field} has {actual} values; expected {rule} = {expected}.");
        }
    }

    private static IH5Dataset RequireDataset(IH5Group group, string field, string where)
    {
        if (!group.LinkExists(field))
        {
            throw new DatasetException($"{where}/{field} is missing.");
        }

        return group.Get(field) as IH5Dataset ?? throw new DatasetException($"{where}/{field} is a group; expected an array (Dict and Tuple spaces are not supported).");
    }

    private static float[] ReadValues(IH5Group group, string field, string where, Space space, int rows, string rowRule)
    {
        IH5Dataset dataset = RequireDataset(group, field, where);
        ulong[] dims = dataset.Space.Dimensions;
        ulong[] expected = [(ulong)rows, .. space.Shape.Select(d => (ulong)d)];
        if (!dims.SequenceEqual(expected))
        {
            throw new DatasetException($"{where}/{field} has shape ({string.Join(", ", dims)}); expected ({string.Join(", ", expected)}): {rowRule} rows of the space's shape ({string.Join(", ", space.Shape)}).");
        }

        IH5DataType type = dataset.Type;
        return (type.Class, type.Size, space is Box) switch
        {
            (H5DataTypeClass.FloatingPoint, 4, true) => dataset.Read<float[]>(),
            (H5DataTypeClass.FixedPoint, 8, false) => [.. dataset.Read<long[]>().Select(x => (float)x)],
            (H5DataTypeClass.FixedPoint, 4, false) => [.. dataset.Read<int[]>().Select(x => (float)x)],
            _ => throw new DatasetException($"{where}/{field} holds {type.Class} of {type.Size} bytes; expected {(space is Box ? "float32" : "int64")} for the space {space}."),
        };
    }

    private static double[] ReadDoubles(IH5Group group, string field, string where, out ulong[] dims)
    {
        IH5Dataset dataset = RequireDataset(group, field, where);
        dims = dataset.Space.Dimensions;
        IH5DataType type = dataset.Type;
        return (type.Class, type.Size) switch
        {
            (H5DataTypeClass.FloatingPoint, 8) => dataset.Read<double[]>(),
            (H5DataTypeClass.FloatingPoint, 4) => [.. dataset.Read<float[]>().Select(x => (double)x)],
            (H5DataTypeClass.FixedPoint, 8) => [.. dataset.Read<long[]>().Select(x => (double)x)],
            (H5DataTypeClass.FixedPoint, 4) => [.. dataset.Read<int[]>().Select(x => (double)x)],
            _ => throw new DatasetException($"{where}/{field} holds {type.Class} of {type.Size} bytes; expected float64 numbers."),
        };
    }

    private static bool[] ReadBools(IH5Group group, string field, string where, int rows)
    {
        IH5Dataset dataset = RequireDataset(group, field, where);
        ulong[] dims = dataset.Space.Dimensions;
        if (dims.Length != 1 || dims[0] != (ulong)rows)
        {
            throw new DatasetException($"{where}/{field} has shape ({string.Join(", ", dims)}); expected ({rows},), one flag per reward.");
        }

        IH5DataType type = dataset.Type;
        return (type.Class, type.Size) switch
        {
            (H5DataTypeClass.Enumerated, 1) => dataset.Read<bool[]>(),
            (H5DataTypeClass.FixedPoint, 1) => [.. dataset.Read<byte[]>().Select(b => b != 0)],
            _ => throw new DatasetException($"{where}/{field} holds {type.Class} of {type.Size} bytes; expected bool."),
        };
    }

    private static long ReadLongAttribute(IH5Group group, string name, string where)
    {
        IH5Attribute attribute = group.Attribute(name);
        return (attribute.Type.Class, attribute.Type.Size) switch
        {
            (H5DataTypeClass.FixedPoint, 8) => attribute.Read<long>(),
            (H5DataTypeClass.FixedPoint, 4) => attribute.Read<int>(),
            _ => throw new DatasetException($"{where}: attribute {name} holds {attribute.Type.Class}; expected an integer."),
        };
    }

    private static string? ReadString(JsonObject metadata, string key, string name)
    {
        JsonNode? node = metadata[key];
        if (node is null)
        {
            return null;
        }

        return node is JsonValue value && value.TryGetValue(out string? text)
            ? text
            : throw new DatasetException($"{name}: {MetadataFileName} field {key} is {node.ToJsonString()}; expected a string.");
    }

    private static int ReadInt(JsonObject metadata, string key, string name) =>
        metadata[key] is JsonValue value && value.TryGetValue(out int number) && number >= 0
            ? number
            : throw new DatasetException($"{name}: {MetadataFileName} field {key} is {metadata[key]?.ToJsonString() ?? "missing"}; expected a non-negative integer.");

    private static Space ReadSpace(JsonObject metadata, string key, string name)
    {
        string json = ReadString(metadata, key, name)
            ?? throw new DatasetException($"{name}: {MetadataFileName} has no {key}; SharpRL needs the serialised spaces (it cannot recreate a Gymnasium env from env_spec).");
        try
        {
            return MinariSpaces.Deserialize(json, key);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or System.Text.Json.JsonException)
        {
            throw new DatasetException($"{name}: {key} cannot be read: {e.Message}", e);
        }
    }
}

/// <summary>NumPy's bool as h5py stores it: an HDF5 enum with members FALSE = 0 and TRUE = 1 (h5py reads it back as bool).</summary>
#pragma warning disable CA1707, CA1028 // The member names are the ones h5py looks for.
internal enum H5Bool : byte
{
    FALSE = 0,
    TRUE = 1,
}
#pragma warning restore CA1707, CA1028
