namespace SharpRL.Algorithms.PolicyGradient;

/// <summary>
/// The score-function policy gradient on the whole rollout as one batch, shared by REINFORCE and A2C:
/// the gradient of L_π = −(1/N) Σ ln π_θ(a|s) Â − c_e (1/N) Σ H(π_θ(·|s)), whose negative is
/// g = (1/N) Σ ∇ ln π(a|s) Â + c_e ∇H. Buffers are allocated once; a pass allocates nothing.
/// </summary>
internal sealed class RolloutPolicyGradient
{
    private readonly RolloutBuffer _buffer;

    /// <summary>Creates the pass for <paramref name="policy"/>'s policy network on <paramref name="buffer"/>'s rollouts.</summary>
    public RolloutPolicyGradient(ActorCriticPolicy policy, RolloutBuffer buffer)
    {
        _buffer = buffer;
        Batch = new Minibatch(buffer, buffer.Size);
        Terms = new LossTerms(policy, buffer.Size);
    }

    /// <summary>The rollout as one batch (filled by <see cref="Accumulate"/>).</summary>
    public Minibatch Batch { get; }

    /// <summary>The per-sample terms (A2C adds its value loss through them).</summary>
    public LossTerms Terms { get; }

    /// <summary>
    /// Gathers the rollout, accumulates ∇θ L_π into the policy parameters' gradients (the caller zeroes them
    /// first) and returns the policy loss −(1/N) Σ ln π(a|s) Â and the entropy loss −(1/N) Σ H.
    /// </summary>
    /// <param name="normalizeAdvantage">Whether Â is standardised over the rollout first.</param>
    /// <param name="entCoef">c_e, the entropy bonus coefficient.</param>
    public (double PolicyLoss, double EntropyLoss) Accumulate(bool normalizeAdvantage, double entCoef)
    {
        Batch.GatherAll(_buffer, normalizeAdvantage);
        ReadOnlySpan<float> parameters = Terms.ForwardPolicy(Batch);
        double policyLoss = Losses.ScoreFunction(Terms.LogProb, Batch.Advantages, Terms.GradLogProb);
        double entropyLoss = Losses.EntropyBonus(Terms.Entropy, (float)entCoef, Terms.GradEntropy);
        Terms.BackwardPolicy(Batch, parameters, withKl: false, withEntropy: entCoef != 0);
        return (policyLoss, entropyLoss);
    }
}
