using SharpRL.Envs;
using SharpRL.Logging;
using SharpRL.Nn;

namespace SharpRL.Algorithms.TrustRegion;

/// <summary>
/// Trust Region Policy Optimization (Schulman et al. 2015; Poupart, "Trust Regions, Proximal Policies"; Janson, "PPO &amp; Importance Sampling"):
/// max_θ E[π_θ(a|s)/π_old(a|s) · Â] subject to mean KL(π_old ‖ π_θ) ≤ δ. The NPG direction x ≈ F⁻¹g is scaled
/// to the edge of the quadratic trust region, then a backtracking line search checks the real constraint and
/// the real surrogate, and reverts to θ_old when no fraction of the step passes. The critic is fitted by its
/// own regression epochs. The shared part of the update is <see cref="NaturalGradientAlgorithm"/>'s.
/// </summary>
public sealed class Trpo : NaturalGradientAlgorithm
{
    private readonly float[] _thetaOld;
    private LineSearchResult _search;

    /// <summary>Creates a TRPO learner on <paramref name="env"/>.</summary>
    public Trpo(IVectorEnv env, TrpoOptions options, int seed = 0, MetricsLogger? logger = null)
        : base(env, options, seed, logger, "trpo-critic")
    {
        TrpoOptions = options;
        _thetaOld = new float[Natural.ParameterCount];
    }

    /// <summary>The TRPO settings.</summary>
    public TrpoOptions TrpoOptions { get; }

    /// <inheritdoc />
    private protected override void TakeStep(ReadOnlySpan<float> advantage, ReadOnlySpan<float> direction, double maxStep, double surrogateOld)
    {
        // θ_old + β x is only the quadratic model's edge: search back along it for a step that keeps the real KL ≤ δ and improves L.
        _search = LineSearch(advantage, direction, maxStep, surrogateOld);
        if (_search.Accepted)
        {
            NumUpdates++;
        }
    }

    /// <inheritdoc />
    private protected override void RecordStepMetrics()
    {
        Logger.Record(MetricKeys.PolicyGradientLoss, -_search.Surrogate);
        Logger.Record(MetricKeys.Kl, _search.Kl);
        Logger.Record(MetricKeys.IsLineSearchSuccess, _search.Accepted ? 1 : 0);
        Logger.Record(MetricKeys.StepFraction, _search.StepFraction);
    }

    /// <summary>
    /// Backtracking line search from θ_old (the current parameters) along <paramref name="direction"/>:
    /// tries θ = θ_old + f · β · x for f = 1, s, s², … and keeps the first whose mean KL(π_old ‖ π_θ) ≤ δ and whose
    /// surrogate beats <paramref name="surrogateOld"/>. If none does, θ_old is restored exactly.
    /// </summary>
    /// <param name="advantage">Â of the rollout, as the surrogate uses it.</param>
    /// <param name="direction">x, the search direction in flat policy-parameter space.</param>
    /// <param name="maxStep">β, the length of the full step along x.</param>
    /// <param name="surrogateOld">L(θ_old), which an accepted step must exceed.</param>
    internal LineSearchResult LineSearch(ReadOnlySpan<float> advantage, ReadOnlySpan<float> direction, double maxStep, double surrogateOld)
    {
        TrpoOptions o = TrpoOptions;
        ParameterVector<float> theta = Natural.PolicyVector;
        theta.CopyValuesTo(_thetaOld);
        double fraction = 1.0;
        for (int attempt = 0; attempt < o.LineSearchMaxIter; attempt++)
        {
            // θ = θ_old + f β x, set from θ_old each time so rejected tries leave no residue.
            theta.SetValues(_thetaOld);
            theta.AddScaledToValues((float)(fraction * maxStep), direction);
            double surrogate = Natural.Surrogate(advantage, o.EntCoef, default, out double kl);
            if (kl <= o.TargetKl && surrogate > surrogateOld)
            {
                return new LineSearchResult(Accepted: true, fraction, kl, surrogate);
            }

            fraction *= o.LineSearchShrinkingFactor;
        }

        theta.SetValues(_thetaOld);
        return new LineSearchResult(Accepted: false, StepFraction: 0, Kl: 0, Surrogate: surrogateOld);
    }

    /// <summary>Outcome of one line search.</summary>
    /// <param name="Accepted">Whether a step was kept.</param>
    /// <param name="StepFraction">f of the kept step (0 when none was).</param>
    /// <param name="Kl">Mean KL(π_old ‖ π_θ) after the search (0 when θ_old was restored).</param>
    /// <param name="Surrogate">L(θ) after the search.</param>
    internal readonly record struct LineSearchResult(bool Accepted, double StepFraction, double Kl, double Surrogate);
}
