using SharpRL.Algorithms.Common;
using SharpRL.Distributions;
using SharpRL.Nn;
using SharpRL.Policies;
using SharpRL.Spaces;

namespace SharpRL.Algorithms.TrustRegion;

/// <summary>
/// The parameter-space machinery NPG and TRPO share, on the whole rollout as one batch:
/// the importance-sampled surrogate L(θ) = E[r Â] + c_e E[H] with r = π_θ(a|s)/π_old(a|s), its gradient,
/// the mean KL(π_old ‖ π_θ) to the policy that collected the data, and (F + λI)⁻¹ g by conjugate gradient
/// on the exact Fisher-vector product of <see cref="PolicyFisher{T}"/>. Buffers are allocated once.
/// </summary>
internal sealed class NaturalGradient
{
    private readonly ActorCriticPolicy _policy;
    private readonly RolloutBuffer _buffer;
    private readonly PolicyFisher<float> _fisher;
    private readonly ConjugateGradient<float> _conjugateGradient;
    private readonly LinearOperator<float> _fisherProduct;
    private readonly Discrete? _discreteObservations;
    private readonly float[] _encodedObservations;
    private readonly float[] _advantage;
    private readonly float[] _logProb;
    private readonly float[] _entropy;
    private readonly float[] _kl;
    private readonly float[] _logProbCoefficient;
    private readonly float[] _entropyCoefficient;
    private readonly float[] _gradDistributionParameters;
    private readonly float[] _product;

    /// <summary>Creates the machinery for <paramref name="policy"/>'s policy network and <paramref name="buffer"/>'s rollouts.</summary>
    public NaturalGradient(ActorCriticPolicy policy, RolloutBuffer buffer)
    {
        _policy = policy;
        _buffer = buffer;
        int n = buffer.Size;
        PolicyVector = new ParameterVector<float>(policy.PolicyParameters);
        _fisher = new PolicyFisher<float>(policy.PolicyNetwork, policy.Distribution, policy.LogStd);
        if (_fisher.ParameterCount != PolicyVector.Count)
        {
            throw new InvalidOperationException($"The Fisher product covers {_fisher.ParameterCount} parameters but the policy has {PolicyVector.Count}.");
        }

        _conjugateGradient = new ConjugateGradient<float>(PolicyVector.Count);
        _fisherProduct = (vector, result) => _fisher.Multiply(NetworkInput(), vector, result, _buffer.Size);
        _discreteObservations = policy.ObservationSpace as Discrete;
        _encodedObservations = _discreteObservations is null ? [] : new float[n * policy.ObservationSize];
        _advantage = new float[n];
        _logProb = new float[n];
        _entropy = new float[n];
        _kl = new float[n];
        _logProbCoefficient = new float[n];
        _entropyCoefficient = new float[n];
        _gradDistributionParameters = new float[n * buffer.DistributionParameterSize];
        _product = new float[PolicyVector.Count];
    }

    /// <summary>The policy parameters θ as one flat vector (network weights, then the log-std).</summary>
    public ParameterVector<float> PolicyVector { get; }

    /// <summary>dim θ.</summary>
    public int ParameterCount => PolicyVector.Count;

    /// <summary>The rollout's advantages, standardised over the whole batch when <paramref name="normalize"/> is set.</summary>
    public ReadOnlySpan<float> Advantages(bool normalize)
    {
        _buffer.Advantages.CopyTo(_advantage, 0);
        if (normalize)
        {
            AdvantageNormalization.NormalizeInPlace(_advantage);
        }

        return _advantage;
    }

    /// <summary>
    /// L(θ) = (1/N) Σ r Â + c_e (1/N) Σ H(π_θ(·|s)) at the current θ, and the mean KL(π_old ‖ π_θ) over the rollout.
    /// When <paramref name="gradient"/> is not empty it receives ∇θ L (ascent direction) for the policy parameters.
    /// </summary>
    public double Surrogate(ReadOnlySpan<float> advantage, double entCoef, Span<float> gradient, out double meanKl)
    {
        int n = _buffer.Size;
        ReadOnlySpan<float> distributionParameters = _policy.ForwardDistribution(_buffer.Observations, n);
        _policy.Distribution.LogProb(distributionParameters, _buffer.Actions, _logProb, n);
        _policy.Distribution.Entropy(distributionParameters, _entropy, n);
        _policy.Distribution.Kl(_buffer.OldDistributionParameters, distributionParameters, _kl, n);
        double surrogate = 0, entropySum = 0, klSum = 0;
        float invN = 1f / n;
        for (int i = 0; i < n; i++)
        {
            // ∂(r Â)/∂ ln π = r Â, since ∂r/∂ ln π = r.
            float ratio = MathF.Exp(_logProb[i] - _buffer.LogProbs[i]);
            surrogate += ratio * advantage[i];
            entropySum += _entropy[i];
            klSum += _kl[i];
            _logProbCoefficient[i] = ratio * advantage[i] * invN;
            _entropyCoefficient[i] = (float)entCoef * invN;
        }

        meanKl = klSum / n;
        if (!gradient.IsEmpty)
        {
            // Indexed, not foreach: enumerating the IReadOnlyList interface would allocate an enumerator per update.
            for (int p = 0; p < _policy.PolicyParameters.Count; p++)
            {
                _policy.PolicyParameters[p].ZeroGradient();
            }

            Array.Clear(_gradDistributionParameters);
            _policy.Distribution.LogProbBackward(distributionParameters, _buffer.Actions, _logProbCoefficient, _gradDistributionParameters, n);
            _policy.Distribution.EntropyBackward(distributionParameters, _entropyCoefficient, _gradDistributionParameters, n);
            _policy.BackwardDistribution(_gradDistributionParameters, n);
            PolicyVector.CopyGradientsTo(gradient);
        }

        return (surrogate + (entCoef * entropySum)) / n;
    }

    /// <summary>x ≈ (F + λI)⁻¹ g by conjugate gradient, F the Fisher of the current policy over the rollout's states.</summary>
    public ConjugateGradientResult SolveFisher(ReadOnlySpan<float> g, Span<float> x, double damping, int maxIterations, double tolerance)
    {
        _fisher.Damping = (float)damping;
        return _conjugateGradient.Solve(_fisherProduct, g, x, maxIterations, tolerance);
    }

    /// <summary>xᵀ (F + λI) x, the quadratic model of 2 × mean KL for a step x (plus the damping term).</summary>
    public double FisherQuadraticForm(ReadOnlySpan<float> x, double damping)
    {
        _fisher.Damping = (float)damping;
        _fisherProduct(x, _product);
        return ConjugateGradient<float>.Dot(x, _product);
    }

    private ReadOnlySpan<float> NetworkInput()
    {
        if (_discreteObservations is null)
        {
            return _buffer.Observations;
        }

        // The policy network sees Discrete observations one-hot encoded, as ActorCriticPolicy feeds them.
        int width = _discreteObservations.N;
        Array.Clear(_encodedObservations);
        for (int row = 0; row < _buffer.Size; row++)
        {
            int index = (int)_buffer.Observations[row] - _discreteObservations.Start;
            _encodedObservations[(row * width) + index] = 1f;
        }

        return _encodedObservations;
    }
}
