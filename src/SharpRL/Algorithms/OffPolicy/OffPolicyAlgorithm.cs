using SharpRL.Nn.Kernels;
using SharpRL.Training;

namespace SharpRL.Algorithms.OffPolicy;

/// <summary>
/// The loop DDPG, TD3 and SAC share (SB3's OffPolicyAlgorithm): act in a vector env (uniform random
/// actions for the first <c>learning_starts</c> steps, then the actor plus exploration noise), store
/// every transition in the replay buffer, and after every <c>train_freq</c> steps or episodes let the
/// algorithm take <c>gradient_steps</c> updates (<see cref="Train"/>, the part that differs).
/// </summary>
/// <remarks>
/// Actions live in [−1, 1] inside the algorithm (networks, noise, buffer) and are rescaled to the Box
/// only when sent to the env. A collection phase may be interrupted at any vector step (budget reached
/// or cancellation) and resumes where it stopped, so a checkpoint taken mid-episode continues exactly.
/// </remarks>
public abstract partial class OffPolicyAlgorithm : ILearner
{
    /// <summary>Episodes between two log dumps (SB3's off-policy log_interval).</summary>
    public const int LogInterval = 4;


    private const int UpdatePartCount = 5;

    private readonly float[] _observations;
    private readonly float[] _nextObservations;
    private readonly float[] _actions;
    private readonly float[] _envActions;
    private readonly double[] _rewards;
    private readonly bool[] _terminated;
    private readonly bool[] _truncated;
    private readonly EpisodeWindow _recentEpisodes = new();
    private readonly Stopwatch _collectTime = new();
    private readonly Stopwatch _trainTime = new();
    private bool _needsReset = true;
    private int _phaseSteps;
    private int _phaseEpisodes;
    private LearnBudget _budget;
    private readonly SplitWorker? _worker;
    private readonly CriticJob _criticJob;
    private readonly long[] _partTicks = new long[UpdatePartCount];
    private long _timedUpdates;

    /// <summary>Checks the spaces and settings and allocates the replay buffer and noise.</summary>
    protected OffPolicyAlgorithm(IVectorEnv env, OffPolicyOptions options, int seed, MetricsLogger? logger, string algorithmName)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (env.SingleActionSpace is not Box actionSpace)
        {
            throw new ArgumentException(
                $"{algorithmName} needs a continuous (Box) action space; this env's is {env.SingleActionSpace}. " +
                "For Discrete or MultiDiscrete actions use ppo, a2c, trpo or reinforce.",
                nameof(env));
        }

        if (env.NumEnvs != options.NumEnvs)
        {
            throw new ArgumentException($"env has {env.NumEnvs} copies but the options say n_envs = {options.NumEnvs}; they must agree.", nameof(env));
        }

        Env = env;
        Name = algorithmName;
        Options = options;
        Seed = seed;
        Logger = logger ?? new MetricsLogger();
        Random = new SerializableRandom(seed);
        Scaling = new ActionScaling(actionSpace.Low, actionSpace.High);
        ObservationSize = env.SingleObservationSpace.FlatSize;
        ActionSize = actionSpace.FlatSize;
        int n = env.NumEnvs;
        Buffer = new ReplayBuffer(options.BufferSize, ObservationSize, ActionSize);
        Batch = new ReplayBatch(options.BatchSize, ObservationSize, ActionSize);
        Noise = new ActionNoise(options.NoiseType, n, ActionSize, options.NoiseStd, options.OrnsteinUhlenbeckTheta, options.OrnsteinUhlenbeckDt);
        _observations = new float[n * ObservationSize];
        _nextObservations = new float[n * ObservationSize];
        _actions = new float[n * ActionSize];
        _envActions = new float[n * ActionSize];
        _rewards = new double[n];
        _terminated = new bool[n];
        _truncated = new bool[n];
        _criticJob = new CriticJob(this);
        if (options.ParallelCritics && Environment.ProcessorCount > 1)
        {
            _worker = new SplitWorker($"{algorithmName} critic");
        }
    }

    /// <summary>The vector env the agent learns in (the caller's to dispose).</summary>
    public IVectorEnv Env { get; }

    /// <summary>The algorithm's registry name ("td3", "ddpg", "sac").</summary>
    public string Name { get; }

    /// <summary>Settings.</summary>
    public OffPolicyOptions Options { get; }

    /// <summary>Seed of the run: network init, actions, noise, sampling and env resets derive from it.</summary>
    public int Seed { get; }

    /// <summary>Receives the metrics.</summary>
    public MetricsLogger Logger { get; }

    /// <summary>The single generator of the run (its state goes into checkpoints).</summary>
    public SerializableRandom Random { get; }

    /// <summary>Mapping between [−1, 1] and the Box bounds.</summary>
    public ActionScaling Scaling { get; }

    /// <summary>Floats per observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Action dimensions.</summary>
    public int ActionSize { get; }

    /// <summary>The replay memory.</summary>
    public ReplayBuffer Buffer { get; }

    /// <summary>The minibatch each gradient step samples into.</summary>
    public ReplayBatch Batch { get; }

    /// <summary>The exploration noise processes, one per env copy.</summary>
    public ActionNoise Noise { get; }

    /// <summary>Env steps taken so far, summed over copies.</summary>
    public long NumTimesteps { get; private set; }

    /// <summary>Gradient steps taken so far (SB3's _n_updates; TD3's delay counts these).</summary>
    public long NumUpdates { get; protected set; }

    /// <summary>Episodes finished so far, over all copies.</summary>
    public long NumEpisodes { get; private set; }

    /// <summary>
    /// Floating-point operations of the network products in one gradient step (2·m·k·n per matrix product,
    /// averaged over the policy delay; element-wise work and Adam are not counted), for GFLOP/s figures.
    /// </summary>
    public abstract double FlopsPerUpdate { get; }

    /// <summary>GFLOP/s of the network math over the time this object spent in <see cref="Train"/> (a resumed run counts only its own updates).</summary>
    public double UpdateGflops => _trainTime.Elapsed.TotalSeconds > 0 ? _timedUpdates * FlopsPerUpdate / _trainTime.Elapsed.TotalSeconds / 1e9 : double.NaN;

    /// <summary>
    /// Time inside <see cref="Train"/> by part of the gradient step: replay sampling, the target y, the
    /// critics' regression (forward, backward, Adam), the actor (and SAC's temperature) step, and the
    /// target networks' Polyak averaging.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, TimeSpan>> TimeByUpdatePart =>
    [
        new("sample", Ticks(UpdatePart.Sample)),
        new("targets", Ticks(UpdatePart.Targets)),
        new("critics", Ticks(UpdatePart.Critics)),
        new("actor", Ticks(UpdatePart.Actor)),
        new("polyak", Ticks(UpdatePart.Polyak)),
    ];

    /// <summary>2·B·Σ_l in_l·out_l: the products of one forward pass of <paramref name="network"/> on a batch of <paramref name="batchSize"/>.</summary>
    protected static double ForwardFlops(Mlp<float> network, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(network);
        return network.Layers.Sum(l => 2.0 * batchSize * l.InputSize * l.OutputSize);
    }

    /// <summary>The first layer's share of <see cref="ForwardFlops"/> (a backward pass skips its input gradient when none is wanted).</summary>
    protected static double FirstLayerFlops(Mlp<float> network, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(network);
        return 2.0 * batchSize * network.Layers[0].InputSize * network.Layers[0].OutputSize;
    }

    /// <summary>Time spent acting and stepping the env, and in <see cref="Train"/>.</summary>
    public (TimeSpan Collect, TimeSpan Train) Timing => (_collectTime.Elapsed, _trainTime.Elapsed);

    /// <summary>Mean return of the last 100 finished episodes (NaN before the first).</summary>
    public double RecentMeanReturn => _recentEpisodes.MeanReturn;

    /// <summary>Mean length of the last 100 finished episodes (NaN before the first).</summary>
    public double RecentMeanLength => _recentEpisodes.MeanLength;

    /// <summary>
    /// Trains until <paramref name="totalTimesteps"/> env steps have been taken in all (counting earlier
    /// calls, so a resumed run continues where it stopped).
    /// </summary>
    /// <param name="totalTimesteps">Total env-step budget of the run.</param>
    /// <param name="afterTraining">Called after each training phase.</param>
    /// <param name="cancellationToken">Checked before each env step; Learn then returns with the state consistent and checkpointable.</param>
    /// <returns>True when the budget was reached; false when cancelled.</returns>
    public bool Learn(long totalTimesteps, Action<ILearner>? afterTraining = null, CancellationToken cancellationToken = default)
    {
        _budget = new LearnBudget(totalTimesteps, NumTimesteps);
        if (_needsReset)
        {
            Env.Reset(_observations, Seed);
            _needsReset = false;
        }

        while (_budget.Continues(NumTimesteps, cancellationToken))
        {
            _collectTime.Start();
            CollectStep();
            _collectTime.Stop();
            bool phaseDone = Options.TrainFrequency.Unit == TrainFrequencyUnit.Step
                ? _phaseSteps >= Options.TrainFrequency.Count
                : _phaseEpisodes >= Options.TrainFrequency.Count;
            if (!phaseDone)
            {
                continue;
            }

            int collected = _phaseSteps * Env.NumEnvs;
            _phaseSteps = 0;
            _phaseEpisodes = 0;

            // SB3 trains once the step count has passed learning_starts (strictly).
            if (NumTimesteps > Options.LearningStarts)
            {
                int gradientSteps = Options.GradientSteps >= 0 ? Options.GradientSteps : collected;
                if (gradientSteps > 0)
                {
                    _trainTime.Start();

                    // The serial passes (actor, SAC's sampling passes) lend half of each large product's
                    // rows to the critic worker, which is idle then; ForEachCritic takes it back.
                    using (Gemm.SplitWith(_worker))
                    {
                        Train(gradientSteps);
                    }

                    _trainTime.Stop();
                    _timedUpdates += gradientSteps;
                }
            }

            afterTraining?.Invoke(this);
        }

        return NumTimesteps >= totalTimesteps;
    }

    /// <summary>
    /// Plays <paramref name="episodes"/> episodes with the deterministic policy (first reset seeded
    /// with <paramref name="seed"/>, later ones continue its stream) and returns their returns.
    /// </summary>
    public EvaluationResult Evaluate(IEnv env, int episodes, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(env);
        if (env.ObservationSpace.FlatSize != ObservationSize || !env.ActionSpace.Equals(Env.SingleActionSpace))
        {
            throw new ArgumentException(
                $"The agent was trained for observations of {ObservationSize} floats and actions {Env.SingleActionSpace}, but the env has {env.ObservationSpace} and {env.ActionSpace}.",
                nameof(env));
        }

        return Evaluation.Evaluate(CreateEvaluationPolicy(), env, episodes, deterministic: true, seed);
    }

    /// <summary>The env actions (Box units) the trained policy takes for <paramref name="batchSize"/> observations, deterministically.</summary>
    public void PredictEnvActions(ReadOnlySpan<float> observations, Span<float> envActions, int batchSize)
    {
        Span<float> scaled = batchSize * ActionSize <= 64 ? stackalloc float[batchSize * ActionSize] : new float[batchSize * ActionSize];
        Predict(observations, scaled, batchSize, deterministic: true);
        Scaling.Unscale(scaled, envActions);
    }

    /// <summary>Releases the worker thread.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The policy's actions in [−1, 1] for each observation row (deterministic: no sampling; noise is added by the loop).</summary>
    protected internal abstract void Predict(ReadOnlySpan<float> observations, Span<float> actions, int batchSize, bool deterministic);

    /// <summary>Takes <paramref name="gradientSteps"/> gradient steps on minibatches from <see cref="Buffer"/>.</summary>
    protected internal abstract void Train(int gradientSteps);

    /// <summary>Named parameter groups a checkpoint must keep (networks and targets).</summary>
    protected internal abstract IReadOnlyList<KeyValuePair<string, IReadOnlyList<Parameter<float>>>> Networks { get; }

    /// <summary>Optimisers a checkpoint must keep, by a stable name.</summary>
    protected internal abstract IReadOnlyList<KeyValuePair<string, IOptimizer<float>>> Optimizers { get; }

    /// <summary>Algorithm state beyond networks and optimisers (e.g. SAC's ln α).</summary>
    protected internal virtual JsonObject SaveAlgorithmState() => [];

    /// <summary>Restores what <see cref="SaveAlgorithmState"/> wrote.</summary>
    protected internal virtual void LoadAlgorithmState(JsonObject state)
    {
    }

    /// <summary>Releases what a derived algorithm holds.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _worker?.Dispose();
        }
    }

    /// <summary>
    /// Runs <see cref="CriticWork"/>(phase, i) for critics i = 0 … count − 1, shared between this thread and
    /// the worker thread: each takes the next critic nobody has started, so a worker that is late (the cores
    /// are shared) leaves its critic to this thread instead of holding it up. The critics share no
    /// parameters or buffers, so the result is the same as running them in order.
    /// </summary>
    protected void ForEachCritic(int phase, int count)
    {
        if (_worker is null || count < 2)
        {
            for (int i = 0; i < count; i++)
            {
                CriticWork(phase, i);
            }

            return;
        }

        // Both threads are busy with a critic each, so no product may hand rows to the worker meanwhile.
        using Gemm.PartnerScope noSplit = Gemm.SplitWith(null);
        _criticJob.Phase = phase;
        _worker.Run(_criticJob, count);
    }

    /// <summary>Adds the time since <paramref name="since"/> (a <see cref="Stopwatch.GetTimestamp"/>) to <paramref name="part"/> and returns the current timestamp.</summary>
    protected long TimeUpdatePart(UpdatePart part, long since)
    {
        long now = Stopwatch.GetTimestamp();
        _partTicks[(int)part] += now - since;
        return now;
    }

    /// <summary>One critic's share of a phase started by <see cref="ForEachCritic"/>.</summary>
    protected virtual void CriticWork(int phase, int critic)
    {
    }

    private TimeSpan Ticks(UpdatePart part) => TimeSpan.FromSeconds(_partTicks[(int)part] / (double)Stopwatch.Frequency);

    /// <summary>One critic per chunk of a <see cref="ForEachCritic"/> phase.</summary>
    private sealed class CriticJob(OffPolicyAlgorithm owner) : SplitJob
    {
        public int Phase;

        public override void Execute(int chunk) => owner.CriticWork(Phase, chunk);
    }

    /// <summary>The loop's own state for a checkpoint: counters, RNG, noise, env and the observation it acts on next.</summary>
    internal JsonObject SaveLoopState()
    {
        var state = new JsonObject
        {
            ["num_timesteps"] = NumTimesteps,
            ["num_updates"] = NumUpdates,
            ["num_episodes"] = NumEpisodes,
            ["phase_steps"] = _phaseSteps,
            ["phase_episodes"] = _phaseEpisodes,
            ["needs_reset"] = _needsReset,
            ["rng"] = Random.SaveState(),
            ["noise"] = new JsonArray([.. Noise.State.ToArray().Select(v => JsonValue.Create(v))]),
            ["observations"] = new JsonArray([.. _observations.Select(v => JsonValue.Create(v))]),
            ["recent_episodes"] = _recentEpisodes.ToJson(),
        };
        if (Env is IStatefulEnv stateful && !_needsReset)
        {
            try
            {
                state["env"] = stateful.SaveState();
            }
            catch (NotSupportedException)
            {
                // A wrapped user env that cannot save: the resume restarts its episodes (LoadLoopState reports it).
            }
        }

        return state;
    }

    /// <summary>Restores what <see cref="SaveLoopState"/> wrote; false when the env's state could not be restored (the next Learn then resets it: not exact).</summary>
    internal bool LoadLoopState(JsonObject state)
    {
        NumTimesteps = Read<long>(state, "num_timesteps");
        NumUpdates = Read<long>(state, "num_updates");
        NumEpisodes = Read<long>(state, "num_episodes");
        _phaseSteps = Read<int>(state, "phase_steps");
        _phaseEpisodes = Read<int>(state, "phase_episodes");
        _needsReset = Read<bool>(state, "needs_reset");
        Random.RestoreState(Read<string>(state, "rng"));
        ReadArray(state, "noise", Noise.State);
        ReadArray<float>(state, "observations", _observations);
        _recentEpisodes.Restore(
            (state["recent_episodes"] as JsonArray ?? throw Missing("recent_episodes"))
                .Select(episode => new EpisodeStatistics(episode![0]!.GetValue<int>(), episode[1]!.GetValue<double>(), episode[2]!.GetValue<int>())));

        if (_needsReset)
        {
            return true;
        }

        // An env that cannot save its state (a user env without IStatefulEnv) restarts its episodes.
        if (Env is not IStatefulEnv stateful || state["env"] is not JsonNode envState)
        {
            _needsReset = true;
            return false;
        }

        stateful.LoadState(envState);
        return true;
    }

    private static T Read<T>(JsonObject state, string key)
        => state[key] is JsonValue value && value.TryGetValue(out T? result) ? result : throw Missing(key);

    private static void ReadArray<T>(JsonObject state, string key, Span<T> destination)
    {
        if (state[key] is not JsonArray array || array.Count != destination.Length)
        {
            throw new InvalidDataException($"Checkpoint loop state '{key}' is missing or does not hold {destination.Length} numbers.");
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = array[i]!.GetValue<T>();
        }
    }

    private static InvalidDataException Missing(string key) => new($"Checkpoint loop state '{key}' is missing or has the wrong type.");

    /// <summary>One vector step: choose actions, step, store each copy's transition, reset noise at episode ends.</summary>
    private void CollectStep()
    {
        int n = Env.NumEnvs;
        if (NumTimesteps < Options.LearningStarts)
        {
            // Uniform over the Box is uniform over [−1, 1] before the affine rescaling.
            for (int i = 0; i < _actions.Length; i++)
            {
                _actions[i] = (float)((2 * Random.NextDouble()) - 1);
            }
        }
        else
        {
            Predict(_observations, _actions, n, deterministic: false);
        }

        // SB3 adds the noise in the warm-up phase too, then clips; the clipped action is what is stored.
        if (Noise.Kind != ActionNoiseKind.None)
        {
            Noise.AddTo(_actions, Random);
            for (int i = 0; i < _actions.Length; i++)
            {
                _actions[i] = Math.Clamp(_actions[i], -1f, 1f);
            }
        }

        Scaling.Unscale(_actions, _envActions);
        Env.Step(_envActions, _nextObservations, _rewards, _terminated, _truncated);
        NumTimesteps += n;
        _phaseSteps++;

        ReadOnlySpan<float> finalObservations = Env.FinalObservations;
        int size = ObservationSize;
        for (int i = 0; i < n; i++)
        {
            bool done = _terminated[i] || _truncated[i];

            // After an autoreset the returned row is the next episode's first observation; s' is the final one.
            ReadOnlySpan<float> next = done ? finalObservations.Slice(i * size, size) : _nextObservations.AsSpan(i * size, size);

            // d = terminated only: a truncated (time-limit) transition still bootstraps from s'.
            Buffer.Add(_observations.AsSpan(i * size, size), _actions.AsSpan(i * ActionSize, ActionSize), (float)_rewards[i], next, _terminated[i]);
            if (done)
            {
                Noise.Reset(i);
                _phaseEpisodes++;
                NumEpisodes++;
            }
        }

        IReadOnlyList<EpisodeStatistics> completed = Env.CompletedEpisodes;
        for (int e = 0; e < completed.Count; e++)
        {
            _recentEpisodes.Add(completed[e]);
            if ((NumEpisodes - completed.Count + e + 1) % LogInterval == 0)
            {
                DumpLogs();
            }
        }

        _nextObservations.CopyTo(_observations, 0);
    }

    private void DumpLogs()
    {
        double elapsed = _budget.ElapsedSeconds;
        Logger.Record(OffPolicyMetricKeys.Episodes, NumEpisodes);
        _recentEpisodes.RecordMeans(Logger);
        Logger.Record(MetricKeys.Fps, _budget.Fps(NumTimesteps, elapsed));
        Logger.Record(MetricKeys.TimeElapsed, elapsed);
        Logger.Record(MetricKeys.TotalTimesteps, NumTimesteps);
        Logger.Record(MetricKeys.NUpdates, NumUpdates);
        Logger.Dump(NumTimesteps);
    }
}
