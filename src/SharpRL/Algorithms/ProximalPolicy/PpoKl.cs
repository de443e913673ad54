using System.Text.Json.Nodes;
using SharpRL.Algorithms.Common;
using SharpRL.Envs;
using SharpRL.Logging;
using SharpRL.Nn;

namespace SharpRL.Algorithms.ProximalPolicy;

/// <summary>
/// PPO with an adaptive KL penalty (Schulman et al. 2017, section 4; "algorithm 1" of Sigaud, "Proximal Policy Optimization"; Janson's
/// Lagrangian view of TRPO): several epochs of shuffled minibatch Adam steps maximising
/// L = E[r Â] − β E[KL(π_old ‖ π_θ)] + c_e E[H] − c_v E[(V − R)²], r = π_θ(a|s)/π_old(a|s).
/// After each update d = mean KL over the rollout moves β: d &lt; d_targ/1.5 ⇒ β/2, d &gt; 1.5 d_targ ⇒ 2β.
/// </summary>
public sealed class PpoKl : OnPolicyAlgorithm
{
    private readonly Adam<float> _optimizer;
    private readonly int[] _indices;
    private readonly float[] _observationBatch;
    private readonly float[] _actionBatch;
    private readonly float[] _oldParametersBatch;
    private readonly float[] _logProbOldBatch;
    private readonly float[] _advantageBatch;
    private readonly float[] _returnBatch;
    private readonly float[] _logProb;
    private readonly float[] _entropy;
    private readonly float[] _kl;
    private readonly float[] _logProbCoefficient;
    private readonly float[] _entropyCoefficient;
    private readonly float[] _klCoefficient;
    private readonly float[] _gradDistributionParameters;
    private readonly float[] _valuePrediction;
    private readonly float[] _gradValue;
    private readonly float[] _rolloutKl;

    /// <summary>Creates a PPO-KL learner on <paramref name="env"/>.</summary>
    public PpoKl(IVectorEnv env, PpoKlOptions options, int seed = 0, MetricsLogger? logger = null)
        : base(env, options, seed, logger)
    {
        PpoKlOptions = options;
        Beta = options.InitialBeta;
        int m = options.BatchSize;
        int p = Buffer.DistributionParameterSize;
        _optimizer = new Adam<float>(Policy.Parameters, options.LearningRate.ValueAt(1), epsilon: options.AdamEpsilon);
        _indices = new int[options.RolloutSize];
        _observationBatch = new float[m * Buffer.ObservationSize];
        _actionBatch = new float[m * Buffer.ActionSize];
        _oldParametersBatch = new float[m * p];
        _logProbOldBatch = new float[m];
        _advantageBatch = new float[m];
        _returnBatch = new float[m];
        _logProb = new float[m];
        _entropy = new float[m];
        _kl = new float[m];
        _logProbCoefficient = new float[m];
        _entropyCoefficient = new float[m];
        _klCoefficient = new float[m];
        _gradDistributionParameters = new float[m * p];
        _valuePrediction = new float[m];
        _gradValue = new float[m];
        _rolloutKl = new float[options.RolloutSize];
    }

    /// <summary>The PPO-KL settings.</summary>
    public PpoKlOptions PpoKlOptions { get; }

    /// <summary>The current penalty coefficient β (part of the training state: checkpoint it).</summary>
    public double Beta { get; set; }

    /// <summary>The optimiser over policy and value parameters.</summary>
    public Adam<float> Optimizer => _optimizer;

    /// <summary>ln π_old of the current minibatch (tests move it to construct ratios ≠ 1).</summary>
    internal float[] LogProbOldBatch => _logProbOldBatch;

    /// <summary>π_old's distribution parameters for the current minibatch (tests move them so the KL term is not at its minimum).</summary>
    internal float[] OldParametersBatch => _oldParametersBatch;

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
        PpoKlOptions o = PpoKlOptions;
        double learningRate = o.LearningRate.ValueAt(progressRemaining);
        _optimizer.LearningRate = learningRate;
        int m = o.BatchSize;
        int minibatches = Buffer.Size / m;
        float beta = (float)Beta;
        double policyLoss = 0, valueLoss = 0, entropyLoss = 0, klPenalty = 0;
        for (int i = 0; i < _indices.Length; i++)
        {
            _indices[i] = i;
        }

        for (int epoch = 0; epoch < o.NumEpochs; epoch++)
        {
            Random.Shuffle(_indices);
            for (int b = 0; b < minibatches; b++)
            {
                GatherMinibatch(_indices.AsSpan(b * m, m));
                MinibatchStats stats = ComputeGradients(m, beta);
                if (o.MaxGradNorm > 0)
                {
                    GradientClipping.ClipGlobalNorm(Policy.Parameters, o.MaxGradNorm);
                }

                _optimizer.Step();
                NumUpdates++;
                policyLoss += stats.PolicyLoss;
                valueLoss += stats.ValueLoss;
                entropyLoss += stats.EntropyLoss;
                klPenalty += stats.Kl;
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
    internal MinibatchStats ComputeGradients(int m, float beta)
    {
        PpoKlOptions o = PpoKlOptions;
        _optimizer.ZeroGradient();
        int p = Buffer.DistributionParameterSize;

        // ∂(r Â)/∂ ln π = r Â; the KL term's gradient with respect to π_θ's parameters comes from KlBackward.
        ReadOnlySpan<float> distributionParameters = Policy.ForwardDistribution(_observationBatch, m);
        ReadOnlySpan<float> oldParameters = _oldParametersBatch.AsSpan(0, m * p);
        Policy.Distribution.LogProb(distributionParameters, _actionBatch, _logProb, m);
        Policy.Distribution.Entropy(distributionParameters, _entropy, m);
        Policy.Distribution.Kl(oldParameters, distributionParameters, _kl, m);
        double surrogate = 0, klSum = 0, entropySum = 0;
        float invM = 1f / m;
        for (int i = 0; i < m; i++)
        {
            float ratio = MathF.Exp(_logProb[i] - _logProbOldBatch[i]);
            float advantage = _advantageBatch[i];
            surrogate += ratio * advantage;
            klSum += _kl[i];
            entropySum += _entropy[i];
            _logProbCoefficient[i] = -ratio * advantage * invM;
            _klCoefficient[i] = beta * invM;
            _entropyCoefficient[i] = (float)-o.EntCoef * invM;
        }

        Array.Clear(_gradDistributionParameters);
        Span<float> gradDistributionParameters = _gradDistributionParameters.AsSpan(0, m * p);
        Policy.Distribution.LogProbBackward(distributionParameters, _actionBatch, _logProbCoefficient, gradDistributionParameters, m);
        Policy.Distribution.KlBackward(oldParameters, distributionParameters, _klCoefficient, gradDistributionParameters, m);
        Policy.Distribution.EntropyBackward(distributionParameters, _entropyCoefficient, gradDistributionParameters, m);
        Policy.BackwardDistribution(gradDistributionParameters, m);

        // L_V = (1/m) Σ (V − R)²  ⇒  ∂(c_v L_V)/∂V = 2 c_v (V − R) / m
        Policy.ForwardValues(_observationBatch, _valuePrediction, m);
        double valueLoss = 0;
        float vfScale = (float)o.VfCoef * 2f * invM;
        for (int i = 0; i < m; i++)
        {
            float error = _valuePrediction[i] - _returnBatch[i];
            valueLoss += error * error;
            _gradValue[i] = vfScale * error;
        }

        Policy.BackwardValues(_gradValue, m);

        double policyLoss = -surrogate / m;
        double kl = klSum / m;
        double entropyLoss = -entropySum / m;
        valueLoss /= m;
        return new MinibatchStats(
            PolicyLoss: policyLoss,
            Kl: kl,
            ValueLoss: valueLoss,
            EntropyLoss: entropyLoss,
            Loss: policyLoss + (beta * kl) + (o.EntCoef * entropyLoss) + (o.VfCoef * valueLoss));
    }

    /// <summary>Copies the transitions at <paramref name="indices"/> into the minibatch buffers (advantages standardised per minibatch when enabled).</summary>
    internal void GatherMinibatch(ReadOnlySpan<int> indices)
    {
        int observationSize = Buffer.ObservationSize;
        int actionSize = Buffer.ActionSize;
        int p = Buffer.DistributionParameterSize;
        for (int j = 0; j < indices.Length; j++)
        {
            int i = indices[j];
            Buffer.ObservationAt(i).CopyTo(_observationBatch.AsSpan(j * observationSize, observationSize));
            Buffer.Actions.AsSpan(i * actionSize, actionSize).CopyTo(_actionBatch.AsSpan(j * actionSize, actionSize));
            Buffer.OldDistributionParameters.AsSpan(i * p, p).CopyTo(_oldParametersBatch.AsSpan(j * p, p));
            _logProbOldBatch[j] = Buffer.LogProbs[i];
            _advantageBatch[j] = Buffer.Advantages[i];
            _returnBatch[j] = Buffer.Returns[i];
        }

        if (PpoKlOptions.NormalizeAdvantage)
        {
            AdvantageNormalization.NormalizeInPlace(_advantageBatch.AsSpan(0, indices.Length));
        }
    }

    /// <summary>Mean KL(π_old ‖ π_θ) over every state of the rollout at the current θ.</summary>
    internal double RolloutMeanKl()
    {
        int n = Buffer.Size;
        ReadOnlySpan<float> distributionParameters = Policy.ForwardDistribution(Buffer.Observations, n);
        Policy.Distribution.Kl(Buffer.OldDistributionParameters, distributionParameters, _rolloutKl, n);
        double sum = 0;
        foreach (float kl in _rolloutKl)
        {
            sum += kl;
        }

        return sum / n;
    }

    /// <summary>Loss terms of one minibatch.</summary>
    internal readonly record struct MinibatchStats(double PolicyLoss, double Kl, double ValueLoss, double EntropyLoss, double Loss);
}
