using System.Numerics.Tensors;
using SharpRL.Distributions;

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
    private readonly LossTerms _terms;
    private readonly PolicyFisher<float> _fisher;
    private readonly ConjugateGradient<float> _conjugateGradient;
    private readonly LinearOperator<float> _fisherProduct;
    private readonly float[] _encodedObservations;
    private readonly float[] _product;

    /// <summary>Creates the machinery for <paramref name="policy"/>'s policy network and <paramref name="buffer"/>'s rollouts.</summary>
    public NaturalGradient(ActorCriticPolicy policy, RolloutBuffer buffer)
    {
        _policy = policy;
        _buffer = buffer;
        int n = buffer.Size;
        Rollout = new Minibatch(buffer, n);
        _terms = new LossTerms(policy, n);
        PolicyVector = new ParameterVector<float>(policy.PolicyParameters);
        _fisher = new PolicyFisher<float>(policy.PolicyNetwork, policy.Distribution, policy.LogStd);
        if (_fisher.ParameterCount != PolicyVector.Count)
        {
            throw new InvalidOperationException($"The Fisher product covers {_fisher.ParameterCount} parameters but the policy has {PolicyVector.Count}.");
        }

        _conjugateGradient = new ConjugateGradient<float>(PolicyVector.Count);
        _fisherProduct = (vector, result) => _fisher.Multiply(FisherInput, vector, result, Rollout.Size, Rollout.ActionMasks);

        // Discrete observations reach the network one-hot encoded; Box observations as they are.
        bool encoded = policy.ObservationSpace is Discrete;
        _encodedObservations = encoded ? new float[n * policy.ObservationSize] : [];
        _product = new float[PolicyVector.Count];
    }

    /// <summary>The policy parameters θ as one flat vector (network weights, then the log-std).</summary>
    public ParameterVector<float> PolicyVector { get; }

    /// <summary>dim θ.</summary>
    public int ParameterCount => PolicyVector.Count;

    /// <summary>The rollout as one batch, advantages as the surrogate uses them (filled by <see cref="Gather"/>).</summary>
    public Minibatch Rollout { get; }

    private ReadOnlySpan<float> FisherInput => _encodedObservations.Length == 0 ? Rollout.Observations : _encodedObservations;

    /// <summary>Gathers the rollout for this update, Â standardised over it when <paramref name="normalizeAdvantage"/> is set.</summary>
    public void Gather(bool normalizeAdvantage)
    {
        Rollout.GatherAll(_buffer, normalizeAdvantage);
        if (_encodedObservations.Length > 0)
        {
            _policy.NetworkInput(Rollout.Observations, Rollout.Size, _encodedObservations);
        }
    }

    /// <summary>
    /// L(θ) = (1/N) Σ r Â + c_e (1/N) Σ H(π_θ(·|s)) at the current θ, and the mean KL(π_old ‖ π_θ) over the rollout.
    /// When <paramref name="gradient"/> is not empty it receives ∇θ L (ascent direction) for the policy parameters.
    /// </summary>
    public double Surrogate(double entCoef, Span<float> gradient, out double meanKl)
    {
        // The losses are minimised, −L = L_surrogate + c_e L_H; the ascent direction is minus their gradient.
        ReadOnlySpan<float> parameters = _terms.ForwardPolicy(Rollout, withKl: true);
        double surrogateLoss = Losses.Surrogate(_terms.LogProb, Rollout.LogProbOld, Rollout.Advantages, _terms.GradLogProb);
        double entropyLoss = Losses.EntropyBonus(_terms.Entropy, (float)entCoef, _terms.GradEntropy);
        double klSum = 0;
        foreach (float kl in _terms.Kl)
        {
            klSum += kl;
        }

        meanKl = klSum / Rollout.Size;
        if (!gradient.IsEmpty)
        {
            // Indexed, not foreach: enumerating the IReadOnlyList interface would allocate an enumerator per update.
            for (int p = 0; p < _policy.PolicyParameters.Count; p++)
            {
                _policy.PolicyParameters[p].ZeroGradient();
            }

            _terms.BackwardPolicy(Rollout, parameters, withKl: false, withEntropy: entCoef != 0);
            PolicyVector.CopyGradientsTo(gradient);
            TensorPrimitives.Negate(gradient, gradient);
        }

        return -(surrogateLoss + (entCoef * entropyLoss));
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
}
