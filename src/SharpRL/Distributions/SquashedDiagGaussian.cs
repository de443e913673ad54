using System.Numerics;

namespace SharpRL.Distributions;

/// <summary>
/// The tanh-squashed diagonal Gaussian of SAC (Haarnoja et al., 2018, appendix C): u ~ N(μ, diag σ²),
/// a = tanh(u) ∈ (−1, 1)^d. By the change of variables,
/// ln π(a) = Σ_j [ln N(u_j; μ_j, σ_j) − ln(1 − tanh² u_j)].
/// </summary>
/// <remarks>
/// ln(1 − tanh² u) is computed as 2(ln 2 − u − softplus(−2u)), exact algebra (1 − tanh² u = 4e^{−2u}/(1 + e^{−2u})²)
/// that stays finite for any u, where the literal form gives ln 0 = −∞ once tanh u rounds to ±1 (|u| ≳ 9 in float32).
/// SB3 instead writes ln(1 − a² + 1e-6), which caps the correction at ln 1e-6 and biases it near the bounds.
/// </remarks>
public static class SquashedDiagGaussian
{
    /// <summary>ln(1 − tanh² u) = 2(ln 2 − u − softplus(−2u)); its derivative is −2 tanh u.</summary>
    public static T LogOneMinusTanhSquared<T>(T u)
        where T : IFloatingPointIeee754<T>
        => T.CreateChecked(2) * (T.CreateChecked(Math.Log(2)) - u - Softplus(-T.CreateChecked(2) * u));

    /// <summary>softplus(x) = ln(1 + eˣ), without overflow for large x.</summary>
    public static T Softplus<T>(T x)
        where T : IFloatingPointIeee754<T>
        => x > T.Zero ? x + T.LogP1(T.Exp(-x)) : T.LogP1(T.Exp(x));

    /// <summary>
    /// ln π(a) for the pre-squash value u = atanh(a) of one action:
    /// Σ_j [−(u_j − μ_j)²/(2σ_j²) − ln σ_j − ½ ln 2π − ln(1 − tanh² u_j)].
    /// </summary>
    public static T LogProb<T>(ReadOnlySpan<T> mean, ReadOnlySpan<T> logStd, ReadOnlySpan<T> preTanh)
        where T : IFloatingPointIeee754<T>
    {
        if (mean.Length != logStd.Length || mean.Length != preTanh.Length)
        {
            throw new ArgumentException($"mean, logStd and preTanh must have equal lengths; got {mean.Length}, {logStd.Length}, {preTanh.Length}.");
        }

        T halfLogTwoPi = T.CreateChecked(0.5 * Math.Log(2 * Math.PI));
        T half = T.CreateChecked(0.5);
        T sum = T.Zero;
        for (int j = 0; j < mean.Length; j++)
        {
            T standardized = (preTanh[j] - mean[j]) * T.Exp(-logStd[j]);
            sum += -(half * standardized * standardized) - logStd[j] - halfLogTwoPi - LogOneMinusTanhSquared(preTanh[j]);
        }

        return sum;
    }
}
