namespace SharpRL.Algorithms.ProximalPolicy;

/// <summary>
/// PPO with an adaptive KL penalty (Schulman et al. 2017, section 4; "algorithm 1" of Sigaud, "Proximal Policy Optimization"; Janson's
/// Lagrangian view of TRPO): several epochs of shuffled minibatch Adam steps maximising
/// L = E[r Â] − β E[KL(π_old ‖ π_θ)] + c_e E[H] − c_v E[(V − R)²], r = π_θ(a|s)/π_old(a|s) (the loss minimised is −L).
/// After each update d = mean KL over the rollout moves β: d &lt; d_targ/1.5 ⇒ β/2, d &gt; 1.5 d_targ ⇒ 2β.
/// </summary>
public sealed class PpoKl : OnPolicyAlgorithm<PpoKlOptions>
{
    private readonly Adam<float> _optimizer;
    private readonly MinibatchSampler _sampler;
    private readonly Minibatch _batch;
    private readonly LossTerms _terms;
    private readonly float[] _rolloutKl;

    /// <summary>Creates a PPO-KL learner on <paramref name="env"/>.</summary>
    public PpoKl(IVectorEnv env, PpoKlOptions options, int seed = 0, MetricsLogger? logger = null)
        : base(env, options, seed, logger)
    {
        Beta = options.InitialBeta;
        _optimizer = new Adam<float>(Policy.Parameters, options.LearningRate.ValueAt(1), epsilon: options.AdamEpsilon);
        _sampler = new MinibatchSampler(options.RolloutSize);
        _batch = new Minibatch(Buffer, options.BatchSize);
        _terms = new LossTerms(Policy, options.BatchSize);
        _rolloutKl = new float[options.RolloutSize];
    }

    /// <summary>The current penalty coefficient β (part of the training state: checkpoint it).</summary>
    public double Beta { get; set; }

    /// <summary>The optimiser over policy and value parameters.</summary>
    public Adam<float> Optimizer => _optimizer;

    /// <summary>The current minibatch (tests move π_old's ln π and parameters through it).</summary>
    internal Minibatch Batch => _batch;

    /// <summary>
    /// The paper's adaptive rule: d &lt; d_targ / 1.5 ⇒ β / 2 (the policy barely moved: loosen the penalty);
    /// d &gt; 1.5 d_targ ⇒ 2β (it moved too far: tighten it); otherwise β is kept.
    /// </summary>
    /// <param name="beta">β used in the update just finished.</param>
    /// <param name="meanKl">d, the mean KL(π_old ‖ π_θ) that update produced.</param>
    /// <param name="klTarget">d_targ.</param>
    public static double AdaptBeta(double beta, double meanKl, double klTarget)
    {
        if (meanKl < klTarget / 1.5)
        {
            return beta / 2;
        }

        if (meanKl > klTarget * 1.5)
        {
            return beta * 2;
        }

        return beta;
    }

    /// <inheritdoc />
    protected internal override JsonObject SaveAlgorithmState() => new() { ["beta"] = Beta };

    /// <inheritdoc />
    protected internal override void LoadAlgorithmState(JsonObject state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Beta = state["beta"]?.GetValue<double>() ?? throw new ArgumentException("PPO-KL state lacks 'beta'.", nameof(state));
    }

    /// <inheritdoc />
    protected internal override IReadOnlyList<KeyValuePair<string, IOptimizer<float>>> Optimizers => [new("adam", _optimizer)];

    /// <inheritdoc />
    protected override void Train(double progressRemaining)
    {
        PpoKlOptions o = Options;
        double learningRate = o.LearningRate.ValueAt(progressRemaining);
        _optimizer.LearningRate = learningRate;
        int m = o.BatchSize;
        int minibatches = Buffer.Size / m;
        float beta = (float)Beta;
        double policyLoss = 0, valueLoss = 0, entropyLoss = 0, klPenalty = 0;
        _sampler.Reset();
        for (int epoch = 0; epoch < o.NumEpochs; epoch++)
        {
            _sampler.Shuffle(Random);
            for (int b = 0; b < minibatches; b++)
            {
                _batch.Gather(Buffer, _sampler.Batch(b * m, m), o.NormalizeAdvantage);
                MinibatchLoss loss = ComputeGradients(beta);
                if (o.MaxGradNorm > 0)
                {
                    GradientClipping.ClipGlobalNorm(Policy.Parameters, o.MaxGradNorm);
                }

                _optimizer.Step();
                NumUpdates++;
                policyLoss += loss.PolicyLoss;
                valueLoss += loss.ValueLoss;
                entropyLoss += loss.EntropyLoss;
                klPenalty += loss.Kl;
            }
        }

        // d = mean KL(π_old ‖ π_θ) over the whole rollout, then β ← AdaptBeta(β, d, d_targ) for the next update.
        double d = RolloutMeanKl();
        Beta = AdaptBeta(Beta, d, o.KlTarget);

        int steps = o.NumEpochs * minibatches;
        Logger.Record(MetricKeys.PolicyGradientLoss, policyLoss / steps);
        Logger.Record(MetricKeys.ValueLoss, valueLoss / steps);
        Logger.Record(MetricKeys.EntropyLoss, entropyLoss / steps);
        Logger.Record(MetricKeys.ApproxKl, klPenalty / steps);
        Logger.Record(MetricKeys.Kl, d);
        Logger.Record(MetricKeys.Beta, Beta);
        Logger.Record(MetricKeys.ExplainedVariance, ExplainedVariance());
        Logger.Record(MetricKeys.LearningRate, learningRate);
        Logger.Record(MetricKeys.NUpdates, NumUpdates);
        RecordPolicyStd();
    }

    /// <summary>
    /// Zeroes every gradient and accumulates ∇ of the minibatch loss
    /// −(1/m) Σ [r Â − β KL(π_old ‖ π_θ) + c_e H] + c_v (1/m) Σ (V − R)²; returns the loss terms.
    /// </summary>
    internal MinibatchLoss ComputeGradients(float beta)
    {
        PpoKlOptions o = Options;
        float entCoef = (float)o.EntCoef;
        _optimizer.ZeroGradient();

        ReadOnlySpan<float> parameters = _terms.ForwardPolicy(_batch, withKl: true);
        double policyLoss = Losses.Surrogate(_terms.LogProb, _batch.LogProbOld, _batch.Advantages, _terms.GradLogProb);
        double kl = Losses.KlPenalty(_terms.Kl, beta, _terms.GradKl);
        double entropyLoss = Losses.EntropyBonus(_terms.Entropy, entCoef, _terms.GradEntropy);
        _terms.BackwardPolicy(_batch, parameters, withKl: true, withEntropy: entCoef != 0f);

        double valueLoss = Losses.ValueMse(_terms.ForwardValues(_batch), _batch.Returns, (float)o.VfCoef, _terms.GradValue);
        _terms.BackwardValues();

        return new MinibatchLoss(
            PolicyLoss: policyLoss,
            Kl: kl,
            ValueLoss: valueLoss,
            EntropyLoss: entropyLoss,
            Loss: policyLoss + (beta * kl) + (o.EntCoef * entropyLoss) + (o.VfCoef * valueLoss));
    }

    /// <summary>Mean KL(π_old ‖ π_θ) over every state of the rollout at the current θ.</summary>
    internal double RolloutMeanKl()
    {
        int n = Buffer.Size;
        ReadOnlySpan<float> distributionParameters = Policy.ForwardDistribution(Buffer.Observations, n, Buffer.ActionMasks);
        Policy.Distribution.Kl(Buffer.OldDistributionParameters, distributionParameters, _rolloutKl, n);
        double sum = 0;
        foreach (float kl in _rolloutKl)
        {
            sum += kl;
        }

        return sum / n;
    }

    /// <summary>Loss terms of one minibatch.</summary>
    internal readonly record struct MinibatchLoss(double PolicyLoss, double Kl, double ValueLoss, double EntropyLoss, double Loss);
}
