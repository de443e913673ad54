namespace SharpRL.Algorithms.OffPolicy;

/// <summary>
/// Soft Actor-Critic (Haarnoja et al., 2018, "Soft Actor-Critic Algorithms and Applications"): a
/// tanh-squashed Gaussian actor trained through its reparameterised sample to maximise
/// E[min_i Q_i(s, a) − α ln π(a|s)], twin critics regressed to a soft target, and the temperature α
/// tuned so that the policy's entropy stays near H̄ = −dim(A).
/// </summary>
/// <remarks>
/// Follows SB3 2.x: ln σ clamped to [−20, 2]; critic loss ½ Σ_i MSE(Q_i, y); the temperature loss
/// −ln α · (ln π + H̄) is minimised over ln α (not α) with its own Adam at the common learning rate;
/// the α of a step is the one before that step's temperature update; actor and α step every gradient
/// step; critics (not the actor) are Polyak-averaged every <c>target_update_interval</c> steps.
/// One difference from SB3: the tanh correction uses the exact form 2(ln 2 − u − softplus(−2u)) where
/// SB3 writes ln(1 − a² + 1e-6). CleanRL differs in five places (ln σ range [−5, 2] via tanh, the
/// action scale in the correction, two actor steps every second step, α loss on α with lr 1e-3, no ½).
/// </remarks>
public sealed class Sac : OffPolicyAlgorithm
{
    // The actor's passes through the critics, numbered after the ensemble's own phases.
    private const int ActorForwardPhase = (int)CriticPhase.Polyak + 1;
    private const int ActorBackwardPhase = (int)CriticPhase.Polyak + 2;

    private readonly Adam<float> _actorOptimizer;
    private readonly CriticEnsemble _critics;
    private readonly Adam<float>? _logAlphaOptimizer;
    private readonly float[] _epsilon;
    private readonly float[] _actEpsilon;
    private readonly float[] _actLogProb;
    private readonly float[] _nextActions;
    private readonly float[] _nextLogProb;
    private readonly float[][] _q;
    private readonly float[][] _gradQ;
    private readonly float[][] _gradActionsPerCritic;
    private readonly float[] _piActions;
    private readonly float[] _logProb;
    private readonly float[] _gradActions;
    private readonly float[] _gradLogProb;
    private readonly KeyValuePair<string, IReadOnlyList<Parameter<float>>>[] _networks;
    private readonly KeyValuePair<string, IOptimizer<float>>[] _optimizers;

    /// <summary>Creates SAC for <paramref name="env"/> (Box actions only).</summary>
    public Sac(IVectorEnv env, SacOptions? options = null, int seed = 0, MetricsLogger? logger = null)
        : base(env, options ??= new SacOptions(), seed, logger, "sac")
    {
        Settings = options;
        int b = options.BatchSize;
        int d = ActionSize;
        int n = options.NCritics;
        Actor = new SquashedGaussianActor<float>(ObservationSize, d, options.HiddenSizes, options.Activation, "actor.net.");
        FanInUniformInit.Apply(Actor.Network, Random);
        _critics = new CriticEnsemble(ObservationSize, d, options, n, Random);
        TargetEntropy = options.TargetEntropyFor(d);
        LogAlpha = new Parameter<float>("log_ent_coef", 1);
        LogAlpha.Value[0] = (float)Math.Log(options.InitialEntCoef);
        _actorOptimizer = new Adam<float>(Actor.Parameters, options.LearningRate);
        _logAlphaOptimizer = options.LearnsEntCoef ? new Adam<float>([LogAlpha], options.LearningRate) : null;
        _epsilon = new float[b * d];
        _actEpsilon = new float[options.NumEnvs * d];
        _actLogProb = new float[options.NumEnvs];
        _nextActions = new float[b * d];
        _nextLogProb = new float[b];
        // The actor's pass reuses the regression's per-critic buffers: it runs after the critics' step.
        _q = _critics.Q;
        _gradQ = _critics.GradQ;
        _gradActionsPerCritic = [.. Enumerable.Range(0, n).Select(_ => new float[b * d])];
        _piActions = new float[b * d];
        _logProb = new float[b];
        _gradActions = new float[b * d];
        _gradLogProb = new float[b];
        _networks =
        [
            new("actor", Actor.Parameters),
            .. _critics.Networks,
            new("log_ent_coef", [LogAlpha]),
        ];
        _optimizers =
        [
            new("actor", _actorOptimizer),
            .. _critics.Optimizers,
            .. _logAlphaOptimizer is null ? [] : new[] { new KeyValuePair<string, IOptimizer<float>>("ent_coef", _logAlphaOptimizer) },
        ];
    }

    /// <summary>The run layer's entry for <c>sharprl train sac</c>.</summary>
    public static AlgorithmDescriptor Descriptor { get; } = new OffPolicyDescriptor<SacOptions>(
        "sac",
        "Soft actor-critic with automatic temperature (Haarnoja et al. 2018)",
        new SacOptions(),
        (env, options, seed, logger) => new Sac(env, options, seed, logger),
        LoadActingPolicy,
        ZooPresets.Sac);

    /// <summary>Settings.</summary>
    public SacOptions Settings { get; }

    /// <summary>π_θ.</summary>
    public SquashedGaussianActor<float> Actor { get; }

    /// <summary>Q_φ1 … Q_φn.</summary>
    public QCritic<float> Critic => _critics.Critic;

    /// <summary>Q_φ'1 … Q_φ'n (Polyak-averaged).</summary>
    public QCritic<float> CriticTarget => _critics.CriticTarget;

    /// <summary>ln α (learned unless ent_coef is fixed).</summary>
    public Parameter<float> LogAlpha { get; }

    /// <summary>The temperature α = e^{ln α}.</summary>
    public double Alpha => Math.Exp(LogAlpha.Value[0]);

    /// <summary>H̄, the entropy the temperature steers towards.</summary>
    public double TargetEntropy { get; }

    /// <summary>y of the latest <see cref="ComputeTargets"/>.</summary>
    internal ReadOnlySpan<float> Targets => _critics.Targets;

    /// <summary>ln π(a|s) of the latest actor update's samples.</summary>
    internal ReadOnlySpan<float> LastLogProbs => _logProb;

    /// <summary>ε of the reparameterised samples the next ComputeTargets or UpdateActorAndTemperature reads (tests set it by hand).</summary>
    internal float[] Epsilon => _epsilon;

    /// <inheritdoc />
    protected internal override IReadOnlyList<KeyValuePair<string, IReadOnlyList<Parameter<float>>>> Networks => _networks;

    /// <inheritdoc />
    protected internal override IReadOnlyList<KeyValuePair<string, IOptimizer<float>>> Optimizers => _optimizers;

    /// <inheritdoc />
    /// <remarks>
    /// π(s') forward, n target-critic forwards, n critic forwards and backwards (no input gradient), π(s) forward,
    /// n critic forwards and input gradients ∂Q/∂a (no weight gradients), π backward (no input gradient).
    /// </remarks>
    public override double FlopsPerUpdate
    {
        get
        {
            int b = Settings.BatchSize, n = Settings.NCritics;
            double actor = ForwardFlops(Actor.Network, b), critic = ForwardFlops(Critic.Networks[0], b);
            return (2 * actor) + (n * critic) + (n * ((3 * critic) - FirstLayerFlops(Critic.Networks[0], b))) + (n * 2 * critic) + (2 * actor) - FirstLayerFlops(Actor.Network, b);
        }
    }

    /// <inheritdoc />
    public override IActingPolicy CreateEvaluationPolicy()
    {
        var copy = new SquashedGaussianActor<float>(ObservationSize, ActionSize, Settings.HiddenSizes, Settings.Activation, "actor.net.");
        TargetNetworks.CopyInto(Actor.Parameters, copy.Parameters);
        return new SquashedGaussianActingPolicy(copy, Env.SingleObservationSpace, (Box)Env.SingleActionSpace);
    }

    /// <summary>Rebuilds the trained actor from a checkpoint (for <c>sharprl eval</c>).</summary>
    public static IActingPolicy LoadActingPolicy(CheckpointData checkpoint, SacOptions options, Func<IEnv> makeEnv)
    {
        (Space observationSpace, Box box) = ActorEnvSpaces.Read(checkpoint, options, makeEnv, "SAC's actor");
        var actor = new SquashedGaussianActor<float>(observationSpace.FlatSize, box.FlatSize, options.HiddenSizes, options.Activation, "actor.net.");
        checkpoint.LoadParameters(actor.Parameters);
        return new SquashedGaussianActingPolicy(actor, observationSpace, box);
    }

    /// <inheritdoc />
    protected internal override void Predict(ReadOnlySpan<float> observations, Span<float> actions, int batchSize, bool deterministic)
    {
        if (deterministic)
        {
            Actor.Mode(observations, actions, batchSize);
            return;
        }

        float[] epsilon = batchSize * ActionSize <= _actEpsilon.Length ? _actEpsilon : new float[batchSize * ActionSize];
        float[] logProb = batchSize <= _actLogProb.Length ? _actLogProb : new float[batchSize];
        StandardNormal.Fill(epsilon.AsSpan(0, batchSize * ActionSize), Random);
        Actor.Forward(observations, epsilon, actions, logProb, batchSize);
    }

    /// <inheritdoc />
    protected internal override void Train(int gradientSteps)
    {
        double criticLoss = 0, actorLoss = 0, alphaLoss = 0, alphaSum = 0;
        long t = Stopwatch.GetTimestamp();
        for (int step = 0; step < gradientSteps; step++)
        {
            NumUpdates++;
            Buffer.Sample(Batch, Random);
            t = TimeUpdatePart(UpdatePart.Sample, t);
            double alpha = Alpha;
            alphaSum += alpha;
            StandardNormal.Fill<float>(_epsilon, Random);
            ComputeTargets(alpha);
            t = TimeUpdatePart(UpdatePart.Targets, t);
            criticLoss += UpdateCritics();
            t = TimeUpdatePart(UpdatePart.Critics, t);
            StandardNormal.Fill<float>(_epsilon, Random);
            actorLoss += UpdateActorAndTemperature(alpha, out double temperatureLoss);
            alphaLoss += temperatureLoss;
            t = TimeUpdatePart(UpdatePart.Actor, t);
            if (NumUpdates % Settings.TargetUpdateInterval == 0)
            {
                ForEachCritic((int)CriticPhase.Polyak, Settings.NCritics);
                t = TimeUpdatePart(UpdatePart.Polyak, t);
            }
        }

        Logger.Record(MetricKeys.NUpdates, NumUpdates);
        Logger.Record(OffPolicyMetricKeys.EntCoef, alphaSum / gradientSteps);
        Logger.Record(OffPolicyMetricKeys.ActorLoss, actorLoss / gradientSteps);
        Logger.Record(OffPolicyMetricKeys.CriticLoss, criticLoss / gradientSteps);
        if (_logAlphaOptimizer is not null)
        {
            Logger.Record(OffPolicyMetricKeys.EntCoefLoss, alphaLoss / gradientSteps);
        }
    }

    /// <summary>a' = tanh(μ(s') + σ(s') ε), ε = <see cref="Epsilon"/>;  y = r + γ (1 − d) (min_i Q'_i(s', a') − α ln π(a'|s')).</summary>
    internal void ComputeTargets(double alpha)
    {
        int b = Batch.Size;
        Actor.Forward(Batch.NextObservations, _epsilon, _nextActions, _nextLogProb, b);
        ForEachCritic((int)CriticPhase.Target, Settings.NCritics);
        _critics.ComputeTargets(Batch, (float)Settings.Gamma, _nextLogProb.AsSpan(0, b), (float)alpha);
    }

    /// <summary>L_Q = ½ Σ_i mean_b (Q_i(s, a) − y)², one Adam step per critic; returns L_Q.</summary>
    internal double UpdateCritics()
    {
        ForEachCritic((int)CriticPhase.Regression, Settings.NCritics);
        return _critics.LossSum;
    }

    /// <summary>
    /// a = tanh(μ(s) + σ(s) ε) with the caller's ε in the epsilon buffer;
    /// L_π = mean_b [α ln π(a|s) − min_i Q_i(s, a)] through the sample: ∂L/∂a = −(1/B) ∂Q_{i*}/∂a (i* the argmin), ∂L/∂ln π = α/B;
    /// L_α = −mean_b ln α (ln π(a|s) + H̄) over ln α, so ∂L_α/∂ln α = −mean_b (ln π + H̄). Returns L_π.
    /// </summary>
    internal double UpdateActorAndTemperature(double alpha, out double temperatureLoss)
    {
        int b = Batch.Size;
        _actorOptimizer.ZeroGradient();
        Actor.Forward(Batch.Observations, _epsilon, _piActions, _logProb, b);

        temperatureLoss = 0;
        if (_logAlphaOptimizer is not null)
        {
            double meanGap = 0;
            for (int r = 0; r < b; r++)
            {
                meanGap += _logProb[r] + TargetEntropy;
            }

            meanGap /= b;
            temperatureLoss = -LogAlpha.Value[0] * meanGap;
            LogAlpha.Gradient[0] = (float)-meanGap;
            _logAlphaOptimizer.Step();
        }

        ForEachCritic(ActorForwardPhase, Settings.NCritics);
        double loss = 0;
        float invB = 1f / b;
        for (int r = 0; r < b; r++)
        {
            int best = 0;
            for (int i = 1; i < _q.Length; i++)
            {
                best = _q[i][r] < _q[best][r] ? i : best;
            }

            for (int i = 0; i < _q.Length; i++)
            {
                _gradQ[i][r] = i == best ? -invB : 0f;
            }

            loss += (alpha * _logProb[r]) - _q[best][r];
            _gradLogProb[r] = (float)alpha * invB;
        }

        ForEachCritic(ActorBackwardPhase, Settings.NCritics);
        Array.Copy(_gradActionsPerCritic[0], _gradActions, _gradActions.Length);
        for (int i = 1; i < _gradActionsPerCritic.Length; i++)
        {
            float[] g = _gradActionsPerCritic[i];
            for (int k = 0; k < g.Length; k++)
            {
                _gradActions[k] += g[k];
            }
        }

        Actor.Backward(_gradActions, _gradLogProb, b);
        _actorOptimizer.Step();
        return loss / b;
    }

    /// <inheritdoc />
    protected internal override JsonObject SaveAlgorithmState() => new() { ["log_ent_coef"] = LogAlpha.Value[0] };

    /// <inheritdoc />
    protected internal override void LoadAlgorithmState(JsonObject state)
    {
        if (state["log_ent_coef"] is not JsonValue value || !value.TryGetValue(out float logAlpha))
        {
            throw new InvalidDataException("SAC state 'log_ent_coef' is missing or not a number.");
        }

        LogAlpha.Value[0] = logAlpha;
    }

    /// <inheritdoc />
    protected override void CriticWork(int phase, int critic)
    {
        int b = Batch.Size;
        switch (phase)
        {
            case ActorForwardPhase:
                Critic.Forward(critic, Batch.Observations, _piActions, _q[critic], b);
                break;
            case ActorBackwardPhase:
                // Only ∂Q_i/∂a is used: the actor's loss does not train the critic, so its weight gradients are skipped.
                Critic.ActionGradient(critic, _gradQ[critic], _gradActionsPerCritic[critic], b);
                break;
            default:
                _critics.Work((CriticPhase)phase, critic, Batch, _nextActions, halfSquaredError: true, Settings.Tau);
                break;
        }
    }
}
