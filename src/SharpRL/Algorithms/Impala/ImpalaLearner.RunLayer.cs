namespace SharpRL.Algorithms.Impala;

/// <summary>
/// The run layer's view of the IMPALA learner: its descriptor (<c>sharprl train impala …</c>), what a
/// checkpoint holds, and the evaluation policy.
/// </summary>
/// <remarks>
/// A checkpoint holds the weights (<c>policy.*</c>), the optimiser's moments, the counters and the window
/// of recent episodes; with a checkpointable source in a consistent state (deterministic mode) also the
/// actor's env copies, generator and observations under <c>extra.source_state</c>, so a resumed run
/// continues bit-exactly. With asynchronous actors it records why not under
/// <c>extra.source_state_unavailable</c>: a resumed run then restarts its actors from fresh episodes and
/// <see cref="ILearner.LoadState"/> returns false.
/// </remarks>
public sealed partial class ImpalaLearner : ILearner
{
    private const string OptimizerName = "policy_value";
    private const string SourceStateKey = "source_state";
    private const string SourceStateUnavailableKey = "source_state_unavailable";
    private const string EpisodesKey = "recent_episodes";

    /// <summary>The run layer's descriptor of IMPALA with local actor threads.</summary>
    public static AlgorithmDescriptor Descriptor { get; } = new AlgorithmDescriptor<ImpalaOptions>(
        "impala",
        "Importance-weighted actor-learner with V-trace and asynchronous actor threads (Espeholt et al. 2018)",
        AlgorithmFamily.OnPolicy,
        new ImpalaOptions(),
        (context, options) =>
        {
            LocalTrajectorySource source = context.Own(new LocalTrajectorySource(context.MakeEnv, options, context.Seed));
            return new ImpalaLearner(source, source.ObservationSpace, source.ActionSpace, options, context.Seed, context.Logger);
        },
        LoadActingPolicy)
    {
        ValidateOptions = options => options.Validate(),
        Presets = ImpalaPresets.For,
        Warnings = options => options.Deterministic || options.NumActors <= Environment.ProcessorCount
            ? []
            : [string.Create(CultureInfo.InvariantCulture, $"num_actors = {options.NumActors} actor threads share {Environment.ProcessorCount} cores with the learner; more actors than cores mostly add policy lag.")],
        DefaultBudget = 1_000_000,
    };

    /// <inheritdoc />
    public IReadOnlyList<KeyValuePair<string, TimeSpan>> TimeByPhase =>
        [new("wait for chunks", _waitTime.Elapsed), new("update", _updateTime.Elapsed), new("logging", _loggingTime.Elapsed)];

    /// <inheritdoc />
    bool ILearner.Learn(long totalTimesteps, Action<ILearner>? afterIteration, CancellationToken cancellationToken) =>
        Learn(totalTimesteps, afterIteration, cancellationToken);

    /// <inheritdoc />
    public IActingPolicy CreateEvaluationPolicy() => new ActorCriticActingPolicy(Policy, Policy.ObservationSpace, normalizeObservation: null);

    /// <inheritdoc />
    public void SaveState(LearnerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        PolicyCheckpoint.SavePolicy(state, Policy);
        state.Counters["num_timesteps"] = NumTimesteps;
        state.Counters["num_updates"] = NumUpdates;
        PolicyCheckpoint.SaveOptimizer(state, OptimizerName, _optimizer);

        state.Extra[EpisodesKey] = _recentEpisodes.ToJson();
        string? unavailable = _source is ICheckpointableTrajectorySource checkpointable
            ? checkpointable.StateUnavailableReason
            : $"the trajectory source {_source.GetType().Name} cannot save its actors";
        if (unavailable is null)
        {
            state.Extra[SourceStateKey] = ((ICheckpointableTrajectorySource)_source).SaveState();
        }
        else
        {
            state.Extra[SourceStateUnavailableKey] = unavailable;
        }
    }

    /// <inheritdoc />
    public bool LoadState(CheckpointData checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        string source = checkpoint.SourcePath ?? "<checkpoint>";
        RequireSpaces(checkpoint, Policy.ObservationSpace.ToString(), Policy.ActionSpace.ToString());

        // Read and check everything before changing anything, so a bad checkpoint leaves the learner as it was.
        long timesteps = checkpoint.GetCounter("num_timesteps");
        long updates = checkpoint.GetCounter("num_updates");
        if (updates < 0 || timesteps != updates * Options.StepsPerUpdate)
        {
            throw new CheckpointException(string.Create(CultureInfo.InvariantCulture,
                $"Checkpoint {source}: counters num_timesteps = {timesteps} and num_updates = {updates} do not fit batch_size × unroll_length = {Options.StepsPerUpdate} steps per update (num_timesteps must be num_updates × {Options.StepsPerUpdate}, both ≥ 0)."));
        }

        OptimizerState<float> optimizerState = PolicyCheckpoint.ReadOptimizer(checkpoint, OptimizerName, _optimizer);
        EpisodeStatistics[] episodes = ReadEpisodes(checkpoint, source);
        JsonNode? sourceState = checkpoint.Extra[SourceStateKey];
        if (sourceState is null && checkpoint.Extra[SourceStateUnavailableKey] is not JsonValue)
        {
            throw new CheckpointException($"Checkpoint {source} has neither extra.{SourceStateKey} nor extra.{SourceStateUnavailableKey}; it was not written by the IMPALA learner.");
        }

        checkpoint.LoadParameters(Policy.Parameters, PolicyCheckpoint.PolicyPrefix);
        _optimizer.LoadState(optimizerState);
        (NumTimesteps, NumUpdates) = (timesteps, updates);
        _recentEpisodes.Restore(episodes);

        bool exact = false;
        if (sourceState is not null && _source is ICheckpointableTrajectorySource checkpointable && checkpointable.StateUnavailableReason is null)
        {
            try
            {
                checkpointable.LoadState(sourceState);
                exact = true;
            }
            catch (ArgumentException error)
            {
                throw new CheckpointException($"Checkpoint {source}: extra.{SourceStateKey} does not fit this run's actors: {error.Message}", error);
            }
        }

        // The actors act with the restored weights from their next unroll on.
        PublishWeights();
        return exact;
    }

    /// <inheritdoc />
    public string? DescribeNonFinite()
        => NonFiniteScan.DescribeParameters(Policy.Parameters, NonFiniteScan.ClippedGradientAdvice);

    /// <summary>Nothing to release: the source belongs to whoever created it.</summary>
    public void Dispose()
    {
    }

    /// <summary>Rebuilds the trained policy from a checkpoint, for <c>sharprl eval</c>.</summary>
    internal static IActingPolicy LoadActingPolicy(CheckpointData checkpoint, ImpalaOptions options, Func<IEnv> makeEnv)
    {
        using IEnv env = makeEnv();
        var policy = new ActorCriticPolicy(env.ObservationSpace, env.ActionSpace, options.Policy, new Random(0));
        RequireSpaces(checkpoint, policy.ObservationSpace.ToString(), policy.ActionSpace.ToString());
        checkpoint.LoadParameters(policy.Parameters, PolicyCheckpoint.PolicyPrefix);
        return new ActorCriticActingPolicy(policy, env.ObservationSpace, normalizeObservation: null);
    }

    private static void RequireSpaces(CheckpointData checkpoint, string? observationSpace, string? actionSpace)
    {
        if (checkpoint.ObservationSpace != observationSpace || checkpoint.ActionSpace != actionSpace)
        {
            throw new CheckpointException($"Checkpoint {checkpoint.SourcePath} was saved for observations {checkpoint.ObservationSpace} and actions {checkpoint.ActionSpace}; this learner has {observationSpace} and {actionSpace}.");
        }
    }

    private static EpisodeStatistics[] ReadEpisodes(CheckpointData checkpoint, string source)
    {
        if (checkpoint.Extra[EpisodesKey] is not JsonArray rows)
        {
            throw new CheckpointException($"Checkpoint {source}: extra.{EpisodesKey} must be an array of [source id, return, length] rows.");
        }

        var episodes = new EpisodeStatistics[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            episodes[i] = rows[i] is JsonArray { Count: 3 } row
                && row[0] is JsonValue a && a.TryGetValue(out int id) && id >= 0
                && row[1] is JsonValue b && b.TryGetValue(out double episodeReturn) && double.IsFinite(episodeReturn)
                && row[2] is JsonValue c && c.TryGetValue(out int length) && length > 0
                ? new EpisodeStatistics(id, episodeReturn, length)
                : throw new CheckpointException($"Checkpoint {source}: extra.{EpisodesKey}[{i}] is invalid; expected [source id ≥ 0, finite return, length ≥ 1].");
        }

        return episodes;
    }
}
