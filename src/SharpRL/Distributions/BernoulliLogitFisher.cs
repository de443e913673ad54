using System.Numerics;

namespace SharpRL.Distributions;

/// <summary>
/// The 1-D natural-gradient example of the NPG lecture: p_θ = (σ(θ), 1 − σ(θ)) seen as a
/// 2-category <see cref="Categorical{T}"/> with logits z(θ) = (θ, 0).
/// </summary>
public static class BernoulliLogitFisher
{
    /// <summary>
    /// The Fisher information f(θ) = Jᵀ M J, with M = diag(p) − p pᵀ the categorical Fisher in logit space
    /// (from <see cref="Categorical{T}.FisherVectorProduct"/>) and J = ∂z/∂θ = (1, 0)ᵀ.
    /// </summary>
    /// <remarks>
    /// By hand, Jᵀ M J = p₁ − p₁² = σ(θ)(1 − σ(θ)) = e^θ/(1 + e^θ)²: it vanishes as θ → ±∞, which is why
    /// the natural gradient g′(θ)/f(θ) keeps its speed where plain gradient ascent stalls.
    /// </remarks>
    /// <param name="theta">The scalar policy parameter θ; must be finite.</param>
    public static T Information<T>(T theta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> logits = [theta, T.Zero];
        ReadOnlySpan<T> jacobianColumn = [T.One, T.Zero];
        Span<T> fisherTimesJacobian = stackalloc T[2];
        Cache<T>.Distribution.FisherVectorProduct(logits, jacobianColumn, fisherTimesJacobian, batchSize: 1);

        // Jᵀ (M J) with J = (1, 0)ᵀ picks the first component.
        return fisherTimesJacobian[0];
    }

    private static class Cache<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static readonly Categorical<T> Distribution = new(2);
    }
}
