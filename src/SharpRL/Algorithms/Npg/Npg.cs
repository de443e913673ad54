using SharpRL.Algorithms.Common;
using SharpRL.Common;
using SharpRL.Envs;
using SharpRL.Logging;
using SharpRL.Nn;

namespace SharpRL.Algorithms.Npg;

/// <summary>
/// Natural policy gradient (Kakade 2001; seeds 000 and 003): θ ← θ + η F⁻¹g with η = √(2δ / gᵀF⁻¹g),
/// the closed-form solution of max gᵀΔθ subject to ½ ΔθᵀFΔθ ≤ δ. F⁻¹g comes from conjugate gradient on
/// exact Fisher-vector products (F is never formed); there is no line search (that is TRPO). The critic is
/// fitted by its own regression epochs.
/// </summary>
public sealed class Npg : OnPolicyAlgorithm
{
    private readonly PairedWorker _worker = new("npg-critic");
    private readonly Action _policyStep;
    private readonly Action _criticFit;
    private double _criticLearningRate;
    private double _criticResult;
    private double _surrogate;
    private double _kl;
    private ConjugateGradientResult _cg;
    private readonly NaturalGradient _natural;
    private readonly ValueRegression _critic;
    private readonly float[] _gradient;
    private readonly float[] _direction;

    /// <summary>Creates an NPG learner on <paramref name="env"/>.</summary>
    public Npg(IVectorEnv env, NpgOptions options, int seed = 0, MetricsLogger? logger = null)
        : base(env, options, seed, logger)
    {
        NpgOptions = options;
        _natural = new NaturalGradient(Policy, Buffer);
        _policyStep = PolicyStep;
        _criticFit = CriticFit;
        _critic = new ValueRegression(Policy, Buffer, options.BatchSize, options.LearningRate.ValueAt(1), options.AdamEpsilon);
        _gradient = new float[_natural.ParameterCount];
        _direction = new float[_natural.ParameterCount];
    }

    /// <summary>The NPG settings.</summary>
    public NpgOptions NpgOptions { get; }

    /// <summary>The critic's optimiser.</summary>
    public Adam<float> CriticOptimizer => _critic.Optimizer;

    /// <summary>The shared parameter-space machinery (tests inspect it).</summary>
    internal NaturalGradient Natural => _natural;

    /// <inheritdoc />
    protected internal override IReadOnlyList<KeyValuePair<string, IOptimizer<float>>> Optimizers => [new("critic", _critic.Optimizer)];

    /// <inheritdoc />
    protected override void Train(double progressRemaining)
    {
        NpgOptions o = NpgOptions;
        _criticLearningRate = o.LearningRate.ValueAt(progressRemaining);

        // π and V share no parameters: the critic's regression runs on the worker thread while the
        // policy takes its natural-gradient step here (same result as one after the other).
        _worker.Run(_policyStep, _criticFit);
        double explainedVariance = ExplainedVariance();
        double learningRate = _criticLearningRate;
        double valueLoss = _criticResult;

        Logger.Record(MetricKeys.PolicyGradientLoss, -_surrogate);
        Logger.Record(MetricKeys.Kl, _kl);
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
        NpgOptions o = NpgOptions;
        ReadOnlySpan<float> advantage = _natural.Advantages(o.NormalizeAdvantage);

        // g = ∇θ L(θ_old), L(θ) = E[π_θ(a|s)/π_old(a|s) · Â] + c_e E[H]; at θ_old this is E[∇ ln π · Â] + c_e ∇H.
        _surrogate = _natural.Surrogate(advantage, o.EntCoef, _gradient, out _);

        // x ≈ (F + λI)⁻¹ g by conjugate gradient on exact Fisher-vector products.
        _cg = _natural.SolveFisher(_gradient, _direction, o.CgDamping, o.CgMaxSteps, o.CgTolerance);

        // θ ← θ + η x,  η = √(2δ / gᵀF⁻¹g). xᵀ(F + λI)x stands in for gᵀF⁻¹g: equal once CG has converged,
        // and the step's own quadratic form when it has not, so ½ ΔθᵀFΔθ ≤ δ holds either way.
        double quadratic = _natural.FisherQuadraticForm(_direction, o.CgDamping);
        double eta = quadratic > 0 ? Math.Sqrt(2 * o.TargetKl / quadratic) : 0;
        _natural.PolicyVector.AddScaledToValues((float)eta, _direction);
        NumUpdates++;

        _natural.Surrogate(advantage, o.EntCoef, default, out _kl);
    }

    /// <summary>The critic's own regression epochs (runs on the worker thread).</summary>
    private void CriticFit() => _criticResult = _critic.Fit(NpgOptions.NumCriticUpdates, _criticLearningRate, Random);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _worker.Dispose();
        }

        base.Dispose(disposing);
    }
}
