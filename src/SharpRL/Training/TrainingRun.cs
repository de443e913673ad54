using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using SharpRL.Algorithms;
using SharpRL.Algorithms.Common;
using SharpRL.Envs;
using SharpRL.Logging;
using SharpRL.Serialization;

namespace SharpRL.Training;

/// <summary>
/// One training run in a folder: resolves the options (preset → config file → --set), builds the
/// vector env and the algorithm, logs progress.csv and TensorBoard events, writes checkpoints,
/// and resumes from them. Everything is validated before anything is written.
/// </summary>
public sealed class TrainingRun : IDisposable
{
    /// <summary>File name of the resolved configuration inside a run folder.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>Checkpoint name (without extension) of the latest periodic checkpoint.</summary>
    public const string LatestCheckpointName = "checkpoint";

    /// <summary>Checkpoint name (without extension) of the final model.</summary>
    public const string ModelName = "model";

    private readonly MetricsLogger _logger;
    private readonly Stopwatch _stopwatch = new();
    private readonly long? _saveFrequency;

    private TrainingRun(string algorithm, string envId, int seed, long totalTimesteps, OnPolicyOptions options, string presetSource, string directory, OnPolicyAlgorithm agent, MetricsLogger logger, long? saveFrequency)
    {
        Algorithm = algorithm;
        EnvId = envId;
        Seed = seed;
        TotalTimesteps = totalTimesteps;
        Options = options;
        PresetSource = presetSource;
        Directory = directory;
        Agent = agent;
        _logger = logger;
        _saveFrequency = saveFrequency;
    }

    /// <summary>Algorithm name.</summary>
    public string Algorithm { get; }

    /// <summary>Env id.</summary>
    public string EnvId { get; }

    /// <summary>Seed.</summary>
    public int Seed { get; }

    /// <summary>Env-step budget.</summary>
    public long TotalTimesteps { get; }

    /// <summary>Resolved options.</summary>
    public OnPolicyOptions Options { get; }

    /// <summary>Where the starting hyperparameters came from.</summary>
    public string PresetSource { get; }

    /// <summary>The run folder.</summary>
    public string Directory { get; }

    /// <summary>The learner.</summary>
    public OnPolicyAlgorithm Agent { get; }

    /// <summary>Path of the final model's JSON sidecar.</summary>
    public string ModelPath => Checkpoint.MetadataPath(Directory, ModelName);

    /// <summary>Resolves a request into a ready run (or throws, having written nothing).</summary>
    public static TrainingRun Start(TrainRequest request, EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(registry);
        if (request.ResumeDirectory is not null)
        {
            return Resume(request, registry);
        }

        string algorithm = request.Algorithm ?? throw new ArgumentException("No algorithm given; expected e.g. `sharprl train ppo CartPole-v1`.", nameof(request));
        string envId = request.EnvId ?? throw new ArgumentException("No env id given; expected e.g. `sharprl train ppo CartPole-v1`.", nameof(request));
        if (!AlgorithmRegistry.Contains(algorithm))
        {
            throw new ArgumentException($"Unknown algorithm '{algorithm}'; expected one of: {string.Join(", ", AlgorithmRegistry.Names)}.", nameof(request));
        }

        EnvSpec spec = registry.GetSpec(envId);
        Preset preset = Presets.For(algorithm, request.PresetEnvId ?? envId);
        if (request.PresetEnvId is not null)
        {
            RequireSameActionKind(registry, envId, request.PresetEnvId);
        }

        OnPolicyOptions options = preset.Options;
        options = OptionsBinder.Apply(options, request.ConfigSettings);
        if (request.NumEnvs is int numEnvs)
        {
            options = options with { NumEnvs = numEnvs };
        }

        options = OptionsBinder.Apply(options, request.Settings);
        options.Validate();
        long totalTimesteps = request.TotalTimesteps ?? preset.TotalTimesteps;
        if (totalTimesteps <= 0)
        {
            throw new ArgumentException($"--timesteps = {totalTimesteps} is invalid; expected a positive number of env steps.", nameof(request));
        }

        if (request.SaveFrequency is <= 0)
        {
            throw new ArgumentException($"--save-freq = {request.SaveFrequency} is invalid; expected a positive number of env steps.", nameof(request));
        }

        // Build the env (and so check the spaces fit the options) before creating the folder.
        IVectorEnv env = VectorEnvBuilder.Build(() => registry.Make(spec.Id), options, request.Parallel);
        string directory = request.OutputDirectory ?? FreeRunDirectory(Path.Combine("runs", $"{algorithm.ToLowerInvariant()}_{spec.Id}_s{request.Seed}"));
        if (System.IO.Directory.Exists(directory) && System.IO.Directory.EnumerateFileSystemEntries(directory).Any())
        {
            env.Dispose();
            throw new ArgumentException($"Run folder '{directory}' already exists and is not empty; pass --resume {directory} to continue it, or another --out.", nameof(request));
        }

        OnPolicyAlgorithm? agent = null;
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            MetricsLogger logger = CreateLogger(directory);
            agent = AlgorithmRegistry.Create(algorithm, env, options, request.Seed, logger);
            var config = new RunConfig(algorithm.ToLowerInvariant(), spec.Id, request.Seed, totalTimesteps, preset.Source, request.Parallel, OptionsBinder.ToJson(options));
            AtomicFile.WriteAllBytes(Path.Combine(directory, ConfigFileName), System.Text.Encoding.UTF8.GetBytes(config.ToJson()));
            return new TrainingRun(config.Algorithm, spec.Id, request.Seed, totalTimesteps, options, preset.Source, directory, agent, logger, request.SaveFrequency);
        }
        catch
        {
            env.Dispose();
            throw;
        }
    }

    /// <summary>Trains to the budget, checkpointing every save-frequency steps and at the end.</summary>
    public void Learn(Action<OnPolicyAlgorithm>? afterIteration = null)
    {
        long nextSave = _saveFrequency is long f ? ((Agent.NumTimesteps / f) + 1) * f : long.MaxValue;
        _stopwatch.Start();
        Agent.Learn(TotalTimesteps, agent =>
        {
            if (agent.NumTimesteps >= nextSave)
            {
                SaveCheckpoint(LatestCheckpointName);
                nextSave = ((agent.NumTimesteps / _saveFrequency!.Value) + 1) * _saveFrequency.Value;
            }

            afterIteration?.Invoke(agent);
        });
        _stopwatch.Stop();
        SaveCheckpoint(ModelName);
        SaveCheckpoint(LatestCheckpointName);
    }

    /// <summary>Figures for the end-of-run line.</summary>
    public TrainingSummary Summary() => new(
        Agent.NumTimesteps,
        _stopwatch.Elapsed,
        _stopwatch.Elapsed.TotalSeconds > 0 ? Agent.NumTimesteps / _stopwatch.Elapsed.TotalSeconds : 0,
        Agent.RecentMeanReturn,
        ModelPath,
        Agent.Timing);

    /// <inheritdoc />
    public void Dispose()
    {
        _logger.Dispose();
        Agent.Env.Dispose();
    }

    private void SaveCheckpoint(string name) =>
        AgentCheckpoint.Save(Agent, Directory, name, new RunConfig(Algorithm, EnvId, Seed, TotalTimesteps, PresetSource, false, OptionsBinder.ToJson(Options)));

    private static TrainingRun Resume(TrainRequest request, EnvRegistry registry)
    {
        string directory = request.ResumeDirectory!;
        string configPath = Path.Combine(directory, ConfigFileName);
        if (!File.Exists(configPath))
        {
            throw new ArgumentException($"'{directory}' is not a run folder: {ConfigFileName} is missing.", nameof(request));
        }

        RunConfig config = RunConfig.FromJson(File.ReadAllText(configPath), configPath);
        if ((request.Algorithm is not null && !request.Algorithm.Equals(config.Algorithm, StringComparison.OrdinalIgnoreCase))
            || (request.EnvId is not null && request.EnvId != config.EnvId))
        {
            throw new ArgumentException($"The run in '{directory}' trains {config.Algorithm} on {config.EnvId}; it cannot be resumed as {request.Algorithm} on {request.EnvId}.", nameof(request));
        }

        if (request.Settings.Count > 0 || request.ConfigSettings.Count > 0 || request.NumEnvs is not null)
        {
            throw new ArgumentException("A resumed run keeps its settings; drop --set, --config and --n-envs (start a new run to change them).", nameof(request));
        }

        OnPolicyOptions options = OptionsBinder.FromJson(AlgorithmRegistry.DefaultOptions(config.Algorithm), config.Options);
        long totalTimesteps = request.TotalTimesteps ?? config.TotalTimesteps;
        EnvSpec spec = registry.GetSpec(config.EnvId);
        IVectorEnv env = VectorEnvBuilder.Build(() => registry.Make(spec.Id), options, config.Parallel);
        try
        {
            MetricsLogger logger = CreateLogger(directory);
            OnPolicyAlgorithm agent = AlgorithmRegistry.Create(config.Algorithm, env, options, config.Seed, logger);
            AgentCheckpoint.Load(agent, directory, LatestCheckpointName, config.Algorithm);
            return new TrainingRun(config.Algorithm, config.EnvId, config.Seed, totalTimesteps, options, config.PresetSource + " (resumed)", directory, agent, logger, request.SaveFrequency);
        }
        catch
        {
            env.Dispose();
            throw;
        }
    }

    private static MetricsLogger CreateLogger(string directory) =>
        new(new CsvMetricsSink(Path.Combine(directory, "progress.csv")), new TensorBoardSink(directory));

    private static string FreeRunDirectory(string baseName)
    {
        string candidate = baseName;
        for (int i = 2; System.IO.Directory.Exists(candidate) && System.IO.Directory.EnumerateFileSystemEntries(candidate).Any(); i++)
        {
            candidate = $"{baseName}_{i}";
        }

        return candidate;
    }

    private static void RequireSameActionKind(EnvRegistry registry, string envId, string presetEnvId)
    {
        using IEnv env = registry.Make(envId);
        using IEnv presetEnv = registry.Make(presetEnvId);
        if (env.ActionSpace.GetType() != presetEnv.ActionSpace.GetType())
        {
            throw new ArgumentException(
                $"The preset of {presetEnvId} is for a {presetEnv.ActionSpace.GetType().Name} action space, but {envId} has {env.ActionSpace}; pick a preset for the same kind of action space.",
                nameof(presetEnvId));
        }
    }
}

/// <summary>End-of-run figures.</summary>
public sealed record TrainingSummary(long Timesteps, TimeSpan Elapsed, double StepsPerSecond, double RecentMeanReturn, string ModelPath, TimeBreakdown Timing);

/// <summary>The resolved configuration of a run (config.json, and the checkpoint sidecar's "run").</summary>
public sealed record RunConfig(string Algorithm, string EnvId, int Seed, long TotalTimesteps, string PresetSource, bool Parallel, JsonObject Options)
{
    /// <summary>As indented JSON.</summary>
    public string ToJson() => ToJsonObject().ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>As a JSON object.</summary>
    public JsonObject ToJsonObject() => new()
    {
        ["algorithm"] = Algorithm,
        ["env_id"] = EnvId,
        ["seed"] = Seed,
        ["total_timesteps"] = TotalTimesteps,
        ["preset"] = PresetSource,
        ["parallel"] = Parallel,
        ["options"] = Options.DeepClone(),
    };

    /// <summary>Parses <see cref="ToJson"/>'s output; <paramref name="source"/> names the file in errors.</summary>
    public static RunConfig FromJson(string json, string source)
    {
        try
        {
            JsonObject o = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidDataException("empty document");
            return new RunConfig(
                o["algorithm"]!.GetValue<string>(),
                o["env_id"]!.GetValue<string>(),
                o["seed"]!.GetValue<int>(),
                o["total_timesteps"]!.GetValue<long>(),
                o["preset"]?.GetValue<string>() ?? "",
                o["parallel"]?.GetValue<bool>() ?? false,
                o["options"]!.AsObject().DeepClone().AsObject());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or InvalidDataException or FormatException)
        {
            throw new InvalidDataException($"{source} is not a valid run configuration: {e.Message}", e);
        }
    }
}
