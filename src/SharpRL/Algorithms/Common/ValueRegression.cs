namespace SharpRL.Algorithms.Common;

/// <summary>
/// Fits the value network V_φ(s) to a rollout's return targets R by its own epochs of shuffled
/// minibatch Adam steps on L_V = mean (V_φ(s) − R)². This is the "supervised learning" half of
/// REINFORCE with a learned baseline (Janson, "PPO &amp; Importance Sampling") and the separately trained critic of NPG and TRPO:
/// only the value parameters move, so the policy's trust region is untouched.
/// Buffers are allocated once; a fit allocates nothing.
/// </summary>
public sealed class ValueRegression
{
    private readonly RolloutBuffer _buffer;
    private readonly int _batchSize;
    private readonly MinibatchSampler _sampler;
    private readonly Minibatch _batch;
    private readonly LossTerms _terms;

    /// <summary>Creates the regression of <paramref name="policy"/>'s value network on <paramref name="buffer"/>'s returns.</summary>
    /// <param name="policy">Owner of the value network.</param>
    /// <param name="buffer">The rollout whose <see cref="RolloutBuffer.Returns"/> are the targets.</param>
    /// <param name="batchSize">Minibatch size; in [1, buffer.Size].</param>
    /// <param name="learningRate">Initial Adam step size (change it per fit through <see cref="Fit"/>).</param>
    /// <param name="adamEpsilon">Adam ε (1e-5 as SB3's policies use).</param>
    public ValueRegression(ActorCriticPolicy policy, RolloutBuffer buffer, int batchSize, double learningRate, double adamEpsilon = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(buffer);
        if (batchSize <= 0 || batchSize > buffer.Size)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize must be in [1, rollout size {buffer.Size}]; got {batchSize}.");
        }

        _buffer = buffer;
        _batchSize = batchSize;
        Optimizer = new Adam<float>(policy.ValueParameters, learningRate, epsilon: adamEpsilon);
        _sampler = new MinibatchSampler(buffer.Size);
        _batch = new Minibatch(buffer, batchSize);
        _terms = new LossTerms(policy, batchSize);
    }

    /// <summary>The value network's optimiser (its moments go into checkpoints).</summary>
    public Adam<float> Optimizer { get; }

    /// <summary>
    /// Runs <paramref name="epochs"/> passes over the rollout in shuffled minibatches (the last one smaller when
    /// the batch size does not divide the rollout) and returns the mean minibatch loss.
    /// </summary>
    /// <param name="epochs">Passes over the rollout (n_critic_updates); positive.</param>
    /// <param name="learningRate">Adam step size for this fit.</param>
    /// <param name="random">Shuffles the minibatches (the run's generator, for reproducibility).</param>
    public double Fit(int epochs, double learningRate, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        ArgumentNullException.ThrowIfNull(random);
        Optimizer.LearningRate = learningRate;
        int n = _buffer.Size;
        double lossSum = 0;
        int steps = 0;
        _sampler.Reset();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            _sampler.Shuffle(random);
            for (int start = 0; start < n; start += _batchSize)
            {
                _batch.Gather(_buffer, _sampler.Batch(start, Math.Min(_batchSize, n - start)), normalizeAdvantage: false);

                // L_V = (1/m) Σ (V(s) − R)²
                Optimizer.ZeroGradient();
                lossSum += Losses.ValueMse(_terms.ForwardValues(_batch), _batch.Returns, 1f, _terms.GradValue);
                _terms.BackwardValues();
                Optimizer.Step();
                steps++;
            }
        }

        return lossSum / steps;
    }
}
