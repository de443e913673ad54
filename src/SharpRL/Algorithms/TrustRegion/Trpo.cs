namespace SharpRL.Algorithms.TrustRegion;

/// <summary>
/// Trust Region Policy Optimization (Schulman et al. 2015; Poupart, "Trust Regions, Proximal Policies"; Janson, "PPO &amp; Importance Sampling"):
/// max_θ E[π_θ(a|s)/π_old(a|s) · Â] subject to mean KL(π_old ‖ π_θ) ≤ δ. The NPG direction x ≈ F⁻¹g is scaled
/// to the edge of the quadratic trust region, then a backtracking line search checks the real constraint and
/// the real surrogate, and reverts to θ_old when no fraction of the step passes. The critic is fitted by its
/// own regression epochs. The shared part of the update is <see cref="NaturalGradientAlgorithm{TOptions}"/>'s.
/// </summary>
public sealed class Trpo : NaturalGradientAlgorithm<TrpoOptions>
{
    private readonly float[] _thetaOld;

    /// <summary>Creates a TRPO learner on <paramref name="env"/>.</summary>
    public Trpo(IVectorEnv env, TrpoOptions options, int seed = 0, MetricsLogger? logger = null)
        : base(env, options, seed, logger, "trpo-critic")
    {
        _thetaOld = new float[Natural.ParameterCount];
    }

    /// <inheritdoc />
    private protected override NaturalGradientStep TakeStep(ReadOnlySpan<float> direction, double maxStep, double surrogateOld)
    {
        // θ_old + β x is only the quadratic model's edge: search back along it for a step that keeps the real KL ≤ δ and improves L.
        LineSearchResult search = LineSearch(direction, maxStep, surrogateOld);
        return new NaturalGradientStep(search.Surrogate, search.Kl, search);
    }

    /// <summary>
    /// Backtracking line search from θ_old (the current parameters) along <paramref name="direction"/>:
    /// tries θ = θ_old + f · β · x for f = 1, s, s², … and keeps the first whose mean KL(π_old ‖ π_θ) ≤ δ and whose
    /// surrogate beats <paramref name="surrogateOld"/>. If none does, θ_old is restored exactly.
    /// The rollout must be gathered (<see cref="NaturalGradient.Gather"/>).
    /// </summary>
    /// <param name="direction">x, the search direction in flat policy-parameter space.</param>
    /// <param name="maxStep">β, the length of the full step along x.</param>
    /// <param name="surrogateOld">L(θ_old), which an accepted step must exceed.</param>
    internal LineSearchResult LineSearch(ReadOnlySpan<float> direction, double maxStep, double surrogateOld)
    {
        TrpoOptions o = Options;
        ParameterVector<float> theta = Natural.PolicyVector;
        theta.CopyValuesTo(_thetaOld);
        double fraction = 1.0;
        for (int attempt = 0; attempt < o.LineSearchMaxIter; attempt++)
        {
            // θ = θ_old + f β x, set from θ_old each time so rejected tries leave no residue.
            theta.SetValues(_thetaOld);
            theta.AddScaledToValues((float)(fraction * maxStep), direction);
            double surrogate = Natural.Surrogate(o.EntCoef, default, out double kl);
            if (kl <= o.TargetKl && surrogate > surrogateOld)
            {
                return new LineSearchResult(Accepted: true, fraction, kl, surrogate);
            }

            fraction *= o.LineSearchShrinkingFactor;
        }

        theta.SetValues(_thetaOld);
        return new LineSearchResult(Accepted: false, StepFraction: 0, Kl: 0, Surrogate: surrogateOld);
    }
}
