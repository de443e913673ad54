using SharpRL.Envs.Vector;

namespace SharpRL.Algorithms.Common;

/// <summary>
/// The on-policy family's side of the run layer (<see cref="ILearner"/>): what a checkpoint holds so that
/// a resumed run continues exactly, and how the trained policy is rebuilt for evaluation.
/// </summary>
/// <remarks>
/// <para>
/// A checkpoint holds the weights, optimizer moments, counters, the generator state, the observations the
/// next rollout starts from, the recent-episode window and the vector env's complete state
/// (<see cref="IStatefulEnv.SaveState"/>: every copy's physics, generator and time limit, the per-copy
/// episode accumulators, the normalisers' running statistics and discounted returns) under
/// <c>"env_state"</c>. The env state is the one source of truth for resuming. The observation
/// normaliser's statistics are also written as the F64 tensors <c>normalize.obs.mean/var/count</c>, an
/// export for evaluation (or a Python script reading the safetensors file). <c>"action_masks"</c>
/// (<see cref="ActionMasksKey"/>) records whether the env supplied action masks, so that an exporter
/// gives the deployed policy a mask input without being told.
/// </para>
/// <para>
/// An env that cannot save its state (a user env that does not implement <see cref="IStatefulEnv"/>) can
/// still be trained and checkpointed: the checkpoint records why under <c>"env_state_unavailable"</c> and
/// keeps the normalisers' statistics as tensors (<c>normalize.obs.*</c>, <c>normalize.reward.*</c>).
/// Loading it restores everything else and resets the env (with the run's seed) before the next rollout:
/// training continues, but not exactly as the uninterrupted run would have (LoadState returns false).
/// </para>
/// </remarks>
public abstract partial class OnPolicyAlgorithm : ILearner
{
    /// <summary>Extra key of a checkpoint: true when the policy was trained on an env that supplied action masks.</summary>
    public const string ActionMasksKey = "action_masks";

    internal const string ObservationStatisticsPrefix = "normalize.obs.";
    internal const string RewardStatisticsPrefix = "normalize.reward.";
    private const string EnvStateKey = "env_state";
    private const string AlgorithmStateKey = "algorithm_state";
    private const string EnvStateUnavailableKey = "env_state_unavailable";
    private const string CurrentObservationsTensor = "rollout.current_observations";
    private const string ActionStreamsKey = "action_rng_states";

    /// <inheritdoc />
    IReadOnlyList<KeyValuePair<string, TimeSpan>> ILearner.TimeByPhase
    {
        get
        {
            TimeBreakdown t = Timing;
            return [new("rollout", t.Rollout), new("advantages", t.Advantages), new("update", t.Update), new("logging", t.Logging)];
        }
    }

    /// <inheritdoc />
    bool ILearner.Learn(long totalTimesteps, Action<ILearner>? afterIteration, CancellationToken cancellationToken) =>
        Learn(totalTimesteps, afterIteration is null ? null : agent => afterIteration(agent), cancellationToken);

    /// <inheritdoc />
    IActingPolicy ILearner.CreateEvaluationPolicy()
    {
        // A copy of the statistics: evaluating mid-run must leave the training normaliser untouched.
        ObservationTransform? normalize = null;
        if (VectorEnvBuilder.FindLayer<VectorNormalizeObservation>(Env) is { } normalizer)
        {
            var statistics = new RunningMeanStd(normalizer.ObservationStatistics.Size);
            statistics.CopyFrom(normalizer.ObservationStatistics);
            statistics.Frozen = true;
            double clip = normalizer.Clip, epsilon = normalizer.Epsilon;
            normalize = (raw, normalized) => statistics.Normalize(raw, normalized, clip, epsilon);
        }

        return new ActorCriticActingPolicy(Policy, InnermostEnv(Env).SingleObservationSpace, normalize);
    }

    /// <inheritdoc />
    void ILearner.SaveState(LearnerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        List<SafeTensor> tensors = state.Tensors;
        PolicyCheckpoint.SavePolicy(state, Policy);
        Dictionary<string, long> counters = state.Counters;
        counters["num_timesteps"] = NumTimesteps;
        counters["iterations"] = Iterations;
        counters["num_updates"] = NumUpdates;
        foreach ((string optimizerName, IOptimizer<float> optimizer) in Optimizers)
        {
            PolicyCheckpoint.SaveOptimizer(state, optimizerName, optimizer);
        }

        (JsonNode? envState, string? envStateUnavailable) = SaveEnvState(Env);
        if (VectorEnvBuilder.FindLayer<VectorNormalizeObservation>(Env) is { } observationNormalizer)
        {
            AddStatistics(tensors, ObservationStatisticsPrefix, observationNormalizer.ObservationStatistics);
        }

        // With the env state these statistics live there; without it they must be kept here.
        if (envState is null && VectorEnvBuilder.FindLayer<VectorNormalizeReward>(Env) is { } rewardNormalizer)
        {
            AddStatistics(tensors, RewardStatisticsPrefix, rewardNormalizer.RewardStatistics);
        }

        tensors.Add(SafeTensor.Create<float>(CurrentObservationsTensor, CurrentObservations, Env.NumEnvs, CurrentObservations.Length / Env.NumEnvs));
        JsonArray episodes = RecentEpisodes.ToJson();

        JsonObject extra = state.Extra;
        extra["rng_state"] = Random.SaveState();
        extra[ActionStreamsKey] = new JsonArray([.. Collector.ActionStreams.Select(stream => (JsonNode)stream.SaveState())]);
        extra["needs_reset"] = NeedsReset;
        extra["recent_episodes"] = episodes;
        extra[AlgorithmStateKey] = SaveAlgorithmState();
        extra[ActionMasksKey] = UsesActionMasks;
        if (envState is not null)
        {
            extra[EnvStateKey] = envState;
        }
        else
        {
            extra[EnvStateUnavailableKey] = envStateUnavailable;
        }
    }

    /// <inheritdoc />
    bool ILearner.LoadState(CheckpointData checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        CheckpointData data = checkpoint;
        RequireSpaces(data, Policy.ObservationSpace.ToString(), Policy.ActionSpace.ToString());
        data.LoadParameters(Policy.Parameters, PolicyCheckpoint.PolicyPrefix);
        foreach ((string optimizerName, IOptimizer<float> optimizer) in Optimizers)
        {
            PolicyCheckpoint.LoadOptimizer(data, optimizerName, optimizer);
        }

        JsonNode? envStateNode = data.Extra[EnvStateKey];
        if (envStateNode is not null and not JsonObject)
        {
            throw new CheckpointException($"Checkpoint {data.SourcePath}: extra.{EnvStateKey} must be an object, but is {Shorten(envStateNode.ToJsonString())}.");
        }

        if (envStateNode is null && data.Extra[EnvStateUnavailableKey] is not JsonValue)
        {
            throw new CheckpointException($"Checkpoint {data.SourcePath} lacks extra.{EnvStateKey} (and gives no extra.{EnvStateUnavailableKey} reason): the env cannot be restored, so the run cannot continue exactly. Restore the file, or start a new run.");
        }

        var envState = envStateNode as JsonObject;
        bool exact = envState is not null;
        if (envState is not null)
        {
            LoadEnvState(data, Env, envState);
        }
        else
        {
            if (VectorEnvBuilder.FindLayer<VectorNormalizeObservation>(Env) is { } observationNormalizer)
            {
                LoadStatistics(data, ObservationStatisticsPrefix, observationNormalizer.ObservationStatistics);
            }

            if (VectorEnvBuilder.FindLayer<VectorNormalizeReward>(Env) is { } rewardNormalizer)
            {
                LoadStatistics(data, RewardStatisticsPrefix, rewardNormalizer.RewardStatistics);
            }
        }

        // Written flat ([n·obs]) before the shape [n_envs, obs] was recorded; both hold the same values.
        SafeTensor observations = data.GetTensor(CurrentObservationsTensor);
        data.CopyTensorTo<float>(CurrentObservationsTensor, CurrentObservations, observations.Shape.Count == 1 ? [CurrentObservations.Length] : [Env.NumEnvs, CurrentObservations.Length / Env.NumEnvs]);
        (long timesteps, long iterations, long updates) = ReadCounters(data);
        string rngState = ReadString(data, "rng_state");
        bool needsReset = ReadBool(data, "needs_reset");
        EpisodeStatistics[] episodes = ReadEpisodes(data);
        try
        {
            Random.RestoreState(rngState);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new CheckpointException($"Checkpoint {data.SourcePath}: extra.rng_state is not a generator state ({e.Message}).", e);
        }

        exact &= RestoreActionStreams(data);
        RestoreCounters(timesteps, (int)iterations, updates);
        if (data.Extra[AlgorithmStateKey] is JsonObject algorithmState)
        {
            try
            {
                LoadAlgorithmState(algorithmState);
            }
            catch (Exception e) when (IsStateError(e))
            {
                throw new CheckpointException($"Checkpoint {data.SourcePath}: extra.{AlgorithmStateKey} does not fit this algorithm ({e.Message}).", e);
            }
        }

        // Without the env's state the saved observations belong to episodes this env is not in: restart them.
        NeedsReset = !exact || needsReset;
        RecentEpisodes.Restore(episodes);

        return exact;
    }

    /// <inheritdoc />
    string? ILearner.DescribeNonFinite()
    {
        // Env output first (the likely cause of a NaN loss), then the networks (divergence).
        int observationSize = Buffer.ObservationSize;
        if (NonFiniteScan.DescribeObservations(CurrentObservations, observationSize) is { } observation)
        {
            return observation;
        }

        if (NonFiniteScan.FirstIndex(Buffer.Observations) is int bo)
        {
            return $"the env returned a non-finite observation ({Buffer.Observations[bo]} at rollout step {bo / observationSize / Env.NumEnvs}, env copy {bo / observationSize % Env.NumEnvs}); check the env's step and reset (likely cause: the env's output)";
        }

        if (NonFiniteScan.FirstIndex(Buffer.Rewards) is int r)
        {
            return $"the env returned a non-finite reward ({Buffer.Rewards[r]} at rollout step {r / Env.NumEnvs}, env copy {r % Env.NumEnvs}); check the env's reward (likely cause: the env's output)";
        }

        return NonFiniteScan.DescribeParameters(Policy.Parameters, NonFiniteScan.ClippedGradientAdvice);
    }

    /// <summary>
    /// Restores every copy's action-sampling generator; false (with fresh streams) for a checkpoint written
    /// before they existed, whose run sampled all copies' actions from the main generator.
    /// </summary>
    private bool RestoreActionStreams(CheckpointData data)
    {
        JsonNode? node = data.Extra[ActionStreamsKey];
        if (node is null)
        {
            return false;
        }

        IReadOnlyList<Rng.SerializableRandom> streams = Collector.ActionStreams;
        if (node is not JsonArray states || states.Count != streams.Count)
        {
            throw new CheckpointException(string.Create(CultureInfo.InvariantCulture,
                $"Checkpoint {data.SourcePath}: extra.{ActionStreamsKey} must be an array of {streams.Count} generator states (one per env copy), but is {Shorten(node.ToJsonString())}."));
        }

        var parsed = new Rng.SerializableRandom[states.Count];
        for (int i = 0; i < states.Count; i++)
        {
            try
            {
                parsed[i] = states[i] is JsonValue value && value.TryGetValue(out string? text)
                    ? Rng.SerializableRandom.FromStateString(text)
                    : throw new FormatException("not a string");
            }
            catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
            {
                throw new CheckpointException(string.Create(CultureInfo.InvariantCulture, $"Checkpoint {data.SourcePath}: extra.{ActionStreamsKey}[{i}] is not a generator state ({e.Message})."), e);
            }
        }

        for (int i = 0; i < parsed.Length; i++)
        {
            streams[i].SetState(parsed[i].GetState());
        }

        return true;
    }

    private (long Timesteps, long Iterations, long Updates) ReadCounters(CheckpointData data)
    {
        long timesteps = data.GetCounter("num_timesteps");
        long iterations = data.GetCounter("iterations");
        long updates = data.GetCounter("num_updates");
        long rollout = (long)Env.NumEnvs * Buffer.Steps;

        // Every iteration collects exactly one rollout, so the counters must agree with each other.
        if (iterations < 0 || iterations > int.MaxValue || timesteps != iterations * rollout)
        {
            throw new CheckpointException(string.Create(CultureInfo.InvariantCulture,
                $"Checkpoint {data.SourcePath}: counters num_timesteps = {timesteps} and iterations = {iterations} do not fit n_envs × n_steps = {rollout} steps per iteration (num_timesteps must be iterations × {rollout}, both ≥ 0)."));
        }

        if (updates < 0)
        {
            throw new CheckpointException(string.Create(CultureInfo.InvariantCulture, $"Checkpoint {data.SourcePath}: counter num_updates = {updates} is invalid; expected ≥ 0."));
        }

        return (timesteps, iterations, updates);
    }

    private static string ReadString(CheckpointData data, string key) =>
        ReadExtra(data, key) is JsonValue value && value.TryGetValue(out string? text)
            ? text
            : throw new CheckpointException($"Checkpoint {data.SourcePath}: extra.{key} must be a string, but is {Shorten(ReadExtra(data, key).ToJsonString())}.");

    private static bool ReadBool(CheckpointData data, string key) =>
        ReadExtra(data, key) is JsonValue value && value.TryGetValue(out bool flag)
            ? flag
            : throw new CheckpointException($"Checkpoint {data.SourcePath}: extra.{key} must be true or false, but is {Shorten(ReadExtra(data, key).ToJsonString())}.");

    private EpisodeStatistics[] ReadEpisodes(CheckpointData data)
    {
        const string key = "recent_episodes";
        if (ReadExtra(data, key) is not JsonArray rows)
        {
            throw new CheckpointException($"Checkpoint {data.SourcePath}: extra.{key} must be an array of [env index, return, length] rows, but is {Shorten(ReadExtra(data, key).ToJsonString())}.");
        }

        var episodes = new EpisodeStatistics[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i] is JsonArray { Count: 3 } row
                && row[0] is JsonValue a && a.TryGetValue(out int envIndex) && envIndex >= 0 && envIndex < Env.NumEnvs
                && row[1] is JsonValue b && b.TryGetValue(out double episodeReturn) && double.IsFinite(episodeReturn)
                && row[2] is JsonValue c && c.TryGetValue(out int length) && length > 0)
            {
                episodes[i] = new EpisodeStatistics(envIndex, episodeReturn, length);
            }
            else
            {
                throw new CheckpointException(string.Create(CultureInfo.InvariantCulture,
                    $"Checkpoint {data.SourcePath}: extra.{key}[{i}] = {Shorten(rows[i]?.ToJsonString() ?? "null")} is invalid; expected [env index in [0, {Env.NumEnvs}), finite return, length ≥ 1]."));
            }
        }

        return episodes;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";

    /// <summary>Rebuilds a trained actor-critic policy (and its frozen observation normaliser) from a checkpoint, for evaluation.</summary>
    internal static IActingPolicy LoadActingPolicy(CheckpointData data, OnPolicyOptions options, Func<IEnv> makeEnv)
    {
        // The policy saw the spaces of the training env stack (normalised observations are Box(±clip)):
        // rebuild one copy of that stack to get them.
        using IVectorEnv env = VectorEnvBuilder.Build(makeEnv, options with { NumEnvs = 1 }, parallel: false);
        ActorCriticPolicy policy;
        try
        {
            policy = new ActorCriticPolicy(env.SingleObservationSpace, env.SingleActionSpace, options.Policy, new Random(0));
        }
        catch (OverflowException e)
        {
            // Layer sizes in a damaged config whose weight count overflows: refuse the file, not crash.
            throw new CheckpointException($"Checkpoint {data.SourcePath}: its policy settings (policy.*) describe networks too large to build ({e.Message}).", e);
        }

        RequireSpaces(data, policy.ObservationSpace.ToString(), policy.ActionSpace.ToString());
        data.LoadParameters(policy.Parameters, PolicyCheckpoint.PolicyPrefix);
        ObservationTransform? normalize = null;
        if (VectorEnvBuilder.FindLayer<VectorNormalizeObservation>(env) is { } normalizer)
        {
            var statistics = new RunningMeanStd(normalizer.ObservationStatistics.Size) { Frozen = true };
            LoadStatistics(data, ObservationStatisticsPrefix, statistics);
            double clip = normalizer.Clip, epsilon = normalizer.Epsilon;
            normalize = (raw, normalized) => statistics.Normalize(raw, normalized, clip, epsilon);
        }

        return new ActorCriticActingPolicy(policy, InnermostEnv(env).SingleObservationSpace, normalize);
    }

    private static IVectorEnv InnermostEnv(IVectorEnv env)
    {
        while (env is VectorWrapper wrapper)
        {
            env = wrapper.Env;
        }

        return env;
    }

    private static (JsonNode? State, string? Unavailable) SaveEnvState(IVectorEnv env)
    {
        if (env is not IStatefulEnv stateful)
        {
            return (null, $"{env.GetType().FullName} does not implement IStatefulEnv.");
        }

        try
        {
            return (stateful.SaveState(), null);
        }
        catch (NotSupportedException e)
        {
            // A user env inside the vector env cannot save its state: keep training, note why resume is not exact.
            return (null, e.Message);
        }
    }

    private static void LoadEnvState(CheckpointData data, IVectorEnv env, JsonNode state)
    {
        if (env is not IStatefulEnv stateful)
        {
            throw new CheckpointException($"Checkpoint {data.SourcePath} holds the state of its env, but this agent's env ({env}) cannot load one (it does not implement IStatefulEnv).");
        }

        try
        {
            stateful.LoadState(state);
        }
        catch (Exception e) when (IsStateError(e))
        {
            throw new CheckpointException($"Checkpoint {data.SourcePath}: extra.{EnvStateKey} does not fit this agent's env ({env}): {e.Message}", e);
        }
    }

    // What a state reader throws on JSON of the wrong shape or type (the env and algorithm readers are
    // written for their own output); anything else is a bug and propagates.
    private static bool IsStateError(Exception e) =>
        e is ArgumentException or NotSupportedException or InvalidOperationException or FormatException or KeyNotFoundException
            or NullReferenceException or InvalidCastException or OverflowException or IndexOutOfRangeException or System.Text.Json.JsonException;

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
}
