using SharpRL.Algorithms.Common;
using SharpRL.Envs;
using SharpRL.Logging;
using SharpRL.Nn;

namespace SharpRL.Algorithms.TrustRegion;

/// <summary>
/// The update NPG and TRPO share (Janson, "PPO &amp; Importance Sampling"): the surrogate's gradient g at θ_old, the natural direction
/// x ≈ (F + λI)⁻¹g by conjugate gradient on exact Fisher-vector products, and the step length β that puts
/// the quadratic model of the KL at δ; the critic is fitted by its own regression epochs meanwhile.
/// What to do with the step β x is the one thing that differs (<see cref="TakeStep"/>): NPG takes it whole,
/// TRPO line-searches along it.
/// </summary>
public abstract class NaturalGradientAlgorithm : OnPolicyAlgorithm
{
    private readonly PairedWorker _worker;
    private readonly Action _policyStep;
    private readonly Action _criticFit;
    private readonly ValueRegression _critic;
    private readonly float[] _gradient;
    private readonly float[] _direction;
    private double _criticLearningRate;
    private double _criticResult;
    private ConjugateGradientResult _cg;

    /// <summary>Creates the shared machinery on <paramref name="env"/>.</summary>
    /// <param name="env">The vector env the agent learns in.</param>
    /// <param name="options">The NPG settings (TRPO's derive from them).</param>
    /// <param name="seed">Seed of the run.</param>
    /// <param name="logger">Receives the metrics of every iteration.</param>
    /// <param name="workerName">Name of the thread the critic is fitted on.</param>
    private protected NaturalGradientAlgorithm(IVectorEnv env, NpgOptions options, int seed, MetricsLogger? logger, string workerName)
        : base(env, options, seed, logger)
    {
        NpgOptions = options;
        _worker = new PairedWorker(workerName);
        Natural = new NaturalGradient(Policy, Buffer);
        _policyStep = PolicyStep;
        _criticFit = CriticFit;
        _critic = new ValueRegression(Policy, Buffer, options.BatchSize, options.LearningRate.ValueAt(1), options.AdamEpsilon);
        _gradient = new float[Natural.ParameterCount];
        _direction = new float[Natural.ParameterCount];
    }

    /// <summary>The NPG settings (for TRPO, the part of its settings it shares with NPG).</summary>
    public NpgOptions NpgOptions { get; }

    /// <summary>The critic's optimiser.</summary>
    public Adam<float> CriticOptimizer => _critic.Optimizer;

    /// <summary>The shared parameter-space machinery (tests inspect it and construct steps with it).</summary>
    internal NaturalGradient Natural { get; }

    /// <inheritdoc />
    protected internal override IReadOnlyList<KeyValuePair<string, IOptimizer<float>>> Optimizers => [new("critic", _critic.Optimizer)];

    /// <inheritdoc />
    protected override void Train(double progressRemaining)
    {
        _criticLearningRate = NpgOptions.LearningRate.ValueAt(progressRemaining);

        // π and V share no parameters: the critic's regression runs on the worker thread while the
        // policy takes its natural-gradient step here (same result as one after the other).
        _worker.Run(_policyStep, _criticFit);
        double explainedVariance = ExplainedVariance();

        RecordStepMetrics();
        Logger.Record(MetricKeys.CgResidual, _cg.ResidualNorm);
        Logger.Record(MetricKeys.ValueLoss, _criticResult);
        Logger.Record(MetricKeys.ExplainedVariance, explainedVariance);
        Logger.Record(MetricKeys.LearningRate, _criticLearningRate);
        Logger.Record(MetricKeys.NUpdates, NumUpdates);
        RecordPolicyStd();
    }

    /// <summary>
    /// Moves θ along the natural direction: θ_old + β x is the edge of the quadratic trust region.
    /// Runs on the calling thread, with θ = θ_old on entry.
    /// </summary>
    /// <param name="advantage">Â of the rollout, as the surrogate uses it.</param>
    /// <param name="direction">x ≈ (F + λI)⁻¹g, in flat policy-parameter space.</param>
    /// <param name="maxStep">β = √(2δ / xᵀ(F + λI)x), the step length along x that the quadratic model allows.</param>
    /// <param name="surrogateOld">L(θ_old).</param>
    private protected abstract void TakeStep(ReadOnlySpan<float> advantage, ReadOnlySpan<float> direction, double maxStep, double surrogateOld);

    /// <summary>Records the metrics of the step <see cref="TakeStep"/> took (before the shared ones).</summary>
    private protected abstract void RecordStepMetrics();

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
    private void PolicyStep()
    {
        NpgOptions o = NpgOptions;
        ReadOnlySpan<float> advantage = Natural.Advantages(o.NormalizeAdvantage);

        // g = ∇θ L(θ_old), L(θ) = E[r Â] + c_e E[H], r = π_θ(a|s) / π_old(a|s); at θ_old this is E[∇ ln π · Â] + c_e ∇H.
        double surrogateOld = Natural.Surrogate(advantage, o.EntCoef, _gradient, out _);

        // x ≈ (F + λI)⁻¹ g by conjugate gradient on exact Fisher-vector products.
        _cg = Natural.SolveFisher(_gradient, _direction, o.CgDamping, o.CgMaxSteps, o.CgTolerance);

        // Largest step the quadratic model allows: ½ β² xᵀFx = δ  ⇒  β = √(2δ / xᵀFx). xᵀ(F + λI)x stands in
        // for gᵀF⁻¹g: equal once CG has converged, and the step's own quadratic form when it has not, so
        // ½ ΔθᵀFΔθ ≤ δ holds for the full step either way.
        double quadratic = Natural.FisherQuadraticForm(_direction, o.CgDamping);
        double maxStep = quadratic > 0 ? Math.Sqrt(2 * o.TargetKl / quadratic) : 0;

        TakeStep(advantage, _direction, maxStep, surrogateOld);
    }

    /// <summary>The critic's own regression epochs (runs on the worker thread).</summary>
    private void CriticFit() => _criticResult = _critic.Fit(NpgOptions.NumCriticUpdates, _criticLearningRate, Random);
}
