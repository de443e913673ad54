using SharpRL.Algorithms.Common;
using SharpRL.Envs;
using SharpRL.Logging;
using SharpRL.Nn;

namespace SharpRL.Algorithms.ProximalPolicy;

/// <summary>
/// Proximal Policy Optimization with the clipped surrogate (Schulman et al. 2017; "algorithm 2" of Sigaud, "Proximal Policy Optimization"):
/// several epochs of shuffled minibatch Adam steps on one rollout, maximising
/// L = E[min(r Â, clip(r, 1 − ε_low, 1 + ε_high) Â)] − c_v L_V + c_e H, with r = π_θ(a|s) / π_old(a|s).
/// </summary>
public sealed class Ppo : OnPolicyAlgorithm
{
    private readonly Adam<float> _optimizer;
    private readonly int[] _indices;
    private readonly float[] _observationBatch;
    private readonly float[] _actionBatch;
    private readonly float[] _logProbOldBatch;
    private readonly float[] _advantageBatch;
    private readonly float[] _returnBatch;
    private readonly float[] _valueOldBatch;
    private readonly float[] _logProb;
    private readonly float[] _entropy;
    private readonly float[] _logProbCoefficient;
    private readonly float[] _entropyCoefficient;
    private readonly float[] _gradDistributionParameters;
    private readonly float[] _valuePrediction;
    private readonly float[] _gradValue;
    private readonly PairedWorker _worker = new("ppo-value-pass");
    private readonly Action _policyPass;
    private readonly Action _valuePass;
    private int _passBatchSize;
    private float _passEpsilonLow;
    private float _passEpsilonHigh;
    private (double PolicyLoss, double EntropyLoss, double ApproxKl, double ClipFraction) _policyPassResult;
    private double _valuePassResult;

    /// <summary>Creates a PPO learner on <paramref name="env"/>.</summary>
    public Ppo(IVectorEnv env, PpoOptions options, int seed = 0, MetricsLogger? logger = null)
        : base(env, options, seed, logger)
    {
        PpoOptions = options;
        int m = options.BatchSize;
        _optimizer = new Adam<float>(Policy.Parameters, options.LearningRate.ValueAt(1), epsilon: options.AdamEpsilon);
        _indices = new int[options.RolloutSize];
        _observationBatch = new float[m * Buffer.ObservationSize];
        _actionBatch = new float[m * Buffer.ActionSize];
        _logProbOldBatch = new float[m];
        _advantageBatch = new float[m];
        _returnBatch = new float[m];
        _valueOldBatch = new float[m];
        _logProb = new float[m];
        _entropy = new float[m];
        _logProbCoefficient = new float[m];
        _entropyCoefficient = new float[m];
        _gradDistributionParameters = new float[m * Buffer.DistributionParameterSize];
        _valuePrediction = new float[m];
        _gradValue = new float[m];
        _policyPass = PolicyPass;
        _valuePass = ValuePass;
    }

    /// <summary>The PPO settings.</summary>
    public PpoOptions PpoOptions { get; }

    /// <summary>ln π_old of the current minibatch (tests construct clipped ratios through it).</summary>
    internal float[] LogProbOldBatch => _logProbOldBatch;

    /// <summary>The optimizer (its moments go into checkpoints).</summary>
    public Adam<float> Optimizer => _optimizer;

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _worker.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc />
    protected internal override IReadOnlyList<KeyValuePair<string, IOptimizer<float>>> Optimizers => [new("adam", _optimizer)];

    /// <inheritdoc />
    protected override void Train(double progressRemaining)
    {
        PpoOptions o = PpoOptions;
        float learningRate = (float)o.LearningRate.ValueAt(progressRemaining);
        float epsilonLow = (float)o.ClipRange.ValueAt(progressRemaining);
        float epsilonHigh = (float)(o.ClipRangeHigh ?? o.ClipRange).ValueAt(progressRemaining);
        _optimizer.LearningRate = learningRate;

        int m = o.BatchSize;
        int minibatches = Buffer.Size / m;
        var totals = new UpdateTotals();
        bool stoppedEarly = false;
        for (int i = 0; i < _indices.Length; i++)
        {
            _indices[i] = i;
        }

        for (int epoch = 0; epoch < o.NumEpochs && !stoppedEarly; epoch++)
        {
            Shuffle(_indices);
            for (int b = 0; b < minibatches; b++)
            {
                GatherMinibatch(_indices.AsSpan(b * m, m));
                MinibatchStats stats = ComputeGradients(m, epsilonLow, epsilonHigh);

                // Early stop before stepping (SB3): the policy already moved further than target_kl allows.
                if (o.TargetKl is double targetKl && stats.ApproxKl > 1.5 * targetKl)
                {
                    stoppedEarly = true;
                    break;
                }

                if (o.MaxGradNorm > 0)
                {
                    GradientClipping.ClipGlobalNorm(Policy.Parameters, (float)o.MaxGradNorm);
                }

                _optimizer.Step();
                NumUpdates++;
                totals.Add(stats);
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
    /// Zeroes the gradients and accumulates ∇ of the minibatch loss
    /// −L_clip − c_e H + c_v L_V into every parameter; returns the minibatch statistics.
    /// Separate policy and value networks share no parameters, so their passes run concurrently;
    /// with a shared trunk they run one after the other.
    /// </summary>
    internal MinibatchStats ComputeGradients(int m, float epsilonLow, float epsilonHigh)
    {
        foreach (Parameter<float> parameter in Policy.Parameters)
        {
            parameter.ZeroGradient();
        }

        _passBatchSize = m;
        _passEpsilonLow = epsilonLow;
        _passEpsilonHigh = epsilonHigh;
        if (Policy.SharesTrunk)
        {
            // Both passes accumulate into the trunk's gradients: one after the other.
            PolicyPass();
            ValuePass();
        }
        else
        {
            _worker.Run(_policyPass, _valuePass);
        }

        PpoOptions o = PpoOptions;
        (double policyLoss, double entropyLoss, double approxKl, double clipFraction) = _policyPassResult;
        double valueLoss = _valuePassResult;
        return new MinibatchStats(
            PolicyLoss: policyLoss,
            ValueLoss: valueLoss,
            EntropyLoss: entropyLoss,
            ApproxKl: approxKl,
            ClipFraction: clipFraction,
            Loss: policyLoss + (o.EntCoef * entropyLoss) + (o.VfCoef * valueLoss));
    }

    /// <summary>−L_clip − c_e H for the minibatch, back-propagated into the policy parameters.</summary>
    private void PolicyPass()
    {
        int m = _passBatchSize;
        float epsilonLow = _passEpsilonLow, epsilonHigh = _passEpsilonHigh;
        float entCoef = (float)PpoOptions.EntCoef;
        ReadOnlySpan<float> advantage = _advantageBatch.AsSpan(0, m);

        // Policy: ratio r = exp(ln π_θ − ln π_old); the clipped objective's gradient w.r.t. ln π is
        // r·Â where the unclipped branch is the min, and 0 where the clip is active (no signal flows).
        ReadOnlySpan<float> distributionParameters = Policy.ForwardDistribution(_observationBatch, m);
        Policy.Distribution.LogProb(distributionParameters, _actionBatch, _logProb, m);
        Policy.Distribution.Entropy(distributionParameters, _entropy, m);
        double policyLoss = 0, approxKl = 0, entropySum = 0;
        int clipped = 0;
        float invM = 1f / m;
        for (int i = 0; i < m; i++)
        {
            float logRatio = _logProb[i] - _logProbOldBatch[i];
            float ratio = MathF.Exp(logRatio);
            float clippedRatio = Math.Clamp(ratio, 1f - epsilonLow, 1f + epsilonHigh);
            float a = advantage[i];
            bool unclippedIsMin = ratio * a <= clippedRatio * a;
            policyLoss -= MathF.Min(ratio * a, clippedRatio * a);
            _logProbCoefficient[i] = unclippedIsMin ? -ratio * a * invM : 0f;
            _entropyCoefficient[i] = -entCoef * invM;
            clipped += ratio != clippedRatio ? 1 : 0;
            approxKl += (ratio - 1f) - logRatio;
            entropySum += _entropy[i];
        }

        Array.Clear(_gradDistributionParameters);
        Policy.Distribution.LogProbBackward(distributionParameters, _actionBatch, _logProbCoefficient, _gradDistributionParameters, m);
        if (entCoef != 0f)
        {
            Policy.Distribution.EntropyBackward(distributionParameters, _entropyCoefficient, _gradDistributionParameters, m);
        }

        Policy.BackwardDistribution(_gradDistributionParameters, m);
        _policyPassResult = (policyLoss / m, -entropySum / m, approxKl / m, (double)clipped / m);
    }

    /// <summary>c_v L_V for the minibatch, back-propagated into the value parameters.</summary>
    private void ValuePass()
    {
        int m = _passBatchSize;
        PpoOptions o = PpoOptions;

        // L_V = mean (V − R)², optionally max with the clipped prediction V_old + clip(V − V_old, ±ε_v).
        Policy.ForwardValues(_observationBatch, _valuePrediction, m);
        double valueLoss = 0;
        float vfScale = (float)o.VfCoef * 2f / m;
        for (int i = 0; i < m; i++)
        {
            float error = _valuePrediction[i] - _returnBatch[i];
            float gradient = error;
            float loss = error * error;
            if (o.ClipRangeVf is double clipVf)
            {
                float delta = Math.Clamp(_valuePrediction[i] - _valueOldBatch[i], (float)-clipVf, (float)clipVf);
                float clippedError = _valueOldBatch[i] + delta - _returnBatch[i];
                if (clippedError * clippedError > loss)
                {
                    loss = clippedError * clippedError;
                    // The clipped prediction moves with V only inside the clip band.
                    gradient = MathF.Abs(_valuePrediction[i] - _valueOldBatch[i]) < clipVf ? clippedError : 0f;
                }
            }

            valueLoss += loss;
            _gradValue[i] = vfScale * gradient;
        }

        Policy.BackwardValues(_gradValue, m);
        _valuePassResult = valueLoss / m;
    }

    /// <summary>Copies the transitions at <paramref name="indices"/> into the minibatch buffers (advantages normalised per minibatch when enabled).</summary>
    internal void GatherMinibatch(ReadOnlySpan<int> indices)
    {
        int observationSize = Buffer.ObservationSize;
        int actionSize = Buffer.ActionSize;
        for (int j = 0; j < indices.Length; j++)
        {
            int i = indices[j];
            Buffer.Observations.AsSpan(i * observationSize, observationSize).CopyTo(_observationBatch.AsSpan(j * observationSize, observationSize));
            Buffer.Actions.AsSpan(i * actionSize, actionSize).CopyTo(_actionBatch.AsSpan(j * actionSize, actionSize));
            _logProbOldBatch[j] = Buffer.LogProbs[i];
            _advantageBatch[j] = Buffer.Advantages[i];
            _returnBatch[j] = Buffer.Returns[i];
            _valueOldBatch[j] = Buffer.Values[i];
        }

        if (PpoOptions.NormalizeAdvantage)
        {
            AdvantageNormalization.NormalizeInPlace(_advantageBatch.AsSpan(0, indices.Length));
        }
    }

    private void Shuffle(int[] indices)
    {
        // Fisher–Yates with the run's generator, so the same seed gives the same minibatches.
        for (int i = indices.Length - 1; i > 0; i--)
        {
            int j = Random.Next(i + 1);
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }
    }

    /// <summary>Loss terms and diagnostics of one minibatch.</summary>
    internal readonly record struct MinibatchStats(double PolicyLoss, double ValueLoss, double EntropyLoss, double ApproxKl, double ClipFraction, double Loss);

    private sealed class UpdateTotals
    {
        public int Count { get; private set; }

        public double PolicyLoss { get; private set; }

        public double ValueLoss { get; private set; }

        public double EntropyLoss { get; private set; }

        public double ApproxKl { get; private set; }

        public double ClipFraction { get; private set; }

        public double Loss { get; private set; }

        public void Add(MinibatchStats s)
        {
            Count++;
            PolicyLoss += s.PolicyLoss;
            ValueLoss += s.ValueLoss;
            EntropyLoss += s.EntropyLoss;
            ApproxKl += s.ApproxKl;
            ClipFraction += s.ClipFraction;
            Loss += s.Loss;
        }

        public double Mean(double total) => Count == 0 ? double.NaN : total / Count;
    }
}
