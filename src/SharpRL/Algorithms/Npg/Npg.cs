using SharpRL.Algorithms.Common;
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
    protected override void Train(double progressRemaining)
    {
        NpgOptions o = NpgOptions;
        ReadOnlySpan<float> advantage = _natural.Advantages(o.NormalizeAdvantage);

        // g = ∇θ L(θ_old), L(θ) = E[π_θ(a|s)/π_old(a|s) · Â] + c_e E[H]; at θ_old this is E[∇ ln π · Â] + c_e ∇H.
        double surrogate = _natural.Surrogate(advantage, o.EntCoef, _gradient, out _);

        // x ≈ (F + λI)⁻¹ g by conjugate gradient on exact Fisher-vector products.
        ConjugateGradientResult cg = _natural.SolveFisher(_gradient, _direction, o.CgDamping, o.CgMaxSteps, o.CgTolerance);

        // θ ← θ + η x,  η = √(2δ / gᵀF⁻¹g). xᵀ(F + λI)x stands in for gᵀF⁻¹g: equal once CG has converged,
        // and the step's own quadratic form when it has not, so ½ ΔθᵀFΔθ ≤ δ holds either way.
        double quadratic = _natural.FisherQuadraticForm(_direction, o.CgDamping);
        double eta = quadratic > 0 ? Math.Sqrt(2 * o.TargetKl / quadratic) : 0;
        _natural.PolicyVector.AddScaledToValues((float)eta, _direction);
        NumUpdates++;

        _natural.Surrogate(advantage, o.EntCoef, default, out double kl);
        double explainedVariance = ExplainedVariance();
        double learningRate = o.LearningRate.ValueAt(progressRemaining);
        double valueLoss = _critic.Fit(o.NumCriticUpdates, learningRate, Random);

        Logger.Record(MetricKeys.PolicyGradientLoss, -surrogate);
        Logger.Record(MetricKeys.Kl, kl);
        Logger.Record(MetricKeys.CgResidual, cg.ResidualNorm);
        Logger.Record(MetricKeys.ValueLoss, valueLoss);
        Logger.Record(MetricKeys.ExplainedVariance, explainedVariance);
        Logger.Record(MetricKeys.LearningRate, learningRate);
        Logger.Record(MetricKeys.NUpdates, NumUpdates);
        if (Policy.LogStd is { } logStd)
        {
            Logger.Record(MetricKeys.Std, logStd.Value.Average(v => Math.Exp(v)));
        }
    }
}
