namespace SharpRL.Algorithms.TrustRegion;

/// <summary>
/// Natural policy gradient (Kakade 2001; the lecture "NPG and PPO"; Janson, "PPO &amp; Importance Sampling"): θ ← θ + η F⁻¹g with η = √(2δ / gᵀF⁻¹g),
/// the closed-form solution of max gᵀΔθ subject to ½ ΔθᵀFΔθ ≤ δ. F⁻¹g comes from conjugate gradient on
/// exact Fisher-vector products (F is never formed); there is no line search (that is TRPO). The critic is
/// fitted by its own regression epochs. The shared part of the update is <see cref="NaturalGradientAlgorithm{TOptions}"/>'s.
/// </summary>
public sealed class Npg : NaturalGradientAlgorithm<NpgOptions>
{
    /// <summary>Creates an NPG learner on <paramref name="env"/>.</summary>
    public Npg(IVectorEnv env, NpgOptions options, int seed = 0, MetricsLogger? logger = null)
        : base(env, options, seed, logger, "npg-critic")
    {
    }

    /// <inheritdoc />
    private protected override NaturalGradientStep TakeStep(ReadOnlySpan<float> direction, double maxStep, double surrogateOld)
    {
        // θ ← θ + η x,  η = √(2δ / gᵀF⁻¹g): the whole step to the edge of the quadratic trust region.
        Natural.PolicyVector.AddScaledToValues((float)maxStep, direction);
        Natural.Surrogate(Options.EntCoef, default, out double kl);
        return new NaturalGradientStep(surrogateOld, kl, LineSearch: null);
    }
}
