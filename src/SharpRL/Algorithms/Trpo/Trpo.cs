using SharpRL.Algorithms.Common;
using SharpRL.Common;
using SharpRL.Algorithms.Npg;
using SharpRL.Envs;
using SharpRL.Logging;
using SharpRL.Nn;

namespace SharpRL.Algorithms.Trpo;

/// <summary>
/// Trust Region Policy Optimization (Schulman et al. 2015; seeds 001 and 003):
/// max_θ E[π_θ(a|s)/π_old(a|s) · Â] subject to mean KL(π_old ‖ π_θ) ≤ δ. The NPG direction x ≈ F⁻¹g is scaled
/// to the edge of the quadratic trust region, then a backtracking line search checks the real constraint and
/// the real surrogate, and reverts to θ_old when no fraction of the step passes. The critic is fitted by its
/// own regression epochs.
/// </summary>
public sealed class Trpo : OnPolicyAlgorithm
{
    private readonly PairedWorker _worker = new("trpo-critic");
    private readonly Action _policyStep;
    private readonly Action _criticFit;
    private double _criticLearningRate;
    private double _criticResult;
    private LineSearchResult _search;
    private ConjugateGradientResult _cg;
    private readonly NaturalGradient _natural;
    private readonly ValueRegression _critic;
    private readonly float[] _gradient;
    private readonly float[] _direction;
    private readonly float[] _thetaOld;

    /// <summary>Creates a TRPO learner on <paramref name="env"/>.</summary>
    public Trpo(IVectorEnv env, TrpoOptions options, int seed = 0, MetricsLogger? logger = null)
        : base(env, options, seed, logger)
    {
        TrpoOptions = options;
        _natural = new NaturalGradient(Policy, Buffer);
        _policyStep = PolicyStep;
        _criticFit = CriticFit;
        _critic = new ValueRegression(Policy, Buffer, options.BatchSize, options.LearningRate.ValueAt(1), options.AdamEpsilon);
        _gradient = new float[_natural.ParameterCount];
        _direction = new float[_natural.ParameterCount];
        _thetaOld = new float[_natural.ParameterCount];
    }

    /// <summary>The TRPO settings.</summary>
    public TrpoOptions TrpoOptions { get; }

    /// <summary>The critic's optimiser.</summary>
    public Adam<float> CriticOptimizer => _critic.Optimizer;

    /// <summary>The shared parameter-space machinery (tests construct steps with it).</summary>
    internal NaturalGradient Natural => _natural;

    /// <inheritdoc />
    protected internal override IReadOnlyList<KeyValuePair<string, IOptimizer<float>>> Optimizers => [new("critic", _critic.Optimizer)];

    /// <inheritdoc />
    protected override void Train(double progressRemaining)
    {
        TrpoOptions o = TrpoOptions;
        _criticLearningRate = o.LearningRate.ValueAt(progressRemaining);

        // π and V share no parameters: the critic's regression runs on the worker thread while the
        // policy takes its natural-gradient step here (same result as one after the other).
        _worker.Run(_policyStep, _criticFit);
        double explainedVariance = ExplainedVariance();
        double learningRate = _criticLearningRate;
        double valueLoss = _criticResult;

        Logger.Record(MetricKeys.PolicyGradientLoss, -_search.Surrogate);
        Logger.Record(MetricKeys.Kl, _search.Kl);
        Logger.Record(MetricKeys.IsLineSearchSuccess, _search.Accepted ? 1 : 0);
        Logger.Record(MetricKeys.StepFraction, _search.StepFraction);
        Logger.Record(MetricKeys.CgResidual, _cg.ResidualNorm);
        Logger.Record(MetricKeys.ValueLoss, valueLoss);
        Logger.Record(MetricKeys.ExplainedVariance, explainedVariance);
        Logger.Record(MetricKeys.LearningRate, learningRate);
        Logger.Record(MetricKeys.NUpdates, NumUpdates);
        if (Policy.LogStd is { } logStd)
        {
            Logger.Record(MetricKeys.Std, logStd.Value.Average(v => Math.Exp(v)));
        }
    }

    /// <summary>The natural-gradient policy update on the rollout (runs on the calling thread).</summary>
    private void PolicyStep()
    {
        TrpoOptions o = TrpoOptions;
        ReadOnlySpan<float> advantage = _natural.Advantages(o.NormalizeAdvantage);

        // g = ∇θ L(θ_old), L(θ) = E[r Â] + c_e E[H], r = π_θ(a|s) / π_old(a|s)
        double surrogateOld = _natural.Surrogate(advantage, o.EntCoef, _gradient, out _);

        // x ≈ (F + λI)⁻¹ g by conjugate gradient on exact Fisher-vector products.
        _cg = _natural.SolveFisher(_gradient, _direction, o.CgDamping, o.CgMaxSteps, o.CgTolerance);

        // Largest step the quadratic model allows: ½ β² xᵀFx = δ  ⇒  β = √(2δ / xᵀFx)  (xᵀFx ≈ gᵀF⁻¹g).
        double quadratic = _natural.FisherQuadraticForm(_direction, o.CgDamping);
        double maxStep = quadratic > 0 ? Math.Sqrt(2 * o.TargetKl / quadratic) : 0;

        _search = LineSearch(advantage, _direction, maxStep, surrogateOld);
        if (_search.Accepted)
        {
            NumUpdates++;
        }
    }

    /// <summary>The critic's own regression epochs (runs on the worker thread).</summary>
    private void CriticFit() => _criticResult = _critic.Fit(TrpoOptions.NumCriticUpdates, _criticLearningRate, Random);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _worker.Dispose();
        }

        base.Dispose(disposing);
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
        ParameterVector<float> theta = _natural.PolicyVector;
        theta.CopyValuesTo(_thetaOld);
        double fraction = 1.0;
        for (int attempt = 0; attempt < o.LineSearchMaxIter; attempt++)
        {
            // θ = θ_old + f β x, set from θ_old each time so rejected tries leave no residue.
            theta.SetValues(_thetaOld);
            theta.AddScaledToValues((float)(fraction * maxStep), direction);
            double surrogate = _natural.Surrogate(advantage, o.EntCoef, default, out double kl);
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
