namespace SharpRL.Algorithms.PolicyGradient;

/// <summary>
/// REINFORCE with a learned baseline (Williams 1992; Janson, "PPO &amp; Importance Sampling"):
/// g = (1/N) Σ_h ∇ ln π_θ(a_h|s_h) (R_h − b(s_h)) + c_e ∇H, one ascent step per rollout, then the baseline
/// b = V_φ is fitted to the returns by its own regression epochs.
/// </summary>
/// <remarks>
/// R_h is the Monte-Carlo return: GAE with λ = 1 gives Â_h = R_h − V(s_h) exactly. Rollouts have a fixed
/// length, so an episode still running when the rollout ends is completed in value by V(s_T), as SB3 does;
/// only that last partial episode's returns are bootstrapped, so choose n_steps several episode lengths long
/// for nearly pure Monte-Carlo returns. Time-limit cuts bootstrap from V(final observation), as everywhere.
/// <para>The baseline used in g is V before this batch's fit (it was fitted on earlier batches), so it does
/// not depend on this batch's actions and g stays unbiased for any baseline; the fit comes after the step.</para>
/// </remarks>
public sealed class Reinforce : OnPolicyAlgorithm<ReinforceOptions>
{
    private readonly Adam<float> _optimizer;
    private readonly ValueRegression _baseline;
    private readonly RolloutPolicyGradient _policyGradient;

    /// <summary>Creates a REINFORCE learner on <paramref name="env"/>.</summary>
    public Reinforce(IVectorEnv env, ReinforceOptions options, int seed = 0, MetricsLogger? logger = null)
        : base(env, options, seed, logger)
    {
        _optimizer = new Adam<float>(Policy.PolicyParameters, options.LearningRate.ValueAt(1), epsilon: options.AdamEpsilon);
        _baseline = new ValueRegression(Policy, Buffer, options.BatchSize, options.BaselineLearningRate, options.AdamEpsilon);
        _policyGradient = new RolloutPolicyGradient(Policy, Buffer);
    }

    /// <summary>The policy's optimiser.</summary>
    public Adam<float> Optimizer => _optimizer;

    /// <summary>The baseline's optimiser.</summary>
    public Adam<float> BaselineOptimizer => _baseline.Optimizer;

    /// <inheritdoc />
    protected internal override IReadOnlyList<KeyValuePair<string, IOptimizer<float>>> Optimizers => [new("policy", _optimizer), new("baseline", _baseline.Optimizer)];

    /// <inheritdoc />
    protected override void Train(double progressRemaining)
    {
        ReinforceOptions o = Options;
        double learningRate = o.LearningRate.ValueAt(progressRemaining);
        _optimizer.LearningRate = learningRate;

        // θ ← θ + α g  (Adam descends on −g)
        (double policyLoss, double entropyLoss) = ComputePolicyGradient();
        if (o.MaxGradNorm > 0)
        {
            GradientClipping.ClipGlobalNorm(Policy.PolicyParameters, o.MaxGradNorm);
        }

        _optimizer.Step();
        NumUpdates++;

        // b ≈ V^π: regression of V_φ(s_h) on R_h over the same batch, for the next batch's gradient.
        double explainedVariance = ExplainedVariance();
        double baselineLoss = _baseline.Fit(o.BaselineEpochs, o.BaselineLearningRate, Random);

        Logger.Record(MetricKeys.PolicyGradientLoss, policyLoss);
        Logger.Record(MetricKeys.EntropyLoss, entropyLoss);
        Logger.Record(MetricKeys.ValueLoss, baselineLoss);
        Logger.Record(MetricKeys.ExplainedVariance, explainedVariance);
        Logger.Record(MetricKeys.LearningRate, learningRate);
        Logger.Record(MetricKeys.NUpdates, NumUpdates);
        RecordPolicyStd();
    }

    /// <summary>
    /// Zeroes the policy gradients and accumulates −g into them, the gradient of the loss
    /// −(1/N) Σ ln π_θ(a|s)(R − b(s)) − c_e (1/N) Σ H over the whole rollout. Returns the policy and entropy losses.
    /// </summary>
    internal (double PolicyLoss, double EntropyLoss) ComputePolicyGradient()
    {
        ReinforceOptions o = Options;
        _optimizer.ZeroGradient();

        // Â = R − b(s): with λ = 1 the GAE advantage is the Monte-Carlo return minus the baseline V(s).
        // −g = −(1/N) Σ ∇ ln π(a|s) Â − c_e (1/N) Σ ∇H: each sample's coefficient on ∇ ln π is −Â/N.
        return _policyGradient.Accumulate(o.NormalizeAdvantage, o.EntCoef);
    }
}
