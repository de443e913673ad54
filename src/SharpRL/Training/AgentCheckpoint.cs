using SharpRL.Algorithms;

namespace SharpRL.Training;

/// <summary>A policy restored from a checkpoint, ready to act.</summary>
/// <param name="Policy">The trained policy, acting in the raw env (any normalisation of training applied inside, frozen).</param>
/// <param name="Run">The run configuration it was trained with.</param>
public sealed record LoadedPolicy(IActingPolicy Policy, RunConfig Run);

/// <summary>
/// Writes and reads the checkpoints of a run, for any <see cref="ILearner"/>: the learner's own state
/// (<see cref="ILearner.SaveState"/>) plus the run's configuration under the extra key <c>"run"</c>, as
/// one crash-safe <see cref="Checkpoint"/> file pair.
/// </summary>
public static class AgentCheckpoint
{
    /// <summary>Extra key of the run configuration.</summary>
    public const string RunKey = "run";

    /// <summary>Writes <paramref name="learner"/>'s state as checkpoint <paramref name="name"/> in <paramref name="directory"/>.</summary>
    /// <param name="learner">The learner.</param>
    /// <param name="directory">The run folder.</param>
    /// <param name="name">The checkpoint's file-name stem.</param>
    /// <param name="run">The run's configuration, kept with the checkpoint.</param>
    /// <param name="runState">Extra entries of the run layer (evaluation bookkeeping), written after the learner's.</param>
    public static void Save(ILearner learner, string directory, string name, RunConfig run, JsonObject? runState = null)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(run);
        var state = new LearnerState { Extra = new JsonObject { [RunKey] = run.ToJsonObject() } };
        learner.SaveState(state);
        if (runState is not null)
        {
            foreach ((string key, JsonNode? value) in runState)
            {
                state.Extra[key] = value?.DeepClone();
            }
        }

        var data = new CheckpointData
        {
            Algorithm = run.Algorithm,
            Options = (JsonObject)run.Options.DeepClone(),
            ObservationSpace = state.ObservationSpace,
            ActionSpace = state.ActionSpace,
            Counters = state.Counters,
            Tensors = state.Tensors,
            Extra = state.Extra,
        };
        Checkpoint.Save(directory, data, name);
    }

    /// <summary>
    /// Restores a checkpoint into a learner built with the same algorithm, options, spaces and env
    /// (anything else is refused with a <see cref="CheckpointException"/> saying what differs).
    /// </summary>
    /// <returns>True when training continues exactly as the uninterrupted run would have (see <see cref="ILearner.LoadState"/>).</returns>
    public static bool Load(ILearner learner, string directory, string name, string algorithm) =>
        Load(learner, Checkpoint.Load(directory, algorithm, name));

    /// <summary>Restores an already loaded checkpoint into <paramref name="learner"/>.</summary>
    public static bool Load(ILearner learner, CheckpointData data)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(data);
        return learner.LoadState(data);
    }

    /// <summary>
    /// Finds the checkpoint a user pointed at: a run folder (its final model, else its latest
    /// checkpoint) or a checkpoint's JSON / weights path. Returns (directory, name).
    /// </summary>
    public static (string Directory, string Name) Resolve(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            foreach (string name in new[] { TrainingRun.ModelName, TrainingRun.LatestCheckpointName })
            {
                if (File.Exists(Checkpoint.MetadataPath(path, name)))
                {
                    return (path, name);
                }
            }

            throw new FileNotFoundException($"'{path}' holds no checkpoint: expected {TrainingRun.ModelName}.json or {TrainingRun.LatestCheckpointName}.json in it.");
        }

        string directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        string file = Path.GetFileName(path);
        // "<name>.json", "<name>.<generation>.safetensors" or "<name>" all name checkpoint <name>.
        string stem = file.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? file[..^5]
            : file.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) ? file[..file.IndexOf('.', StringComparison.Ordinal)]
            : file;
        if (!File.Exists(Checkpoint.MetadataPath(directory, stem)))
        {
            throw new FileNotFoundException($"No checkpoint at '{path}': expected a run folder or a checkpoint ({stem}.json in {directory}).");
        }

        return (directory, stem);
    }

    /// <summary>
    /// Rebuilds the trained policy from what a user pointed at (a run folder or a checkpoint path, see
    /// <see cref="Resolve"/>). Safe against a run that is training into the folder meanwhile: if its
    /// periodic checkpoint disappears (the run just completed), the folder is resolved again.
    /// </summary>
    public static LoadedPolicy LoadPolicy(string path, EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(path);
        (string Directory, string Name) checkpoint = Resolve(path);
        try
        {
            return LoadPolicy(checkpoint, registry);
        }
        catch (CheckpointException) when (Directory.Exists(path) && !File.Exists(Checkpoint.MetadataPath(checkpoint.Directory, checkpoint.Name)))
        {
            return LoadPolicy(Resolve(path), registry);
        }
    }

    /// <summary>Rebuilds the trained policy from a checkpoint, for evaluation, through its algorithm's descriptor.</summary>
    public static LoadedPolicy LoadPolicy((string Directory, string Name) checkpoint, EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        CheckpointData data = Checkpoint.Load(checkpoint.Directory, expectedAlgorithm: null, checkpoint.Name);
        string source = Checkpoint.MetadataPath(checkpoint.Directory, checkpoint.Name);
        JsonNode runNode = data.Extra[RunKey] ?? throw new CheckpointException($"Checkpoint {source} lacks '{RunKey}'; it was not written by a training run of this version.");
        RunConfig run = RunConfig.FromJson(runNode.ToJsonString(), source + " (extra.run)");
        if (!string.Equals(run.Algorithm, data.Algorithm, StringComparison.OrdinalIgnoreCase))
        {
            throw new CheckpointException($"Checkpoint {source} is of algorithm '{data.Algorithm}', but its extra.run says '{run.Algorithm}'; the file was edited or mixed from two runs.");
        }

        if (!AlgorithmRegistry.Contains(run.Algorithm))
        {
            throw new CheckpointException($"Checkpoint {source} is of algorithm '{run.Algorithm}', which this build does not know; expected one of: {string.Join(", ", AlgorithmRegistry.Names)}.");
        }

        // A run trained with constructor options stores "Id[key=value,...]": the registered id is the part before '['.
        string registeredId;
        try
        {
            registeredId = EnvRegistry.SplitId(run.EnvId).Id;
        }
        catch (ArgumentException e)
        {
            throw new CheckpointException($"Checkpoint {source}: extra.run.env_id '{run.EnvId}' is malformed: {e.Message}");
        }

        if (!registry.Contains(registeredId))
        {
            throw new CheckpointException($"Checkpoint {source}: extra.run.env_id '{run.EnvId}' is not a registered env (register it before evaluating; registered: {string.Join(", ", registry.Ids)}).");
        }

        AlgorithmDescriptor descriptor = AlgorithmRegistry.Get(run.Algorithm);
        object options;
        try
        {
            options = OptionsBinder.FromJson(descriptor.DefaultOptions, run.Options);
            descriptor.Validate(options);
        }
        catch (ArgumentException e)
        {
            throw new CheckpointException($"Checkpoint {source}: extra.run.options: {e.Message}", e);
        }

        IActingPolicy policy = descriptor.LoadPolicy(data, options, () => registry.Make(run.EnvId));
        return new LoadedPolicy(policy, run);
    }
}
