using System.Numerics;

namespace SharpRL.Distributions;

/// <summary>
/// A batch of action distributions, each given by a row of "distribution parameters"
/// (<see cref="ParameterSize"/> numbers per sample): logits for <c>Categorical</c>, concatenated
/// logits for <c>MultiCategorical</c>, [mean(d), logStd(d)] for <c>DiagGaussian</c>.
/// The math is stateless; the policy maps network outputs (and a state-independent log-std
/// parameter) to these rows and routes gradients back.
/// Actions are stored as T (a category index is stored as its value, 0, 1, 2, ...),
/// <see cref="ActionSize"/> numbers per sample.
/// Backward methods ADD coefficient · ∂f/∂params into the gradient buffer, so several loss terms
/// (surrogate, entropy, KL) can be accumulated before one network Backward.
/// </summary>
public interface IDistribution<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Distribution parameters per sample.</summary>
    int ParameterSize { get; }

    /// <summary>Action numbers per sample.</summary>
    int ActionSize { get; }

    /// <summary>Draws one action per row.</summary>
    void Sample(ReadOnlySpan<T> parameters, Span<T> actions, int batchSize, Random random);

    /// <summary>The most likely action per row (argmax / mean): deterministic evaluation.</summary>
    void Mode(ReadOnlySpan<T> parameters, Span<T> actions, int batchSize);

    /// <summary>logProb[i] = ln π(actions[i] | parameters[i]).</summary>
    void LogProb(ReadOnlySpan<T> parameters, ReadOnlySpan<T> actions, Span<T> logProb, int batchSize);

    /// <summary>entropy[i] = H(π(· | parameters[i])).</summary>
    void Entropy(ReadOnlySpan<T> parameters, Span<T> entropy, int batchSize);

    /// <summary>
    /// <see cref="LogProb"/> and <see cref="Entropy"/> of the same rows in one call, with the same results. A
    /// training step needs both for every minibatch; a distribution whose two share work (Categorical's
    /// softmax) overrides this to do that work once, still keeping nothing between calls.
    /// </summary>
    void LogProbAndEntropy(ReadOnlySpan<T> parameters, ReadOnlySpan<T> actions, Span<T> logProb, Span<T> entropy, int batchSize)
    {
        LogProb(parameters, actions, logProb, batchSize);
        Entropy(parameters, entropy, batchSize);
    }

    /// <summary>kl[i] = KL(p_i ‖ q_i).</summary>
    void Kl(ReadOnlySpan<T> p, ReadOnlySpan<T> q, Span<T> kl, int batchSize);

    /// <summary>gradParameters[i] += coefficient[i] · ∂ ln π(actions[i]) / ∂ parameters[i].</summary>
    void LogProbBackward(ReadOnlySpan<T> parameters, ReadOnlySpan<T> actions, ReadOnlySpan<T> coefficient, Span<T> gradParameters, int batchSize);

    /// <summary>gradParameters[i] += coefficient[i] · ∂ H / ∂ parameters[i].</summary>
    void EntropyBackward(ReadOnlySpan<T> parameters, ReadOnlySpan<T> coefficient, Span<T> gradParameters, int batchSize);

    /// <summary>gradQ[i] += coefficient[i] · ∂ KL(p_i ‖ q_i) / ∂ q_i (p is held fixed: the old policy).</summary>
    void KlBackward(ReadOnlySpan<T> p, ReadOnlySpan<T> q, ReadOnlySpan<T> coefficient, Span<T> gradQ, int batchSize);

    /// <summary>
    /// result[i] = M(parameters[i]) · vector[i], with M the Fisher information of the distribution
    /// in its parameter space (= ∂² KL(p ‖ q) / ∂q² at q = p).
    /// </summary>
    void FisherVectorProduct(ReadOnlySpan<T> parameters, ReadOnlySpan<T> vector, Span<T> result, int batchSize);
}
