namespace SharpRL.Algorithms.AdvantageWeighted;

/// <summary>
/// AWR's side of the run layer (<c>sharprl train awr &lt;env&gt;</c>): a checkpoint holds the weights, both
/// optimizers' moments, the sample buffer, the counters, the generator, the env's state and the
/// observation the next step starts from, so a resumed run continues exactly.
/// </summary>
public sealed partial class Awr : ILearner
{

    /// <summary>The run-layer descriptor of "awr".</summary>
    public static AlgorithmDescriptor Descriptor { get; } = new AlgorithmDescriptor<AwrOptions>(
        "awr",
        "Advantage-weighted regression (Peng et al. 2019)",
        AlgorithmFamily.OffPolicy,
        new AwrOptions(),
        factory: (context, options) => new Awr(context.Own(context.MakeEnv()), options, context.Seed, context.Logger),
        policyLoader: (checkpoint, options, makeEnv) => LoadActingPolicy(checkpoint, options, makeEnv))
    {
        ValidateOptions = options => options.Validate(),
        Presets = envId => AwrPresets.EnvIds.Contains(envId) && AwrPresets.For(envId) is var p ? new Preset<AwrOptions>(p.Options, p.TotalTimesteps, p.Source) : null,
        DefaultBudget = 1_000_000,
    };

    /// <inheritdoc />
    double ILearner.RecentMeanReturn => _recentReturns.Count > 0 ? _recentReturns.Average() : double.NaN;

    /// <inheritdoc />
    IReadOnlyList<KeyValuePair<string, TimeSpan>> ILearner.TimeByPhase => [new("rollout", _rolloutTime), new("update", _updateTime)];

    /// <summary>Rebuilds an awr run's policy from its checkpoint, for <c>sharprl eval</c>.</summary>
    public static IActingPolicy LoadActingPolicy(CheckpointData checkpoint, AwrOptions options, Func<IEnv> makeEnv)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(makeEnv);
        using IEnv env = makeEnv();
        var policy = new ActorCriticPolicy(PolicyObservationSpace(env.ObservationSpace, options), env.ActionSpace, options.Policy, new Random(0));
        PolicyCheckpoint.LoadPolicy(checkpoint, policy);
        ObservationTransform? normalize = null;
        if (options.NormalizerSamples > 0)
        {
            var statistics = new RunningMeanStd(env.ObservationSpace.FlatSize) { Frozen = true };
            LoadStatistics(checkpoint, statistics);
            normalize = (raw, input) => statistics.Normalize(raw, input, ObservationClip, ObservationEpsilon);
        }

        return new ActorCriticActingPolicy(policy, env.ObservationSpace, normalize);
    }

    /// <inheritdoc />
    bool ILearner.Learn(long totalTimesteps, Action<ILearner>? afterIteration, CancellationToken cancellationToken) =>
        Learn(totalTimesteps, afterIteration is null ? null : awr => afterIteration(awr), cancellationToken);

    /// <inheritdoc />
    IActingPolicy ILearner.CreateEvaluationPolicy() => new ActorCriticActingPolicy(Policy, _env.ObservationSpace, _observationStatistics is null ? null : NormalizeObservations);

    /// <inheritdoc />
    void ILearner.SaveState(LearnerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        List<SafeTensor> tensors = state.Tensors;
        PolicyCheckpoint.SavePolicy(state, Policy);
        foreach ((string name, Adam<float> optimizer) in Optimizers())
        {
            PolicyCheckpoint.SaveOptimizer(state, name, optimizer);
        }

        tensors.Add(SafeTensor.Create<float>("buffer.observations", _observations, _capacity, _observationSize));
        tensors.Add(SafeTensor.Create<float>("buffer.next_observations", _nextObservations, _capacity, _observationSize));
        tensors.Add(SafeTensor.Create<float>("buffer.actions", _actions, _capacity, _actionSize));
        tensors.Add(SafeTensor.Create<float>("buffer.rewards", _rewards, _capacity));
        tensors.Add(SafeTensor.Create<float>("buffer.terminated", [.. _terminated.Select(b => b ? 1f : 0f)], _capacity));
        tensors.Add(SafeTensor.Create<float>("buffer.done", [.. _done.Select(b => b ? 1f : 0f)], _capacity));
        tensors.Add(SafeTensor.Create<float>("rollout.current_observation", _observation, _observationSize));
        if (_observationStatistics is { } statistics)
        {
            // The names and layout the on-policy runs use, so exporters read both alike.
            RunningMeanStdState stats = statistics.GetState();
            tensors.Add(SafeTensor.Create<double>("normalize.obs.mean", stats.Mean, stats.Mean.Length));
            tensors.Add(SafeTensor.Create<double>("normalize.obs.var", stats.Variance, stats.Variance.Length));
            state.Extra["normalize_obs_count"] = stats.Count;
        }

        state.Counters["num_timesteps"] = NumTimesteps;
        state.Counters["iterations"] = Iterations;
        state.Counters["buffer.head"] = _head;
        state.Counters["buffer.count"] = _count;
        state.Counters["needs_reset"] = _needsReset ? 1 : 0;
        state.Extra["rng_state"] = _random.SaveState();
        state.Extra["episode_return"] = _episodeReturn;
        state.Extra["recent_returns"] = new JsonArray([.. _recentReturns.Select(r => (JsonNode)JsonValue.Create(r))]);
        if (_env is IStatefulEnv stateful)
        {
            try
            {
                state.Extra["env_state"] = stateful.SaveState();
            }
            catch (NotSupportedException e)
            {
                state.Extra["env_state_unavailable"] = e.Message;
            }
        }
        else
        {
            state.Extra["env_state_unavailable"] = $"{_env.GetType().FullName} does not implement IStatefulEnv.";
        }
    }

    /// <inheritdoc />
    bool ILearner.LoadState(CheckpointData checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        PolicyCheckpoint.LoadPolicy(checkpoint, Policy);
        foreach ((string name, Adam<float> optimizer) in Optimizers())
        {
            PolicyCheckpoint.LoadOptimizer(checkpoint, name, optimizer);
        }

        checkpoint.CopyTensorTo<float>("buffer.observations", _observations, [_capacity, _observationSize]);
        checkpoint.CopyTensorTo<float>("buffer.next_observations", _nextObservations, [_capacity, _observationSize]);
        checkpoint.CopyTensorTo<float>("buffer.actions", _actions, [_capacity, _actionSize]);
        checkpoint.CopyTensorTo<float>("buffer.rewards", _rewards, [_capacity]);
        float[] flags = new float[_capacity];
        checkpoint.CopyTensorTo<float>("buffer.terminated", flags, [_capacity]);
        for (int i = 0; i < _capacity; i++)
        {
            _terminated[i] = flags[i] != 0;
        }

        checkpoint.CopyTensorTo<float>("buffer.done", flags, [_capacity]);
        for (int i = 0; i < _capacity; i++)
        {
            _done[i] = flags[i] != 0;
        }

        checkpoint.CopyTensorTo<float>("rollout.current_observation", _observation, [_observationSize]);
        if (_observationStatistics is { } statistics)
        {
            LoadStatistics(checkpoint, statistics);
        }

        NumTimesteps = checkpoint.GetCounter("num_timesteps");
        Iterations = (int)checkpoint.GetCounter("iterations");
        _head = (int)checkpoint.GetCounter("buffer.head");
        _count = (int)checkpoint.GetCounter("buffer.count");
        _needsReset = checkpoint.GetCounter("needs_reset") != 0;
        _random.RestoreState(checkpoint.Extra["rng_state"] is JsonValue r && r.TryGetValue(out string? rng) ? rng : throw new CheckpointException($"Checkpoint {checkpoint.SourcePath} lacks the string 'rng_state' of an awr run."));
        _episodeReturn = checkpoint.Extra["episode_return"] is JsonValue e && e.TryGetValue(out double episodeReturn) ? episodeReturn : throw new CheckpointException($"Checkpoint {checkpoint.SourcePath} lacks the number 'episode_return' of an awr run.");
        _recentReturns.Clear();
        if (checkpoint.Extra["recent_returns"] is JsonArray returns)
        {
            _recentReturns.AddRange(returns.Select(n => n is JsonValue v && v.TryGetValue(out double x) ? x : throw new CheckpointException($"Checkpoint {checkpoint.SourcePath}: recent_returns holds a non-number.")));
        }

        if (checkpoint.Extra["env_state"] is JsonNode envState && _env is IStatefulEnv stateful)
        {
            stateful.LoadState(envState);
            return true;
        }

        // Without the env's state the next step starts a fresh episode: training goes on, not bit-exactly.
        _needsReset = true;
        return false;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static void LoadStatistics(CheckpointData checkpoint, RunningMeanStd statistics)
    {
        int n = statistics.Size;
        double[] mean = new double[n], variance = new double[n];
        checkpoint.CopyTensorTo<double>("normalize.obs.mean", mean, [n]);
        checkpoint.CopyTensorTo<double>("normalize.obs.var", variance, [n]);
        double count = checkpoint.Extra["normalize_obs_count"] is JsonValue c && c.TryGetValue(out double x)
            ? x
            : throw new CheckpointException($"Checkpoint {checkpoint.SourcePath} lacks the number 'normalize_obs_count' of an awr run with observation normalisation.");
        statistics.SetState(new RunningMeanStdState(mean, variance, count));
    }

    private IEnumerable<(string Name, Adam<float> Optimizer)> Optimizers() => [("policy", _policyOptimizer), ("value", _valueOptimizer)];
}
