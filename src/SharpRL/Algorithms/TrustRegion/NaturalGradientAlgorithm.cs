namespace SharpRL.Algorithms.TrustRegion;

/// <summary>
/// The update NPG and TRPO share (Janson, "PPO &amp; Importance Sampling"): the surrogate's gradient g at θ_old,
/// the natural direction x ≈ (F + λI)⁻¹g by conjugate gradient on exact Fisher-vector products, and the step
/// length β that puts the quadratic model of the KL at δ; the critic is fitted by its own regression epochs
/// meanwhile. What to do with the step β x is the one thing that differs (<see cref="TakeStep"/>): NPG takes it
/// whole, TRPO line-searches along it. The step's outcome comes back as a <see cref="NaturalGradientStep"/>,
/// which <see cref="Train"/> logs.
/// </summary>
/// <typeparam name="TOptions">NPG's settings or TRPO's (which derive from them).</typeparam>
public abstract class NaturalGradientAlgorithm<TOptions> : OnPolicyAlgorithm<TOptions>
    where TOptions : NpgOptions
{
    private readonly PairedWorker _worker;
    private readonly ValueRegression _critic;
    private readonly float[] _gradient;
    private readonly float[] _direction;

    /// <summary>Creates the shared machinery on <paramref name="env"/>.</summary>
    /// <param name="env">The vector env the agent learns in.</param>
    /// <param name="options">The settings.</param>
    /// <param name="seed">Seed of the run.</param>
    /// <param name="logger">Receives the metrics of every iteration.</param>
    /// <param name="workerName">Name of the thread the critic is fitted on.</param>
    private protected NaturalGradientAlgorithm(IVectorEnv env, TOptions options, int seed, MetricsLogger? logger, string workerName)
        : base(env, options, seed, logger)
    {
        _worker = new PairedWorker(workerName);
        Natural = new NaturalGradient(Policy, Buffer);
        _critic = new ValueRegression(Policy, Buffer, options.BatchSize, options.LearningRate.ValueAt(1), options.AdamEpsilon);
        _gradient = new float[Natural.ParameterCount];
        _direction = new float[Natural.ParameterCount];
    }

    /// <summary>The critic's optimiser.</summary>
    public Adam<float> CriticOptimizer => _critic.Optimizer;

    /// <summary>The shared parameter-space machinery (tests inspect it and construct steps with it).</summary>
    internal NaturalGradient Natural { get; }

    /// <inheritdoc />
    protected internal override IReadOnlyList<KeyValuePair<string, IOptimizer<float>>> Optimizers => [new("critic", _critic.Optimizer)];

    /// <inheritdoc />
    protected override void Train(double progressRemaining)
    {
        double criticLearningRate = Options.LearningRate.ValueAt(progressRemaining);

        // π and V share no parameters: the critic's regression runs on the worker thread while the
        // policy takes its natural-gradient step here (same result as one after the other).
        (NaturalGradientStep step, double criticLoss) = _worker.Run(
            (Algorithm: this, criticLearningRate),
            static s => s.Algorithm.PolicyStep(),
            static s => s.Algorithm._critic.Fit(s.Algorithm.Options.NumCriticUpdates, s.criticLearningRate, s.Algorithm.Random));
        if (step.Accepted)
        {
            NumUpdates++;
        }

        Logger.Record(MetricKeys.PolicyGradientLoss, -step.Surrogate);
        Logger.Record(MetricKeys.Kl, step.Kl);
        if (step.LineSearch is LineSearchResult search)
        {
            Logger.Record(MetricKeys.IsLineSearchSuccess, search.Accepted ? 1 : 0);
            Logger.Record(MetricKeys.StepFraction, search.StepFraction);
        }

        Logger.Record(MetricKeys.CgResidual, step.CgResidual);
        Logger.Record(MetricKeys.ValueLoss, criticLoss);
        Logger.Record(MetricKeys.ExplainedVariance, ExplainedVariance());
        Logger.Record(MetricKeys.LearningRate, criticLearningRate);
        Logger.Record(MetricKeys.NUpdates, NumUpdates);
        RecordPolicyStd();
    }

    /// <summary>
    /// Moves θ along the natural direction: θ_old + β x is the edge of the quadratic trust region.
    /// Runs on the calling thread, with θ = θ_old and the rollout gathered in <see cref="NaturalGradient.Rollout"/> on entry.
    /// </summary>
    /// <param name="direction">x ≈ (F + λI)⁻¹g, in flat policy-parameter space.</param>
    /// <param name="maxStep">β = √(2δ / xᵀ(F + λI)x), the step length along x that the quadratic model allows.</param>
    /// <param name="surrogateOld">L(θ_old).</param>
    /// <returns>The surrogate and KL after the step, and the line search when there was one (CG's residual is filled in by the caller).</returns>
    private protected abstract NaturalGradientStep TakeStep(ReadOnlySpan<float> direction, double maxStep, double surrogateOld);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _worker.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>The natural-gradient policy update on the rollout (runs on the calling thread).</summary>
    private NaturalGradientStep PolicyStep()
    {
        TOptions o = Options;
        Natural.Gather(o.NormalizeAdvantage);

        // g = ∇θ L(θ_old), L(θ) = E[r Â] + c_e E[H], r = π_θ(a|s) / π_old(a|s); at θ_old this is E[∇ ln π · Â] + c_e ∇H.
        double surrogateOld = Natural.Surrogate(o.EntCoef, _gradient, out _);

        // x ≈ (F + λI)⁻¹ g by conjugate gradient on exact Fisher-vector products.
        ConjugateGradientResult cg = Natural.SolveFisher(_gradient, _direction, o.CgDamping, o.CgMaxSteps, o.CgTolerance);

        // Largest step the quadratic model allows: ½ β² xᵀFx = δ  ⇒  β = √(2δ / xᵀFx). xᵀ(F + λI)x stands in
        // for gᵀF⁻¹g: equal once CG has converged, and the step's own quadratic form when it has not, so
        // ½ ΔθᵀFΔθ ≤ δ holds for the full step either way.
        double quadratic = Natural.FisherQuadraticForm(_direction, o.CgDamping);
        double maxStep = quadratic > 0 ? Math.Sqrt(2 * o.TargetKl / quadratic) : 0;

        return TakeStep(_direction, maxStep, surrogateOld) with { CgResidual = cg.ResidualNorm };
    }
}
