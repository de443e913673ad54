namespace SharpRL.Algorithms.ProximalPolicy;

/// <summary>
/// Proximal Policy Optimization with the clipped surrogate (Schulman et al. 2017; "algorithm 2" of Sigaud, "Proximal Policy Optimization"):
/// several epochs of shuffled minibatch Adam steps on one rollout, minimising
/// L = −E[min(r Â, clip(r, 1 − ε_low, 1 + ε_high) Â)] + c_v L_V − c_e H, with r = π_θ(a|s) / π_old(a|s).
/// </summary>
public sealed class Ppo : OnPolicyAlgorithm<PpoOptions>
{
    private readonly Adam<float> _optimizer;
    private readonly MinibatchSampler _sampler;
    private readonly Minibatch _batch;
    private readonly LossTerms _terms;
    private readonly PairedWorker _worker = new("ppo-value-pass");

    /// <summary>Creates a PPO learner on <paramref name="env"/>.</summary>
    public Ppo(IVectorEnv env, PpoOptions options, int seed = 0, MetricsLogger? logger = null)
        : base(env, options, seed, logger)
    {
        _optimizer = new Adam<float>(Policy.Parameters, options.LearningRate.ValueAt(1), epsilon: options.AdamEpsilon);
        _sampler = new MinibatchSampler(options.RolloutSize);
        _batch = new Minibatch(Buffer, options.BatchSize);
        _terms = new LossTerms(Policy, options.BatchSize);
    }

    /// <summary>The optimizer (its moments go into checkpoints).</summary>
    public Adam<float> Optimizer => _optimizer;

    /// <summary>The current minibatch (tests move its ln π_old to construct clipped ratios).</summary>
    internal Minibatch Batch => _batch;

    /// <inheritdoc />
    protected internal override IReadOnlyList<KeyValuePair<string, IOptimizer<float>>> Optimizers => [new("adam", _optimizer)];

    /// <inheritdoc />
    protected override void Train(double progressRemaining)
    {
        PpoOptions o = Options;
        double learningRate = o.LearningRate.ValueAt(progressRemaining);
        float epsilonLow = (float)o.ClipRange.ValueAt(progressRemaining);
        float epsilonHigh = (float)(o.ClipRangeHigh ?? o.ClipRange).ValueAt(progressRemaining);
        _optimizer.LearningRate = learningRate;

        int m = o.BatchSize;
        var totals = default(UpdateTotals);
        bool stoppedEarly = false;
        _sampler.Reset();
        for (int epoch = 0; epoch < o.NumEpochs && !stoppedEarly; epoch++)
        {
            _sampler.Shuffle(Random);
            for (int b = 0; b < Buffer.Size / m; b++)
            {
                _batch.Gather(Buffer, _sampler.Batch(b * m, m), o.NormalizeAdvantage);
                MinibatchLoss loss = ComputeGradients(epsilonLow, epsilonHigh);

                // Early stop before stepping (SB3): the policy already moved further than target_kl allows.
                if (o.TargetKl is double targetKl && loss.ApproxKl > 1.5 * targetKl)
                {
                    stoppedEarly = true;
                    break;
                }

                if (o.MaxGradNorm > 0)
                {
                    GradientClipping.ClipGlobalNorm(Policy.Parameters, o.MaxGradNorm);
                }

                _optimizer.Step();
                NumUpdates++;
                totals.Add(loss);
            }
        }

        Logger.Record(MetricKeys.PolicyGradientLoss, totals.Mean(totals.PolicyLoss));
        Logger.Record(MetricKeys.ValueLoss, totals.Mean(totals.ValueLoss));
        Logger.Record(MetricKeys.EntropyLoss, totals.Mean(totals.EntropyLoss));
        Logger.Record(MetricKeys.ApproxKl, totals.Mean(totals.ApproxKl));
        Logger.Record(MetricKeys.ClipFraction, totals.Mean(totals.ClipFraction));
        Logger.Record(MetricKeys.Loss, totals.Mean(totals.Loss));
        Logger.Record(MetricKeys.ExplainedVariance, ExplainedVariance());
        Logger.Record(MetricKeys.LearningRate, learningRate);
        Logger.Record(MetricKeys.ClipRange, epsilonLow);
        Logger.Record(MetricKeys.NUpdates, NumUpdates);
        RecordPolicyStd();
    }

    /// <summary>
    /// Zeroes the gradients and accumulates ∇ of the minibatch loss −L_clip − c_e H + c_v L_V into every
    /// parameter. Separate policy and value networks share no parameters, so their passes run at once;
    /// with a shared trunk they run one after the other (both accumulate into the trunk).
    /// </summary>
    internal MinibatchLoss ComputeGradients(float epsilonLow, float epsilonHigh)
    {
        _optimizer.ZeroGradient();
        (PolicyLoss policy, double valueLoss) = Policy.SharesTrunk
            ? (PolicyPass(epsilonLow, epsilonHigh), ValuePass())
            : _worker.Run((Ppo: this, epsilonLow, epsilonHigh), static s => s.Ppo.PolicyPass(s.epsilonLow, s.epsilonHigh), static s => s.Ppo.ValuePass());
        return new MinibatchLoss(
            policy.Surrogate.Loss,
            valueLoss,
            policy.EntropyLoss,
            policy.Surrogate.ApproxKl,
            policy.Surrogate.ClipFraction,
            Loss: policy.Surrogate.Loss + (Options.EntCoef * policy.EntropyLoss) + (Options.VfCoef * valueLoss));
    }

    /// <summary>−L_clip − c_e H of the minibatch, back-propagated into the policy parameters.</summary>
    private PolicyLoss PolicyPass(float epsilonLow, float epsilonHigh)
    {
        float entCoef = (float)Options.EntCoef;
        ReadOnlySpan<float> parameters = _terms.ForwardPolicy(_batch);
        ClippedSurrogateResult surrogate = Losses.ClippedSurrogate(_terms.LogProb, _batch.LogProbOld, _batch.Advantages, epsilonLow, epsilonHigh, _terms.GradLogProb);
        double entropyLoss = Losses.EntropyBonus(_terms.Entropy, entCoef, _terms.GradEntropy);
        _terms.BackwardPolicy(_batch, parameters, withKl: false, withEntropy: entCoef != 0f);
        return new PolicyLoss(surrogate, entropyLoss);
    }

    /// <summary>c_v L_V of the minibatch (clipped around V_old when clip_range_vf is set), back-propagated into the value parameters.</summary>
    private double ValuePass()
    {
        float vfCoef = (float)Options.VfCoef;
        ReadOnlySpan<float> value = _terms.ForwardValues(_batch);
        double valueLoss = Options.ClipRangeVf is double clipVf
            ? Losses.ClippedValueMse(value, _batch.ValuesOld, _batch.Returns, (float)clipVf, vfCoef, _terms.GradValue)
            : Losses.ValueMse(value, _batch.Returns, vfCoef, _terms.GradValue);
        _terms.BackwardValues();
        return valueLoss;
    }

    /// <summary>Loss terms and diagnostics of one minibatch.</summary>
    internal readonly record struct MinibatchLoss(double PolicyLoss, double ValueLoss, double EntropyLoss, double ApproxKl, double ClipFraction, double Loss);

    private readonly record struct PolicyLoss(ClippedSurrogateResult Surrogate, double EntropyLoss);

    private struct UpdateTotals
    {
        public int Count;
        public double PolicyLoss, ValueLoss, EntropyLoss, ApproxKl, ClipFraction, Loss;

        public void Add(MinibatchLoss s)
        {
            Count++;
            PolicyLoss += s.PolicyLoss;
            ValueLoss += s.ValueLoss;
            EntropyLoss += s.EntropyLoss;
            ApproxKl += s.ApproxKl;
            ClipFraction += s.ClipFraction;
            Loss += s.Loss;
        }

        public readonly double Mean(double total) => Count == 0 ? double.NaN : total / Count;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _worker.Dispose();
        }

        base.Dispose(disposing);
    }
}
