using System.Text.Json;
using SharpRL.Algorithms;
using SharpRL.IO;

namespace SharpRL.Training;

/// <summary>
/// One training run in a folder, for any registered algorithm (<see cref="AlgorithmRegistry"/>): resolves
/// the options (preset → config file → --set), builds the learner through its descriptor, logs
/// progress.csv and TensorBoard events, runs the callbacks (periodic evaluation, early stopping), writes
/// checkpoints and resumes from them. Everything is validated before anything is written.
/// </summary>
public sealed class TrainingRun : IDisposable
{
    /// <summary>File name of the resolved configuration inside a run folder.</summary>
    public const string ConfigFileName = "config.json";

    /// <summary>Checkpoint name (without extension) of the latest periodic checkpoint.</summary>
    public const string LatestCheckpointName = "checkpoint";

    /// <summary>File name of the metrics table inside a run folder (appended to when the run is resumed).</summary>
    public const string ProgressFileName = "progress.csv";

    /// <summary>Checkpoint name (without extension) of the final model.</summary>
    public const string ModelName = "model";

    /// <summary>Extra key of the callbacks' states in a checkpoint.</summary>
    public const string CallbacksKey = "callbacks";

    /// <summary>Extra key, in the final model, of why training stopped before its budget (a callback), if it did.</summary>
    public const string StopReasonKey = "stop_reason";

    private readonly MetricsLogger _logger;
    private readonly LearnerContext _context;
    private readonly EnvRegistry _registry;
    private readonly List<ITrainingCallback> _callbacks = [];
    private readonly Stopwatch _stopwatch = new();
    private readonly Stopwatch _checkpointTime = new();
    private readonly Stopwatch _callbackTime = new();

    private TrainingRun(AlgorithmDescriptor descriptor, RunConfig config, object options, string directory, ILearner agent, MetricsLogger logger, LearnerContext context, EnvRegistry registry)
    {
        Descriptor = descriptor;
        Config = config;
        Options = options;
        Directory = directory;
        Agent = agent;
        _logger = logger;
        _context = context;
        _registry = registry;
        StartTimesteps = agent.NumTimesteps;
    }

    /// <summary>The algorithm's descriptor.</summary>
    public AlgorithmDescriptor Descriptor { get; }

    /// <summary>The run's configuration (as in config.json).</summary>
    public RunConfig Config { get; private set; }

    /// <summary>Algorithm name.</summary>
    public string Algorithm => Config.Algorithm;

    /// <summary>Env id.</summary>
    public string EnvId => Config.EnvId;

    /// <summary>Seed.</summary>
    public int Seed => Config.Seed;

    /// <summary>Budget, in the algorithm's progress unit.</summary>
    public long TotalTimesteps => Config.TotalTimesteps;

    /// <summary>Resolved options (an instance of <see cref="AlgorithmDescriptor.OptionsType"/>).</summary>
    public object Options { get; }

    /// <summary>Where the starting hyperparameters came from.</summary>
    public string PresetSource => Config.PresetSource;

    /// <summary>The run folder.</summary>
    public string Directory { get; }

    /// <summary>The learner.</summary>
    public ILearner Agent { get; }

    /// <summary>Steps done when this run object was created (0, or the checkpoint's count when resumed).</summary>
    public long StartTimesteps { get; }

    /// <summary>Whether this run continues an earlier one.</summary>
    public bool IsResumed { get; private init; }

    /// <summary>The callbacks, in call order (periodic evaluation when the config asks for it; add more before <see cref="Learn"/>).</summary>
    public IList<ITrainingCallback> Callbacks => _callbacks;

    /// <summary>
    /// For a resumed run whose checkpoint holds no env state (an env that does not implement
    /// <see cref="IStatefulEnv"/>): why it will not continue exactly as the uninterrupted run would
    /// have. Null for a new run or an exact resume.
    /// </summary>
    public string? ResumeWarning { get; private init; }

    /// <summary>Valid but doubtful settings of a new run (e.g. a batch size that does not divide the rollout), each as a line to print.</summary>
    public IReadOnlyList<string> Warnings { get; private init; } = [];

    /// <summary>Settings of a resumed run that the request changed (e.g. a new --save-freq), each as a line to print.</summary>
    public IReadOnlyList<string> ResumeNotices { get; private init; } = [];

    /// <summary>Why a callback stopped training before the budget (null when it did not).</summary>
    public string? StopReason { get; private set; }

    /// <summary>Whether there is nothing left to train: the budget is reached, or a callback ended the run.</summary>
    public bool IsComplete => Agent.NumTimesteps >= TotalTimesteps || StopReason is not null;

    /// <summary>Path of the final model's JSON sidecar.</summary>
    public string ModelPath => Checkpoint.MetadataPath(Directory, ModelName);

    /// <summary>A fresh copy of the run's env (for evaluation).</summary>
    public IEnv MakeEnv() => _registry.Make(EnvId);

    /// <summary>Resolves a request into a ready run (or throws, having written nothing).</summary>
    public static TrainingRun Start(TrainRequest request, EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(registry);
        if (request.ResumeDirectory is not null)
        {
            return Resume(request, registry);
        }

        if (request.Seed < 0)
        {
            throw new ArgumentException($"--seed = {request.Seed} is invalid; expected a non-negative integer (env seeds are unsigned, as NumPy's).", nameof(request));
        }

        string algorithm = request.Algorithm ?? throw new ArgumentException("No algorithm given; expected e.g. `sharprl train ppo CartPole-v1`.", nameof(request));
        string envId = request.EnvId ?? throw new ArgumentException("No env id given; expected e.g. `sharprl train ppo CartPole-v1`.", nameof(request));
        AlgorithmDescriptor descriptor = AlgorithmRegistry.Get(algorithm);
        EnvSpec spec = registry.GetSpec(envId);
        Preset<object> preset = descriptor.GetPreset(request.PresetEnvId ?? envId);
        if (request.PresetEnvId is not null)
        {
            registry.GetSpec(request.PresetEnvId);
            RequireSameActionKind(registry, envId, request.PresetEnvId);
        }

        object options = OptionsBinder.Apply(preset.Options, request.ConfigSettings);
        if (request.NumEnvs is int numEnvs)
        {
            options = OptionsBinder.Apply(options, [new("n_envs", numEnvs.ToString(CultureInfo.InvariantCulture))]);
        }

        options = OptionsBinder.Apply(options, request.Settings);
        long totalTimesteps = request.TotalTimesteps ?? preset.TotalTimesteps;
        RequirePositive(totalTimesteps, "--timesteps", $"a positive number of {descriptor.ProgressUnit}");
        if (request.Parallel && request.Pool)
        {
            throw new ArgumentException("--parallel and --vec-env pool both choose how env copies are stepped; pass one.", nameof(request));
        }

        if (request.Pool && descriptor is not IOnPolicyDescriptor)
        {
            throw new ArgumentException($"--vec-env pool steps the env copies of on-policy algorithms (ppo, a2c, trpo, …); '{descriptor.Name}' manages its own envs.", nameof(request));
        }

        var config = new RunConfig(descriptor.Name, spec.Id, request.Seed, totalTimesteps, preset.Source, request.Parallel, OptionsBinder.ToJson(options))
        {
            Pool = request.Pool,
            SaveFrequency = request.SaveFrequency,
            EvalFrequency = request.EvalFrequency,
            EvalEpisodes = request.EvalEpisodes ?? RunConfig.DefaultEvalEpisodes,
            StopAtReward = request.StopAtReward,
        };
        ValidateRunSettings(config);

        string directory = request.OutputDirectory ?? FreeRunDirectory(Path.Combine("runs", $"{descriptor.Name}_{spec.Id}_s{request.Seed}"));
        bool replace = CheckOutputDirectory(directory, request.Force);

        // Build the learner (and so check the spaces fit the options and the networks fit in memory)
        // before the folder exists: a refused setting leaves nothing behind.
        return OpenWithLearner(descriptor, registry, spec.Id, request.Seed, request.Parallel, request.Pool, options,
            refused: e => request.NumEnvs is int changed && !request.Settings.Any(s => s.Key == "n_envs") && IsSettingError(e)
                // The preset's other settings were tuned for its own n_envs; say which flag changed what.
                ? new ArgumentException($"{MessageOf(e)} (--n-envs {changed} replaced the preset's n_envs = {OptionsBinder.Describe(preset.Options).FirstOrDefault(p => p.Key == "n_envs").Value}; also pass --set for the setting named, e.g. n_steps or batch_size.)", e)
                : null,
            open: (agent, logger, context) =>
            {
                if (replace)
                {
                    System.IO.Directory.Delete(directory, recursive: true);
                }

                System.IO.Directory.CreateDirectory(directory);
                AddSinks(logger, directory, append: false);
                AtomicFile.WriteAllBytes(Path.Combine(directory, ConfigFileName), System.Text.Encoding.UTF8.GetBytes(config.ToJson()));
                var run = new TrainingRun(descriptor, config, options, directory, agent, logger, context, registry) { Warnings = descriptor.GetWarnings(options) };
                run.AddConfiguredCallbacks();
                return run;
            });
    }

    /// <summary>Trains to the budget, running the callbacks and checkpointing every save-frequency steps and at the end.</summary>
    /// <param name="afterIteration">Called after each iteration (progress bars).</param>
    /// <param name="cancellationToken">
    /// Stops training between two iterations (Ctrl+C): the latest checkpoint is then written at the
    /// point reached, and resuming the run (<see cref="TrainRequest.ResumeDirectory"/>) continues it
    /// exactly; the final model is not written.
    /// </param>
    /// <returns>True when the budget was reached or a callback ended training (<see cref="StopReason"/>); false when stopped by <paramref name="cancellationToken"/>.</returns>
    /// <exception cref="TrainingDivergedException">A value went non-finite (<see cref="ILearner.DescribeNonFinite"/>); the last good checkpoint is kept and nothing is saved.</exception>
    public bool Learn(Action<ILearner>? afterIteration = null, CancellationToken cancellationToken = default)
    {
        if (IsComplete)
        {
            // A finished run (resumed without a larger budget): nothing to train, nothing to rewrite.
            return true;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        long? saveFrequency = Config.SaveFrequency;
        long nextSave = saveFrequency is long f ? ((Agent.NumTimesteps / f) + 1) * f : long.MaxValue;
        _stopwatch.Start();
        bool completed;
        try
        {
            completed = Agent.Learn(
                TotalTimesteps,
                agent =>
                {
                    // Before anything is saved or evaluated: a NaN must never reach a checkpoint.
                    if (agent.DescribeNonFinite() is { } nonFinite)
                    {
                        throw Diverged(nonFinite, agent.NumTimesteps, inner: null);
                    }

                    _callbackTime.Start();
                    foreach (ITrainingCallback callback in _callbacks)
                    {
                        if (StopReason is null && callback.AfterIteration(this) is { } reason)
                        {
                            StopReason = reason;
                            stop.Cancel();
                        }
                    }

                    _callbackTime.Stop();
                    if (agent.NumTimesteps >= nextSave && StopReason is null)
                    {
                        SaveCheckpoint(LatestCheckpointName);
                        nextSave = ((agent.NumTimesteps / saveFrequency!.Value) + 1) * saveFrequency.Value;
                    }

                    afterIteration?.Invoke(agent);
                },
                stop.Token);
        }
        catch (Exception e) when (e is not TrainingDivergedException && e is not OperationCanceledException && Agent.DescribeNonFinite() is { } nonFinite)
        {
            // The math refused a NaN mid-iteration (e.g. a distribution's parameters): report its origin instead.
            throw Diverged(nonFinite, Agent.NumTimesteps, e);
        }
        finally
        {
            _stopwatch.Stop();
            _callbackTime.Stop();
        }

        if (completed || StopReason is not null)
        {
            // The final model holds the whole training state, so it is also what a later
            // `--resume` with a larger budget continues from; an older periodic checkpoint goes.
            SaveCheckpoint(ModelName);
            Checkpoint.Delete(Directory, LatestCheckpointName);
            return true;
        }

        SaveCheckpoint(LatestCheckpointName);
        return false;
    }

    private TrainingDivergedException Diverged(string what, long steps, Exception? inner)
    {
        string kept = File.Exists(Checkpoint.MetadataPath(Directory, LatestCheckpointName))
            ? $"the last good checkpoint ({Checkpoint.MetadataPath(Directory, LatestCheckpointName)}) is kept"
            : "no checkpoint was written before it (pass --save-freq to keep periodic ones)";
        return new TrainingDivergedException(string.Create(CultureInfo.InvariantCulture, $"Training stopped at {steps:N0} steps: {what}. Nothing was saved from this point; {kept}."), inner);
    }

    /// <summary>Figures for the end-of-run line.</summary>
    public TrainingSummary Summary()
    {
        long steps = Agent.NumTimesteps - StartTimesteps;
        double seconds = _stopwatch.Elapsed.TotalSeconds;
        List<KeyValuePair<string, TimeSpan>> timing = [.. Agent.TimeByPhase, new("checkpoints", _checkpointTime.Elapsed)];
        if (_callbacks.Count > 0)
        {
            timing.Add(new("callbacks", _callbackTime.Elapsed));
        }

        return new TrainingSummary(Agent.NumTimesteps, steps, _stopwatch.Elapsed, seconds > 0 ? steps / seconds : 0, Agent.RecentMeanReturn, ModelPath, timing);
    }

    /// <summary>
    /// Writes the learner's state, the run's configuration and the callbacks' states as checkpoint
    /// <paramref name="name"/> in the run folder (callbacks use it to keep e.g. the best model).
    /// </summary>
    public void SaveCheckpoint(string name)
    {
        // A save from inside a callback (the best model) counts as the callback's time.
        bool timed = !_callbackTime.IsRunning;
        if (timed)
        {
            _checkpointTime.Start();
        }

        var runState = new JsonObject();
        if (_callbacks.Count > 0)
        {
            var states = new JsonObject();
            foreach (ITrainingCallback callback in _callbacks)
            {
                states[callback.Name] = callback.SaveState();
            }

            runState[CallbacksKey] = states;
        }

        if (name == ModelName && StopReason is not null)
        {
            runState[StopReasonKey] = StopReason;
        }

        AgentCheckpoint.Save(Agent, Directory, name, Config, runState);
        if (timed)
        {
            _checkpointTime.Stop();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (ITrainingCallback callback in _callbacks)
        {
            (callback as EvaluationCallback)?.Close();
        }

        _logger.Dispose();
        Agent.Dispose();
        _context.Dispose();
    }

    private void AddConfiguredCallbacks()
    {
        if (Config.EvalFrequency is long frequency)
        {
            _callbacks.Add(new EvaluationCallback(frequency, Config.EvalEpisodes, Config.StopAtReward));
        }
    }

    private static TrainingRun Resume(TrainRequest request, EnvRegistry registry)
    {
        string directory = request.ResumeDirectory!;
        string configPath = Path.Combine(directory, ConfigFileName);
        if (!File.Exists(configPath))
        {
            throw new ArgumentException($"'{directory}' is not a run folder: {ConfigFileName} is missing.", nameof(request));
        }

        RunConfig config = RunConfig.FromJson(ReadText(configPath), configPath);
        if ((request.Algorithm is not null && !request.Algorithm.Equals(config.Algorithm, StringComparison.OrdinalIgnoreCase))
            || (request.EnvId is not null && request.EnvId != config.EnvId))
        {
            throw new ArgumentException($"The run in '{directory}' trains {config.Algorithm} on {config.EnvId}; it cannot be resumed as {request.Algorithm} on {request.EnvId}.", nameof(request));
        }

        if (request.Settings.Count > 0 || request.ConfigSettings.Count > 0 || request.NumEnvs is not null)
        {
            throw new ArgumentException("A resumed run keeps its settings; drop --set, --config and --n-envs (start a new run to change them).", nameof(request));
        }

        AlgorithmDescriptor descriptor = AlgorithmRegistry.Contains(config.Algorithm)
            ? AlgorithmRegistry.Get(config.Algorithm)
            : throw new InvalidDataException($"{configPath}: algorithm '{config.Algorithm}' is unknown; expected one of: {string.Join(", ", AlgorithmRegistry.Names)}.");
        object options;
        try
        {
            // Range checks run once, in descriptor.Create below (its errors name this file too).
            options = OptionsBinder.FromJson(descriptor.DefaultOptions, config.Options);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{configPath}: {MessageOf(e)}", e);
        }

        string latest = File.Exists(Checkpoint.MetadataPath(directory, LatestCheckpointName)) ? LatestCheckpointName
            : File.Exists(Checkpoint.MetadataPath(directory, ModelName)) ? ModelName
            : throw new ArgumentException(
                $"'{directory}' holds no checkpoint to resume from: the run stopped before its first save (pass --save-freq to save periodically). " +
                $"Start it over with: sharprl train {config.Algorithm} {config.EnvId} --seed {config.Seed} --out {directory} --force",
                nameof(request));

        // Run settings live in the run folder and are reused; a flag given again overrides with a notice.
        var notices = new List<string>();
        RunConfig resumed = config;
        if (request.TotalTimesteps is long total && total != config.TotalTimesteps)
        {
            resumed = resumed with { TotalTimesteps = total };
            notices.Add(string.Create(CultureInfo.InvariantCulture, $"--timesteps {total:N0} replaces the run's budget of {config.TotalTimesteps:N0}."));
        }

        if (request.SaveFrequency is long save && save != config.SaveFrequency)
        {
            resumed = resumed with { SaveFrequency = save };
            notices.Add(string.Create(CultureInfo.InvariantCulture, $"--save-freq {save:N0} replaces the run's {(config.SaveFrequency is long old ? old.ToString("N0", CultureInfo.InvariantCulture) : "none")}."));
        }

        if (request.EvalFrequency is long eval && eval != config.EvalFrequency)
        {
            resumed = resumed with { EvalFrequency = eval };
            notices.Add(string.Create(CultureInfo.InvariantCulture, $"--eval-freq {eval:N0} replaces the run's {(config.EvalFrequency is long old ? old.ToString("N0", CultureInfo.InvariantCulture) : "none")}."));
        }

        if (request.EvalEpisodes is int episodes && episodes != config.EvalEpisodes)
        {
            resumed = resumed with { EvalEpisodes = episodes };
            notices.Add(string.Create(CultureInfo.InvariantCulture, $"--eval-episodes {episodes} replaces the run's {config.EvalEpisodes}."));
        }

        if (request.Parallel && !config.Parallel)
        {
            resumed = resumed with { Parallel = true };
            notices.Add("--parallel: env copies now step on worker threads (the results are the same).");
        }

        if (request.Pool && !resumed.Pool)
        {
            resumed = resumed with { Pool = true, Parallel = false };
            notices.Add("--vec-env pool: env copies now step in a synchronous EnvPool (the results are the same).");
        }

        if (request.StopAtReward is double threshold && threshold != config.StopAtReward)
        {
            resumed = resumed with { StopAtReward = threshold };
            notices.Add(string.Create(CultureInfo.InvariantCulture, $"--stop-at-reward {threshold} replaces the run's {(config.StopAtReward is double old ? old.ToString(CultureInfo.InvariantCulture) : "none")}."));
        }

        try
        {
            ValidateRunSettings(resumed);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{configPath} (with the flags given): {MessageOf(e)}", e);
        }

        if (!registry.Contains(config.EnvId))
        {
            throw new InvalidDataException($"{configPath}: env_id '{config.EnvId}' is not a registered env; registered: {string.Join(", ", registry.Ids)}.");
        }

        EnvSpec spec = registry.GetSpec(config.EnvId);
        return OpenWithLearner(descriptor, registry, spec.Id, config.Seed, resumed.Parallel, resumed.Pool, options,
            // The options came from config.json: a learner they cannot build is that file's fault.
            refused: e => new InvalidDataException($"{configPath}: {MessageOf(e)}", e),
            open: (agent, logger, context) =>
            {
                // A periodic or interrupted checkpoint exists only while the run is unfinished (completion
                // deletes it); otherwise the final model is the latest state.
                CheckpointData data = Checkpoint.Load(directory, config.Algorithm, latest);
                RequireSameRun(config, configPath, data);
                bool exact = AgentCheckpoint.Load(agent, data);
                string? unavailable = (data.Extra["env_state_unavailable"] as JsonValue)?.TryGetValue(out string? why) == true ? why : null;
                if (agent.NumTimesteps >= resumed.TotalTimesteps)
                {
                    // Nothing to train: leave the folder exactly as it is.
                    notices.RemoveAll(n => n.StartsWith("--timesteps", StringComparison.Ordinal));
                    resumed = resumed with { TotalTimesteps = config.TotalTimesteps };
                }
                var run = new TrainingRun(descriptor, resumed, options, directory, agent, logger, context, registry)
                {
                    IsResumed = true,
                    ResumeNotices = notices,
                    ResumeWarning = exact ? null
                        : $"The checkpoint in '{directory}' holds no env state ({unavailable ?? "the env cannot save its state"}): the env restarts its episodes, so this run will not continue exactly as an uninterrupted one would.",
                    StopReason = (data.Extra[StopReasonKey] as JsonValue)?.TryGetValue(out string? stopped) == true && agent.NumTimesteps < resumed.TotalTimesteps && resumed.TotalTimesteps == config.TotalTimesteps ? stopped : null,
                };
                run.AddConfiguredCallbacks();
                run.LoadCallbackStates(data);
                if (run.IsComplete)
                {
                    return run;
                }

                // Everything is loaded: only now touch the folder. Rows logged after the checkpoint (a crash
                // between checkpoints) are about to be logged again.
                CsvMetricsSink progress = AddSinks(logger, directory, append: true, purgeAfter: agent.NumTimesteps);
                progress.DiscardRowsAfter(MetricKeys.TotalTimesteps, agent.NumTimesteps);
                foreach (EvaluationCallback evaluation in run._callbacks.OfType<EvaluationCallback>())
                {
                    evaluation.DiscardAfter(directory, agent.NumTimesteps);
                }

                if (!ReferenceEquals(resumed, config))
                {
                    AtomicFile.WriteAllBytes(configPath, System.Text.Encoding.UTF8.GetBytes(resumed.ToJson()));
                }

                return run;
            });
    }

    /// <summary>
    /// Builds the learner on its env copies (which checks the options, the spaces against the options and
    /// the networks against the memory) and then the run with <paramref name="open"/>, disposing what was
    /// built when anything fails. <paramref name="refused"/> turns an <see cref="ArgumentException"/> of the
    /// learner's into the error the user sees (null: that exception as it is).
    /// </summary>
    private static TrainingRun OpenWithLearner(
        AlgorithmDescriptor descriptor, EnvRegistry registry, string envId, int seed, bool parallel, bool pool, object options,
        Func<ArgumentException, Exception?> refused, Func<ILearner, MetricsLogger, LearnerContext, TrainingRun> open)
    {
        var logger = new MetricsLogger();
        var context = new LearnerContext(envId, () => registry.Make(envId), seed, logger, parallel) { Pool = pool };
        ILearner? agent = null;
        try
        {
            try
            {
                // Create validates the options (the run layer's one check) before it builds any env.
                agent = descriptor.Create(context, options);
            }
            catch (ArgumentException e) when (refused(e) is { } replacement)
            {
                throw replacement;
            }

            return open(agent, logger, context);
        }
        catch
        {
            agent?.Dispose();
            context.Dispose();
            logger.Dispose();
            throw;
        }
    }

    private void LoadCallbackStates(CheckpointData data)
    {
        if (data.Extra[CallbacksKey] is not JsonObject states)
        {
            return;
        }

        foreach (ITrainingCallback callback in _callbacks)
        {
            if (states[callback.Name] is JsonObject state)
            {
                callback.LoadState(state, data.SourcePath ?? Directory);
            }
        }
    }

    private static string MessageOf(ArgumentException e) =>
        e.ParamName is { } name ? e.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : e.Message;

    private static CsvMetricsSink AddSinks(MetricsLogger logger, string directory, bool append, long? purgeAfter = null)
    {
        var progress = new CsvMetricsSink(Path.Combine(directory, ProgressFileName), append);
        logger.AddSink(progress);

        // The event file is created when the first step is written (a run that writes none leaves none);
        // a resumed run first tells TensorBoard to drop the steps past its checkpoint, which it logs again.
        logger.AddSink(new TensorBoardSink(directory, deferCreation: true) { PurgeAfterStep = purgeAfter });
        return progress;
    }

    private static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path} could not be read: {e.Message}", e);
        }
    }

    // Returns whether the folder must be emptied (--force on a stale run folder); throws if it may not be used.
    private static bool CheckOutputDirectory(string directory, bool force)
    {
        if (File.Exists(directory))
        {
            throw new ArgumentException($"--out '{directory}' is a file; expected a folder (new or empty).");
        }

        if (!System.IO.Directory.Exists(directory) || !System.IO.Directory.EnumerateFileSystemEntries(directory).Any())
        {
            return false;
        }

        if (File.Exists(Checkpoint.MetadataPath(directory, LatestCheckpointName)) || File.Exists(Checkpoint.MetadataPath(directory, ModelName)))
        {
            throw new ArgumentException($"Run folder '{directory}' already holds a run with a checkpoint; continue it with --resume {directory}, or choose another --out.");
        }

        string[] foreign = [.. System.IO.Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).Where(name => !IsRunFile(name!))!];
        if (!force)
        {
            throw new ArgumentException(foreign.Length == 0
                ? $"Run folder '{directory}' holds a run that stopped before its first checkpoint (nothing to resume); pass --force to replace it, or choose another --out."
                : $"Folder '{directory}' already exists and is not empty, and holds no run; choose another --out (a new or empty folder).");
        }

        if (foreign.Length > 0)
        {
            throw new ArgumentException($"--force replaces only a run folder without checkpoints, but '{directory}' also holds {string.Join(", ", foreign.Take(3))}{(foreign.Length > 3 ? ", …" : "")}; remove them yourself or choose another --out.");
        }

        return true;
    }

    private static bool IsRunFile(string name) =>
        name is ConfigFileName or ProgressFileName or EvaluationCallback.FileName
        || name.StartsWith("events.out.tfevents.", StringComparison.Ordinal)

        // Weights of a first save that was cut short (its JSON was never written).
        || (name.EndsWith(".safetensors", StringComparison.Ordinal) && (name.StartsWith(LatestCheckpointName + ".", StringComparison.Ordinal) || name.StartsWith(ModelName + ".", StringComparison.Ordinal) || name.StartsWith(EvaluationCallback.BestModelName + ".", StringComparison.Ordinal)))
        || name.EndsWith(".tmp", StringComparison.Ordinal);

    // config.json is the user-visible copy of the settings; the checkpoint keeps its own. They must agree,
    // or a hand edit would silently change the resumed run.
    private static void RequireSameRun(RunConfig config, string configPath, CheckpointData data)
    {
        string checkpointPath = data.SourcePath ?? "the checkpoint";
        JsonNode runNode = data.Extra[AgentCheckpoint.RunKey] ?? throw new CheckpointException($"Checkpoint {checkpointPath} lacks extra.{AgentCheckpoint.RunKey}; it was not written by a training run of this version.");
        RunConfig saved = RunConfig.FromJson(runNode.ToJsonString(), checkpointPath + " (extra.run)");
        var differences = new List<string>();
        void Compare(string field, string? inConfig, string? inCheckpoint)
        {
            if (inConfig != inCheckpoint)
            {
                differences.Add($"{field} is {inConfig ?? "missing"} in {ConfigFileName} but {inCheckpoint ?? "missing"} in the checkpoint");
            }
        }

        Compare("algorithm", config.Algorithm, saved.Algorithm);
        Compare("env_id", config.EnvId, saved.EnvId);
        Compare("seed", config.Seed.ToString(CultureInfo.InvariantCulture), saved.Seed.ToString(CultureInfo.InvariantCulture));
        foreach (string key in config.Options.Select(p => p.Key).Union(saved.Options.Select(p => p.Key)))
        {
            Compare("options." + key, config.Options[key]?.ToJsonString(), saved.Options[key]?.ToJsonString());
        }

        if (differences.Count > 0)
        {
            throw new InvalidDataException(
                $"{configPath} does not match checkpoint {checkpointPath}: {string.Join("; ", differences.Take(5))}{(differences.Count > 5 ? "; …" : "")}. " +
                "A resumed run keeps its settings: restore config.json, or start a new run to change them.");
        }
    }

    /// <summary>Whether <paramref name="e"/> is an options check's refusal ("Setting x = … is invalid; …").</summary>
    private static bool IsSettingError(ArgumentException e) => e.Message.StartsWith("Setting", StringComparison.Ordinal);

    private static void ValidateRunSettings(RunConfig config)
    {
        if (config.SaveFrequency is long save)
        {
            RequirePositive(save, "--save-freq", "a positive number of steps");
        }

        if (config.EvalFrequency is long eval)
        {
            RequirePositive(eval, "--eval-freq", "a positive number of steps");
        }

        RequirePositive(config.EvalEpisodes, "--eval-episodes", "a positive number of episodes");
        if (config.StopAtReward is double threshold)
        {
            if (!double.IsFinite(threshold))
            {
                throw new ArgumentException($"--stop-at-reward = {threshold} is invalid; expected a finite number.");
            }

            if (config.EvalFrequency is null)
            {
                throw new ArgumentException("--stop-at-reward needs --eval-freq: training stops when a periodic evaluation reaches the threshold.");
            }
        }
    }

    private static void RequirePositive(long value, string flag, string expected)
    {
        if (value <= 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{flag} = {value} is invalid; expected {expected}."));
        }
    }

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
/// <param name="Timesteps">Steps done in all (counting earlier invocations of a resumed run).</param>
/// <param name="StepsThisInvocation">Steps this invocation ran.</param>
/// <param name="Elapsed">Wall time of this invocation's training.</param>
/// <param name="StepsPerSecond">StepsThisInvocation / Elapsed.</param>
/// <param name="RecentMeanReturn">Mean return of the recent training episodes.</param>
/// <param name="ModelPath">The final model's JSON.</param>
/// <param name="Timing">Wall time per phase: the learner's, then checkpoint writing and callbacks.</param>
public sealed record TrainingSummary(long Timesteps, long StepsThisInvocation, TimeSpan Elapsed, double StepsPerSecond, double RecentMeanReturn, string ModelPath, IReadOnlyList<KeyValuePair<string, TimeSpan>> Timing);

/// <summary>The resolved configuration of a run (config.json, and every checkpoint sidecar's "run").</summary>
/// <param name="Algorithm">Algorithm name.</param>
/// <param name="EnvId">Env id.</param>
/// <param name="Seed">Seed.</param>
/// <param name="TotalTimesteps">Budget.</param>
/// <param name="PresetSource">Where the starting hyperparameters came from.</param>
/// <param name="Parallel">Env copies stepped on worker threads.</param>
/// <param name="Options">The resolved options, key → text.</param>
public sealed record RunConfig(string Algorithm, string EnvId, int Seed, long TotalTimesteps, string PresetSource, bool Parallel, JsonObject Options)
{
    /// <summary>Episodes per periodic evaluation when not given (Stable-Baselines3's EvalCallback default).</summary>
    public const int DefaultEvalEpisodes = 5;

    /// <summary>Checkpoint every this many steps (null: at the end only).</summary>
    public long? SaveFrequency { get; init; }

    /// <summary>Evaluate every this many steps (null: never).</summary>
    public long? EvalFrequency { get; init; }

    /// <summary>Episodes per periodic evaluation.</summary>
    public int EvalEpisodes { get; init; } = DefaultEvalEpisodes;

    /// <summary>Stop once a periodic evaluation's mean return reaches this (null: never).</summary>
    public double? StopAtReward { get; init; }

    /// <summary>On-policy env copies stepped in a synchronous EnvPool (<c>--vec-env pool</c>); written only when set.</summary>
    public bool Pool { get; init; }

    /// <summary>As indented JSON.</summary>
    public string ToJson() => ToJsonObject().ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>As a JSON object.</summary>
    public JsonObject ToJsonObject()
    {
        JsonObject json = ToJsonObjectWithoutPool();
        if (Pool)
        {
            json["pool"] = true;
        }

        return json;
    }

    private JsonObject ToJsonObjectWithoutPool() => new()
    {
        ["algorithm"] = Algorithm,
        ["env_id"] = EnvId,
        ["seed"] = Seed,
        ["total_timesteps"] = TotalTimesteps,
        ["preset"] = PresetSource,
        ["parallel"] = Parallel,
        ["save_freq"] = SaveFrequency,
        ["eval_freq"] = EvalFrequency,
        ["eval_episodes"] = EvalEpisodes,
        ["stop_at_reward"] = StopAtReward,
        ["options"] = Options.DeepClone(),
    };

    /// <summary>Parses <see cref="ToJson"/>'s output; <paramref name="source"/> names the file in errors, and each field is type- and range-checked.</summary>
    /// <exception cref="InvalidDataException">The text is not JSON, or a field is missing, ill-typed or out of range (the message names the file and field).</exception>
    public static RunConfig FromJson(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonObject o;
        try
        {
            o = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 64 }) as JsonObject
                ?? throw new InvalidDataException($"{source} is not a valid run configuration: expected a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source} is not valid JSON: {e.Message}", e);
        }

        string algorithm = Required<string>(o, "algorithm", source, "a string");
        string envId = Required<string>(o, "env_id", source, "a string");
        int seed = Required<int>(o, "seed", source, "an integer ≥ 0");
        long total = Required<long>(o, "total_timesteps", source, "an integer ≥ 1");
        Require(seed >= 0, source, "seed", seed, "an integer ≥ 0");
        Require(total >= 1, source, "total_timesteps", total, "an integer ≥ 1");
        long? save = Optional<long>(o, "save_freq", source, "an integer ≥ 1 or null");
        long? eval = Optional<long>(o, "eval_freq", source, "an integer ≥ 1 or null");
        int episodes = Optional<int>(o, "eval_episodes", source, "an integer ≥ 1") ?? DefaultEvalEpisodes;
        double? stop = Optional<double>(o, "stop_at_reward", source, "a number or null");
        Require(save is null or >= 1, source, "save_freq", save, "an integer ≥ 1 or null");
        Require(eval is null or >= 1, source, "eval_freq", eval, "an integer ≥ 1 or null");
        Require(episodes >= 1, source, "eval_episodes", episodes, "an integer ≥ 1");
        Require(stop is null || double.IsFinite(stop.Value), source, "stop_at_reward", stop, "a finite number or null");
        if (o["options"] is not JsonObject options)
        {
            throw new InvalidDataException($"{source}: field \"options\" must be an object of settings, but is {o["options"]?.ToJsonString() ?? "missing"}.");
        }

        return new RunConfig(
            algorithm,
            envId,
            seed,
            total,
            OptionalString(o, "preset", source, "a string") ?? "",
            Optional<bool>(o, "parallel", source, "true or false") ?? false,
            (JsonObject)options.DeepClone())
        {
            SaveFrequency = save,
            EvalFrequency = eval,
            EvalEpisodes = episodes,
            StopAtReward = stop,
            Pool = Optional<bool>(o, "pool", source, "true or false") ?? false,
        };
    }

    private static T Required<T>(JsonObject o, string field, string source, string expected) =>
        o[field] is JsonValue value && value.TryGetValue(out T? result) && result is not null
            ? result
            : throw new InvalidDataException($"{source}: field \"{field}\" must be {expected}, but is {Describe(o[field])}.");

    private static T? Optional<T>(JsonObject o, string field, string source, string expected)
        where T : struct =>
        o[field] switch
        {
            null => null,
            JsonValue value when value.TryGetValue(out T result) => result,
            JsonNode other => throw new InvalidDataException($"{source}: field \"{field}\" must be {expected}, but is {Describe(other)}."),
        };

    private static string? OptionalString(JsonObject o, string field, string source, string expected) =>
        o[field] switch
        {
            null => null,
            JsonValue value when value.TryGetValue(out string? result) => result,
            JsonNode other => throw new InvalidDataException($"{source}: field \"{field}\" must be {expected}, but is {Describe(other)}."),
        };

    private static void Require(bool condition, string source, string field, object? value, string expected)
    {
        if (!condition)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{source}: field \"{field}\" = {value} is invalid; expected {expected}."));
        }
    }

    private static string Describe(JsonNode? node)
    {
        if (node is null)
        {
            return "missing";
        }

        string text = node.ToJsonString();
        return text.Length <= 60 ? text : text[..57] + "...";
    }
}
