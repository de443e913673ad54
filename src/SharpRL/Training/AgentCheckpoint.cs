using System.Globalization;
using System.Text.Json.Nodes;
using SharpRL.Algorithms;
using SharpRL.Algorithms.Common;
using SharpRL.Envs;
using SharpRL.Envs.Vector;
using SharpRL.Nn;
using SharpRL.Policies;
using SharpRL.Serialization;

namespace SharpRL.Training;

/// <summary>A policy restored from a checkpoint, ready to act.</summary>
/// <param name="Policy">The networks with their trained weights.</param>
/// <param name="Run">The run configuration it was trained with.</param>
/// <param name="NormalizeObservation">The frozen observation normaliser of training, or null.</param>
public sealed record LoadedPolicy(ActorCriticPolicy Policy, RunConfig Run, ObservationTransform? NormalizeObservation);

/// <summary>
/// Saves and restores everything an on-policy run needs to continue exactly: weights, optimizer
/// moments, normaliser statistics, counters, the generator state, the observations the next
/// rollout starts from and the recent-episode window (on top of <see cref="Checkpoint"/>'s
/// crash-safe file pair).
/// </summary>
public static class AgentCheckpoint
{
    private const string PolicyPrefix = "policy.";
    private const string ObservationStatisticsPrefix = "normalize.obs.";
    private const string RewardStatisticsPrefix = "normalize.reward.";

    /// <summary>Writes <paramref name="agent"/>'s state as checkpoint <paramref name="name"/> in <paramref name="directory"/>.</summary>
    public static void Save(OnPolicyAlgorithm agent, string directory, string name, RunConfig run)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(run);
        var tensors = new List<SafeTensor>();
        tensors.AddRange(agent.Policy.Parameters.Select(p => SafeTensor.FromParameter(p, PolicyPrefix)));
        var counters = new Dictionary<string, long>
        {
            ["num_timesteps"] = agent.NumTimesteps,
            ["iterations"] = agent.Iterations,
            ["num_updates"] = agent.NumUpdates,
        };
        foreach ((string optimizerName, IOptimizer<float> optimizer) in agent.Optimizers)
        {
            OptimizerState<float> state = optimizer.SaveState();
            counters[$"optimizer.{optimizerName}.steps"] = state.StepCount;
            foreach ((string buffer, float[][] perParameter) in state.Buffers)
            {
                for (int i = 0; i < perParameter.Length; i++)
                {
                    tensors.Add(SafeTensor.Create<float>($"optimizer.{optimizerName}.{buffer}.{i}", perParameter[i], perParameter[i].Length));
                }
            }
        }

        if (Find<VectorNormalizeObservation>(agent.Env) is { } observationNormalizer)
        {
            AddStatistics(tensors, ObservationStatisticsPrefix, observationNormalizer.ObservationStatistics);
        }

        if (Find<VectorNormalizeReward>(agent.Env) is { } rewardNormalizer)
        {
            AddStatistics(tensors, RewardStatisticsPrefix, rewardNormalizer.RewardStatistics);
        }

        tensors.Add(SafeTensor.Create<float>("rollout.current_observations", agent.CurrentObservations, agent.CurrentObservations.Length));
        var episodes = new JsonArray();
        foreach (EpisodeStatistics e in agent.RecentEpisodes)
        {
            episodes.Add(new JsonArray(e.EnvIndex, e.Return, e.Length));
        }

        var data = new CheckpointData
        {
            Algorithm = run.Algorithm,
            Options = (JsonObject)run.Options.DeepClone(),
            ObservationSpace = agent.Policy.ObservationSpace.ToString(),
            ActionSpace = agent.Policy.ActionSpace.ToString(),
            Counters = counters,
            Tensors = tensors,
            Extra = new JsonObject
            {
                ["run"] = run.ToJsonObject(),
                ["rng_state"] = agent.Random.SaveState(),
                ["needs_reset"] = agent.NeedsReset,
                ["recent_episodes"] = episodes,
            },
        };
        Checkpoint.Save(directory, data, name);
    }

    /// <summary>
    /// Restores a checkpoint into an agent built with the same algorithm, options and spaces
    /// (anything else is refused with a <see cref="CheckpointException"/> saying what differs).
    /// </summary>
    public static void Load(OnPolicyAlgorithm agent, string directory, string name, string algorithm)
    {
        ArgumentNullException.ThrowIfNull(agent);
        CheckpointData data = Checkpoint.Load(directory, algorithm, name);
        RequireSpaces(data, agent.Policy.ObservationSpace.ToString(), agent.Policy.ActionSpace.ToString());
        data.LoadParameters(agent.Policy.Parameters, PolicyPrefix);
        foreach ((string optimizerName, IOptimizer<float> optimizer) in agent.Optimizers)
        {
            OptimizerState<float> current = optimizer.SaveState();
            var buffers = new Dictionary<string, float[][]>(StringComparer.Ordinal);
            foreach ((string buffer, float[][] perParameter) in current.Buffers)
            {
                buffers[buffer] = [.. perParameter.Select((p, i) =>
                {
                    float[] values = new float[p.Length];
                    data.CopyTensorTo<float>($"optimizer.{optimizerName}.{buffer}.{i}", values, [p.Length]);
                    return values;
                })];
            }

            optimizer.LoadState(new OptimizerState<float>(data.GetCounter($"optimizer.{optimizerName}.steps"), buffers));
        }

        if (Find<VectorNormalizeObservation>(agent.Env) is { } observationNormalizer)
        {
            LoadStatistics(data, ObservationStatisticsPrefix, observationNormalizer.ObservationStatistics);
        }

        if (Find<VectorNormalizeReward>(agent.Env) is { } rewardNormalizer)
        {
            LoadStatistics(data, RewardStatisticsPrefix, rewardNormalizer.RewardStatistics);
        }

        data.CopyTensorTo<float>("rollout.current_observations", agent.CurrentObservations, [agent.CurrentObservations.Length]);
        agent.RestoreCounters(data.GetCounter("num_timesteps"), (int)data.GetCounter("iterations"), data.GetCounter("num_updates"));
        agent.Random.RestoreState(ReadExtra(data, "rng_state").GetValue<string>());
        agent.NeedsReset = ReadExtra(data, "needs_reset").GetValue<bool>();
        agent.RecentEpisodes.Clear();
        foreach (JsonNode? e in ReadExtra(data, "recent_episodes").AsArray())
        {
            JsonArray row = e!.AsArray();
            agent.RecentEpisodes.Enqueue(new EpisodeStatistics(row[0]!.GetValue<int>(), row[1]!.GetValue<double>(), row[2]!.GetValue<int>()));
        }
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

    /// <summary>Rebuilds the policy (and its frozen observation normaliser) from a checkpoint, for evaluation.</summary>
    public static LoadedPolicy LoadPolicy((string Directory, string Name) checkpoint, EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        CheckpointData data = Checkpoint.Load(checkpoint.Directory, expectedAlgorithm: null, checkpoint.Name);
        RunConfig run = RunConfig.FromJson(ReadExtra(data, "run").ToJsonString(), Checkpoint.MetadataPath(checkpoint.Directory, checkpoint.Name));
        OnPolicyOptions options = OptionsBinder.FromJson(AlgorithmRegistry.DefaultOptions(run.Algorithm), run.Options);
        using IEnv env = registry.Make(run.EnvId);
        var policy = new ActorCriticPolicy(env.ObservationSpace, env.ActionSpace, options.Policy, new Random(0));
        RequireSpaces(data, policy.ObservationSpace.ToString(), policy.ActionSpace.ToString());
        data.LoadParameters(policy.Parameters, PolicyPrefix);
        ObservationTransform? normalize = null;
        if (options.NormalizeObservations)
        {
            var statistics = new RunningMeanStd(env.ObservationSpace.FlatSize) { Frozen = true };
            LoadStatistics(data, ObservationStatisticsPrefix, statistics);
            normalize = (raw, normalized) => statistics.Normalize(raw, normalized, clip: 10.0, epsilon: 1e-8);
        }

        return new LoadedPolicy(policy, run, normalize);
    }

    private static void AddStatistics(List<SafeTensor> tensors, string prefix, RunningMeanStd statistics)
    {
        tensors.Add(SafeTensor.Create<double>(prefix + "mean", statistics.Mean, statistics.Size));
        tensors.Add(SafeTensor.Create<double>(prefix + "var", statistics.Variance, statistics.Size));
        tensors.Add(SafeTensor.Create<double>(prefix + "count", [statistics.Count], 1));
    }

    private static void LoadStatistics(CheckpointData data, string prefix, RunningMeanStd statistics)
    {
        double[] mean = new double[statistics.Size];
        double[] variance = new double[statistics.Size];
        double[] count = new double[1];
        data.CopyTensorTo<double>(prefix + "mean", mean, [statistics.Size]);
        data.CopyTensorTo<double>(prefix + "var", variance, [statistics.Size]);
        data.CopyTensorTo<double>(prefix + "count", count, [1]);
        statistics.SetState(new RunningMeanStdState(mean, variance, count[0]));
    }

    private static void RequireSpaces(CheckpointData data, string? observationSpace, string? actionSpace)
    {
        if (data.ObservationSpace != observationSpace || data.ActionSpace != actionSpace)
        {
            throw new CheckpointException(string.Create(CultureInfo.InvariantCulture,
                $"Checkpoint {data.SourcePath} was saved for observations {data.ObservationSpace} and actions {data.ActionSpace}; this agent has {observationSpace} and {actionSpace}."));
        }
    }

    private static JsonNode ReadExtra(CheckpointData data, string key) =>
        data.Extra[key] ?? throw new CheckpointException($"Checkpoint {data.SourcePath} lacks '{key}'; it was not written by an on-policy agent of this version.");

    private static T? Find<T>(IVectorEnv env)
        where T : class, IVectorEnv
    {
        for (IVectorEnv? current = env; current is not null; current = (current as VectorWrapper)?.Env)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }
}
