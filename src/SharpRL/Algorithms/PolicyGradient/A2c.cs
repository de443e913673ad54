namespace SharpRL.Algorithms.PolicyGradient;

/// <summary>
/// Advantage actor-critic, the synchronous A3C of Mnih et al. 2016 as SB3 runs it: one gradient step per
/// rollout on L = −E[ln π_θ(a|s) Â] + c_v E[(V(s) − R)²] − c_e E[H], with Â from GAE (λ = 1 by default:
/// n-step returns bootstrapped at the rollout's end). It is PPO with one epoch, one minibatch holding the
/// whole rollout, no advantage normalisation and λ = 1: at θ = θ_old the ratio is 1, the clip is inactive and
/// ∇(r Â) = Â ∇ ln π (Huang et al. 2022).
/// </summary>
public sealed class A2c : OnPolicyAlgorithm<A2cOptions>
{
    private readonly IOptimizer<float> _optimizer;
    private readonly RolloutPolicyGradient _policyGradient;

    /// <summary>Creates an A2C learner on <paramref name="env"/>.</summary>
    public A2c(IVectorEnv env, A2cOptions options, int seed = 0, MetricsLogger? logger = null)
        : base(env, options, seed, logger)
    {
        double learningRate = options.LearningRate.ValueAt(1);
        _optimizer = options.UseRmsProp
            ? new RmsProp<float>(Policy.Parameters, learningRate, options.RmsPropAlpha, options.RmsPropEpsilon)
            : new Adam<float>(Policy.Parameters, learningRate, epsilon: options.AdamEpsilon);
        _policyGradient = new RolloutPolicyGradient(Policy, Buffer);
    }

    /// <summary>The optimiser (RMSprop or Adam) over policy and value parameters.</summary>
    public IOptimizer<float> Optimizer => _optimizer;

    /// <inheritdoc />
    protected internal override IReadOnlyList<KeyValuePair<string, IOptimizer<float>>> Optimizers => [new("policy_value", _optimizer)];

    /// <inheritdoc />
    protected override void Train(double progressRemaining)
    {
        A2cOptions o = Options;
        double learningRate = o.LearningRate.ValueAt(progressRemaining);
        _optimizer.LearningRate = learningRate;

        Stats loss = ComputeGradients();
        if (o.MaxGradNorm > 0)
        {
            GradientClipping.ClipGlobalNorm(Policy.Parameters, o.MaxGradNorm);
        }

        _optimizer.Step();
        NumUpdates++;

        Logger.Record(MetricKeys.PolicyGradientLoss, loss.PolicyLoss);
        Logger.Record(MetricKeys.ValueLoss, loss.ValueLoss);
        Logger.Record(MetricKeys.EntropyLoss, loss.EntropyLoss);
        Logger.Record(MetricKeys.ExplainedVariance, ExplainedVariance());
        Logger.Record(MetricKeys.LearningRate, learningRate);
        Logger.Record(MetricKeys.NUpdates, NumUpdates);
        RecordPolicyStd();
    }

    /// <summary>
    /// Zeroes every gradient and accumulates ∇ of the loss over the whole rollout:
    /// L = −(1/N) Σ ln π(a|s) Â − c_e (1/N) Σ H + c_v (1/N) Σ (V(s) − R)².
    /// </summary>
    internal Stats ComputeGradients()
    {
        A2cOptions o = Options;
        _optimizer.ZeroGradient();

        // Policy: ∂L/∂ ln π(a|s) = −Â/N ;  ∂L/∂H = −c_e/N
        (double policyLoss, double entropyLoss) = _policyGradient.Accumulate(o.NormalizeAdvantage, o.EntCoef);

        // Value: ∂/∂V(s) of c_v (1/N) Σ (V(s) − R)² = 2 c_v (V(s) − R) / N
        LossTerms terms = _policyGradient.Terms;
        Minibatch rollout = _policyGradient.Batch;
        double valueLoss = Losses.ValueMse(terms.ForwardValues(rollout), rollout.Returns, (float)o.VfCoef, terms.GradValue);
        terms.BackwardValues();

        return new Stats(policyLoss, valueLoss, entropyLoss, policyLoss + (o.EntCoef * entropyLoss) + (o.VfCoef * valueLoss));
    }

    /// <summary>Loss terms of one update.</summary>
    internal readonly record struct Stats(double PolicyLoss, double ValueLoss, double EntropyLoss, double Loss);
}
