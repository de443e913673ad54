using SharpRL.Algorithms.Common;
using SharpRL.Policies;

namespace SharpRL.Algorithms.PolicyGradient;

/// <summary>
/// The score-function policy gradient on the whole rollout as one batch, shared by REINFORCE and A2C:
/// the gradient of L_π = −(1/N) Σ ln π_θ(a|s) Â − c_e (1/N) Σ H(π_θ(·|s)), whose negative is
/// g = (1/N) Σ ∇ ln π(a|s) Â + c_e ∇H. Buffers are allocated once; a pass allocates nothing.
/// </summary>
internal sealed class RolloutPolicyGradient
{
    private readonly ActorCriticPolicy _policy;
    private readonly RolloutBuffer _buffer;
    private readonly float[] _advantage;
    private readonly float[] _logProb;
    private readonly float[] _entropy;
    private readonly float[] _logProbCoefficient;
    private readonly float[] _entropyCoefficient;
    private readonly float[] _gradDistributionParameters;

    /// <summary>Creates the pass for <paramref name="policy"/>'s policy network on <paramref name="buffer"/>'s rollouts.</summary>
    public RolloutPolicyGradient(ActorCriticPolicy policy, RolloutBuffer buffer)
    {
        _policy = policy;
        _buffer = buffer;
        int n = buffer.Size;
        _advantage = new float[n];
        _logProb = new float[n];
        _entropy = new float[n];
        _logProbCoefficient = new float[n];
        _entropyCoefficient = new float[n];
        _gradDistributionParameters = new float[n * buffer.DistributionParameterSize];
    }

    /// <summary>
    /// Accumulates ∇θ L_π into the policy parameters' gradients (the caller zeroes them first) and returns
    /// the policy loss −(1/N) Σ ln π(a|s) Â and the entropy loss −(1/N) Σ H.
    /// </summary>
    /// <param name="normalizeAdvantage">Whether Â is standardised over the rollout first.</param>
    /// <param name="entCoef">c_e, the entropy bonus coefficient.</param>
    public (double PolicyLoss, double EntropyLoss) Accumulate(bool normalizeAdvantage, double entCoef)
    {
        int n = _buffer.Size;
        Span<float> advantage = _advantage.AsSpan(0, n);
        _buffer.Advantages.AsSpan(0, n).CopyTo(advantage);
        if (normalizeAdvantage)
        {
            AdvantageNormalization.NormalizeInPlace(advantage);
        }

        // ∂L_π/∂ ln π(a|s) = −Â/N ;  ∂L_π/∂H = −c_e/N
        ReadOnlySpan<float> distributionParameters = _policy.ForwardDistribution(_buffer.Observations, n);
        _policy.Distribution.LogProb(distributionParameters, _buffer.Actions, _logProb, n);
        _policy.Distribution.Entropy(distributionParameters, _entropy, n);
        double policyLoss = 0, entropySum = 0;
        float invN = 1f / n;
        for (int i = 0; i < n; i++)
        {
            policyLoss -= _logProb[i] * advantage[i];
            entropySum += _entropy[i];
            _logProbCoefficient[i] = -advantage[i] * invN;
            _entropyCoefficient[i] = (float)-entCoef * invN;
        }

        Array.Clear(_gradDistributionParameters);
        _policy.Distribution.LogProbBackward(distributionParameters, _buffer.Actions, _logProbCoefficient, _gradDistributionParameters, n);
        _policy.Distribution.EntropyBackward(distributionParameters, _entropyCoefficient, _gradDistributionParameters, n);
        _policy.BackwardDistribution(_gradDistributionParameters, n);
        return (policyLoss / n, -entropySum / n);
    }
}
