using SharpRL.Nn;
using SharpRL.Policies;

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
    private readonly ActorCriticPolicy _policy;
    private readonly RolloutBuffer _buffer;
    private readonly int _batchSize;
    private readonly int[] _indices;
    private readonly float[] _observationBatch;
    private readonly float[] _returnBatch;
    private readonly float[] _valuePrediction;
    private readonly float[] _gradValue;

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

        _policy = policy;
        _buffer = buffer;
        _batchSize = batchSize;
        Optimizer = new Adam<float>(policy.ValueParameters, learningRate, epsilon: adamEpsilon);
        _indices = new int[buffer.Size];
        _observationBatch = new float[batchSize * buffer.ObservationSize];
        _returnBatch = new float[batchSize];
        _valuePrediction = new float[batchSize];
        _gradValue = new float[batchSize];
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
        int observationSize = _buffer.ObservationSize;
        for (int i = 0; i < n; i++)
        {
            _indices[i] = i;
        }

        double lossSum = 0;
        int steps = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(_indices);
            for (int start = 0; start < n; start += _batchSize)
            {
                int m = Math.Min(_batchSize, n - start);
                for (int j = 0; j < m; j++)
                {
                    int i = _indices[start + j];
                    _buffer.ObservationAt(i).CopyTo(_observationBatch.AsSpan(j * observationSize, observationSize));
                    _returnBatch[j] = _buffer.Returns[i];
                }

                // L_V = (1/m) Σ (V(s) − R)²  ⇒  ∂L_V/∂V(s) = 2 (V(s) − R) / m
                Optimizer.ZeroGradient();
                _policy.ForwardValues(_observationBatch.AsSpan(0, m * observationSize), _valuePrediction, m);
                double loss = 0;
                for (int j = 0; j < m; j++)
                {
                    float error = _valuePrediction[j] - _returnBatch[j];
                    loss += error * error;
                    _gradValue[j] = 2f * error / m;
                }

                _policy.BackwardValues(_gradValue, m);
                Optimizer.Step();
                lossSum += loss / m;
                steps++;
            }
        }

        return lossSum / steps;
    }
}
