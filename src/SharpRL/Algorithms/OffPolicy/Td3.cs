namespace SharpRL.Algorithms.OffPolicy;

/// <summary>
/// Twin Delayed DDPG (Fujimoto et al., 2018; "Lecture 8: PPO, DDPG / TD3"): DDPG plus clipped double-Q
/// (the target takes the minimum of two critics), target-policy smoothing, and actor and target
/// updates delayed to every <see cref="Td3Options.PolicyDelay"/>-th critic update.
/// </summary>
/// <remarks>
/// Follows SB3 2.x: smoothing noise in the [−1, 1] action space and the target action clipped to
/// [−1, 1]; critic loss Σ_i MSE(Q_i, y) (no ½); the delay counter is the global update count
/// (<c>_n_updates % policy_delay == 0</c>, so the first actor update is the second gradient step);
/// the actor ascends Q₁ only; actor and every critic are Polyak-averaged only on those steps.
/// CleanRL differs in its defaults (256-256, lr 3e-4, learning_starts 25e3, noise scaled by the action range).
/// </remarks>
public class Td3 : OffPolicyAlgorithm
{
    private readonly Adam<float> _actorOptimizer;
    private readonly CriticEnsemble _critics;
    private readonly float[] _nextActions;
    private readonly float[] _smoothing;
    private readonly float[] _piActions;
    private readonly float[] _qPi;
    private readonly float[] _gradQPi;
    private readonly float[] _gradActions;
    private readonly KeyValuePair<string, IReadOnlyList<Parameter<float>>>[] _networks;
    private readonly KeyValuePair<string, IOptimizer<float>>[] _optimizers;

    /// <summary>Creates TD3 for <paramref name="env"/> (Box actions only).</summary>
    public Td3(IVectorEnv env, Td3Options? options = null, int seed = 0, MetricsLogger? logger = null)
        : this(env, options ?? new Td3Options(), seed, logger, "td3")
    {
    }

    /// <summary>For derived algorithms (DDPG) that name themselves in error messages.</summary>
    protected Td3(IVectorEnv env, Td3Options options, int seed, MetricsLogger? logger, string algorithmName)
        : base(env, options, seed, logger, algorithmName)
    {
        Settings = options;
        int b = options.BatchSize;
        int d = ActionSize;
        Actor = new DeterministicActor<float>(ObservationSize, d, options.HiddenSizes, options.Activation, "actor.mu.");
        ActorTarget = new DeterministicActor<float>(ObservationSize, d, options.HiddenSizes, options.Activation, "actor_target.mu.");
        FanInUniformInit.Apply(Actor.Network, Random);
        _critics = new CriticEnsemble(ObservationSize, d, options, options.NCritics, Random);
        TargetNetworks.CopyInto(Actor.Parameters, ActorTarget.Parameters);
        _actorOptimizer = new Adam<float>(Actor.Parameters, options.LearningRate);
        _nextActions = new float[b * d];
        _smoothing = new float[b * d];
        _piActions = new float[b * d];
        _qPi = new float[b];
        _gradQPi = new float[b];
        _gradActions = new float[b * d];
        _networks =
        [
            new("actor", Actor.Parameters),
            new("actor_target", ActorTarget.Parameters),
            .. _critics.Networks,
        ];
        _optimizers = [new("actor", _actorOptimizer), .. _critics.Optimizers];
    }

    /// <summary>The run layer's entry for <c>sharprl train td3</c>: defaults, rl-zoo presets, factory and policy loader.</summary>
    public static AlgorithmDescriptor Descriptor { get; } = new OffPolicyDescriptor<Td3Options>(
        "td3",
        "Twin delayed DDPG: clipped double-Q, target smoothing, delayed actor (Fujimoto et al. 2018)",
        new Td3Options(),
        (env, options, seed, logger) => new Td3(env, options, seed, logger),
        LoadActingPolicy,
        ZooPresets.Td3);

    /// <summary>Settings.</summary>
    public Td3Options Settings { get; }

    /// <summary>μ_θ.</summary>
    public DeterministicActor<float> Actor { get; }

    /// <summary>μ_θ', the Polyak-averaged target actor.</summary>
    public DeterministicActor<float> ActorTarget { get; }

    /// <summary>Q_φ1 … Q_φn.</summary>
    public QCritic<float> Critic => _critics.Critic;

    /// <summary>Q_φ'1 … Q_φ'n.</summary>
    public QCritic<float> CriticTarget => _critics.CriticTarget;

    /// <summary>y of the latest <see cref="ComputeTargets"/>, one per batch row.</summary>
    internal ReadOnlySpan<float> Targets => _critics.Targets;

    /// <inheritdoc />
    protected internal override IReadOnlyList<KeyValuePair<string, IReadOnlyList<Parameter<float>>>> Networks => _networks;

    /// <inheritdoc />
    protected internal override IReadOnlyList<KeyValuePair<string, IOptimizer<float>>> Optimizers => _optimizers;

    /// <inheritdoc />
    /// <remarks>
    /// μ'(s') forward, n target-critic forwards, n critic forwards and backwards (no input gradient); every
    /// policy_delay steps μ(s) forward, Q₁ forward, Q₁'s input gradient ∂Q/∂a (no weight gradient: SB3's
    /// autograd computes it and discards it, 1 − 11.5/12 ≈ 4 % more work at the preset), μ backward.
    /// </remarks>
    public override double FlopsPerUpdate
    {
        get
        {
            int b = Settings.BatchSize;
            double actor = ForwardFlops(Actor.Network, b), critic = ForwardFlops(Critic.Networks[0], b);
            double everyStep = actor + (Settings.NCritics * critic) + (Settings.NCritics * ((3 * critic) - FirstLayerFlops(Critic.Networks[0], b)));
            double policyStep = actor + (2 * critic) + (2 * actor) - FirstLayerFlops(Actor.Network, b);
            return everyStep + (policyStep / Settings.PolicyDelay);
        }
    }

    /// <inheritdoc />
    public override IActingPolicy CreateEvaluationPolicy()
    {
        var copy = new DeterministicActor<float>(ObservationSize, ActionSize, Settings.HiddenSizes, Settings.Activation, "actor.mu.");
        TargetNetworks.CopyInto(Actor.Parameters, copy.Parameters);
        return new DeterministicActingPolicy(copy, Env.SingleObservationSpace, (Box)Env.SingleActionSpace);
    }

    /// <summary>Rebuilds the trained actor μ from a checkpoint (for <c>sharprl eval</c>).</summary>
    public static IActingPolicy LoadActingPolicy(CheckpointData checkpoint, Td3Options options, Func<IEnv> makeEnv)
    {
        (Space observationSpace, Box box) = ActorEnvSpaces.Read(checkpoint, options, makeEnv, "A deterministic actor");
        var actor = new DeterministicActor<float>(observationSpace.FlatSize, box.FlatSize, options.HiddenSizes, options.Activation, "actor.mu.");
        checkpoint.LoadParameters(actor.Parameters);
        return new DeterministicActingPolicy(actor, observationSpace, box);
    }

    /// <inheritdoc />
    protected internal override void Predict(ReadOnlySpan<float> observations, Span<float> actions, int batchSize, bool deterministic)
        => Actor.Forward(observations, actions, batchSize);

    /// <inheritdoc />
    protected internal override void Train(int gradientSteps)
    {
        double criticLoss = 0, actorLoss = 0;
        int actorUpdates = 0;
        long t = Stopwatch.GetTimestamp();
        for (int step = 0; step < gradientSteps; step++)
        {
            NumUpdates++;
            Buffer.Sample(Batch, Random);
            t = TimeUpdatePart(UpdatePart.Sample, t);
            ComputeTargets();
            t = TimeUpdatePart(UpdatePart.Targets, t);
            criticLoss += UpdateCritics();
            t = TimeUpdatePart(UpdatePart.Critics, t);

            // Delayed policy updates: the actor and all targets move once per PolicyDelay critic updates.
            if (NumUpdates % Settings.PolicyDelay == 0)
            {
                actorLoss += UpdateActor();
                actorUpdates++;
                t = TimeUpdatePart(UpdatePart.Actor, t);
                if (NumUpdates / Settings.PolicyDelay % Settings.TargetUpdateInterval == 0)
                {
                    UpdateTargets();
                    t = TimeUpdatePart(UpdatePart.Polyak, t);
                }
            }
        }

        Logger.Record(MetricKeys.NUpdates, NumUpdates);
        Logger.Record(OffPolicyMetricKeys.CriticLoss, criticLoss / gradientSteps);
        if (actorUpdates > 0)
        {
            Logger.Record(OffPolicyMetricKeys.ActorLoss, actorLoss / actorUpdates);
        }
    }

    /// <summary>
    /// ã = clip(μ'(s') + clip(N(0, σ̃²), −c, c), −1, 1);  y = r + γ (1 − d) min_i Q'_i(s', ã).
    /// </summary>
    internal void ComputeTargets()
    {
        int b = Batch.Size;
        ActorTarget.Forward(Batch.NextObservations, _nextActions, b);
        if (Settings.TargetPolicyNoise > 0)
        {
            StandardNormal.Fill<float>(_smoothing, Random);
            float sigma = (float)Settings.TargetPolicyNoise, clip = (float)Settings.TargetNoiseClip;
            for (int k = 0; k < _nextActions.Length; k++)
            {
                _nextActions[k] = Math.Clamp(_nextActions[k] + Math.Clamp(sigma * _smoothing[k], -clip, clip), -1f, 1f);
            }
        }

        ForEachCritic((int)CriticPhase.Target, Settings.NCritics);
        _critics.ComputeTargets(Batch, (float)Settings.Gamma, [], 0f);
    }

    /// <summary>L_Q = Σ_i mean_b (Q_i(s, a) − y)², one Adam step per critic; returns L_Q.</summary>
    internal double UpdateCritics()
    {
        ForEachCritic((int)CriticPhase.Regression, Settings.NCritics);
        return _critics.LossSum;
    }

    /// <summary>L_μ = −mean_b Q₁(s, μ(s)); ∇_θ L_μ = −(1/B) Σ_b ∂Q₁/∂a · ∂μ/∂θ, one Adam step; returns L_μ.</summary>
    internal double UpdateActor()
    {
        int b = Batch.Size;
        _actorOptimizer.ZeroGradient();
        Actor.Forward(Batch.Observations, _piActions, b);
        Critic.Forward(0, Batch.Observations, _piActions, _qPi, b);
        Array.Fill(_gradQPi, -1f / b);

        // Only ∂Q₁/∂a is needed: the critic is not trained by this loss, so its weight gradients are skipped.
        Critic.ActionGradient(0, _gradQPi, _gradActions, b);
        Actor.Backward(_gradActions, [], b);
        _actorOptimizer.Step();
        double sum = 0;
        for (int r = 0; r < b; r++)
        {
            sum += _qPi[r];
        }

        return -sum / b;
    }

    /// <summary>θ' ← (1 − τ) θ' + τ θ for the actor and every critic.</summary>
    internal void UpdateTargets()
    {
        ForEachCritic((int)CriticPhase.Polyak, Settings.NCritics);
        TargetNetworks.Polyak(Actor.Parameters, ActorTarget.Parameters, Settings.Tau);
    }

    /// <inheritdoc />
    protected override void CriticWork(int phase, int critic)
        => _critics.Work((CriticPhase)phase, critic, Batch, _nextActions, halfSquaredError: false, Settings.Tau);
}
