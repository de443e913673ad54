using System.Numerics;

namespace SharpRL.Nn;

/// <summary>
/// Adam (Kingma and Ba, 2015) with bias correction, arranged as torch.optim.Adam arranges it
/// (no weight decay, no AMSGrad). PPO uses ε = 1e-5 rather than the paper's 1e-8.
/// </summary>
/// <typeparam name="T">Element type of the parameters.</typeparam>
public sealed class Adam<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[][] _firstMoments;
    private readonly T[][] _secondMoments;

    // Second moments below this are stored as zero: the smallest normal number where that is exact, else 0
    // (flush nothing; see SubnormalFlush). First moments are always flushed.
    private readonly T _secondMomentFloor;

    /// <summary>Creates the optimiser with zero moments.</summary>
    /// <param name="parameters">Parameters to update; the list is copied.</param>
    /// <param name="learningRate">Step size α ≥ 0.</param>
    /// <param name="beta1">Decay of the first-moment average, in [0, 1).</param>
    /// <param name="beta2">Decay of the second-moment average, in [0, 1).</param>
    /// <param name="epsilon">Added to √v̂ in the denominator; ≥ 0.</param>
    public Adam(IEnumerable<Parameter<T>> parameters, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
        : base(parameters, learningRate)
    {
        Beta1 = OptimizerArguments.RequireUnitInterval(beta1, nameof(beta1));
        Beta2 = OptimizerArguments.RequireUnitInterval(beta2, nameof(beta2));
        Epsilon = OptimizerArguments.RequireEpsilon(epsilon, nameof(epsilon));
        _firstMoments = OptimizerArguments.ZeroBuffers(ParameterArray);
        _secondMoments = OptimizerArguments.ZeroBuffers(ParameterArray);
        // The smallest bias-correction divisor √(1−β₂ᵗ) is the first step's √(1−β₂).
        _secondMomentFloor = SubnormalFlush.SecondMomentFloor<T>(Epsilon, Math.Sqrt(1.0 - Beta2));
    }

    /// <summary>β₁, decay of the first-moment average.</summary>
    public double Beta1 { get; }

    /// <summary>β₂, decay of the second-moment average.</summary>
    public double Beta2 { get; }

    /// <summary>ε, added to √v̂ in the denominator.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    private protected override void Update()
    {

        // Bias corrections in double, as torch computes them from a Python float step.
        double biasCorrection1 = 1.0 - Math.Pow(Beta1, StepCount);
        double biasCorrection2 = 1.0 - Math.Pow(Beta2, StepCount);
        T stepSize = T.CreateChecked(LearningRate / biasCorrection1);
        T sqrtBiasCorrection2 = T.CreateChecked(Math.Sqrt(biasCorrection2));
        T beta1 = T.CreateChecked(Beta1);
        T beta2 = T.CreateChecked(Beta2);
        T oneMinusBeta1 = T.CreateChecked(1.0 - Beta1);
        T oneMinusBeta2 = T.CreateChecked(1.0 - Beta2);
        T epsilon = T.CreateChecked(Epsilon);
        T minNormal = SubnormalFlush.MinNormal<T>();

        for (int p = 0; p < ParameterArray.Length; p++)
        {
            Span<T> theta = ParameterArray[p].Value;
            ReadOnlySpan<T> g = ParameterArray[p].Gradient;
            Span<T> m = _firstMoments[p];
            Span<T> v = _secondMoments[p];

            // m ← β₁m + (1−β₁)g ;  v ← β₂v + (1−β₂)g²
            // θ ← θ − α/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)   (= α·m̂/(√v̂ + ε))
            // Moments below the smallest normal number are stored as 0 (SubnormalFlush says why and why θ
            // does not change). The SIMD lanes do the same correctly rounded operations as the scalar tail,
            // so the result does not depend on the vector width.
            int i = 0;
            if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
            {
                Vector<T> beta1V = new(beta1), beta2V = new(beta2), oneMinusBeta1V = new(oneMinusBeta1), oneMinusBeta2V = new(oneMinusBeta2);
                Vector<T> stepSizeV = new(stepSize), sqrtBiasCorrection2V = new(sqrtBiasCorrection2), epsilonV = new(epsilon);
                Vector<T> minNormalV = new(minNormal), secondMomentFloorV = new(_secondMomentFloor);
                for (; i <= theta.Length - Vector<T>.Count; i += Vector<T>.Count)
                {
                    Vector<T> gi = new(g[i..]);
                    Vector<T> mi = SubnormalFlush.Flush((beta1V * new Vector<T>(m[i..])) + (oneMinusBeta1V * gi), minNormalV);
                    Vector<T> vi = SubnormalFlush.Flush((beta2V * new Vector<T>(v[i..])) + (oneMinusBeta2V * gi * gi), secondMomentFloorV);
                    Vector<T> denominator = (Vector.SquareRoot(vi) / sqrtBiasCorrection2V) + epsilonV;
                    (new Vector<T>(theta[i..]) - (stepSizeV * (mi / denominator))).CopyTo(theta[i..]);
                    mi.CopyTo(m[i..]);
                    vi.CopyTo(v[i..]);
                }
            }

            for (; i < theta.Length; i++)
            {
                m[i] = SubnormalFlush.Flush((beta1 * m[i]) + (oneMinusBeta1 * g[i]), minNormal);
                v[i] = SubnormalFlush.Flush((beta2 * v[i]) + (oneMinusBeta2 * g[i] * g[i]), _secondMomentFloor);
                T denominator = (T.Sqrt(v[i]) / sqrtBiasCorrection2) + epsilon;
                theta[i] -= stepSize * (m[i] / denominator);
            }
        }
    }

    /// <inheritdoc />
    public override OptimizerState<T> SaveState()
        => OptimizerState<T>.Snapshot(StepCount, ("exp_avg", _firstMoments), ("exp_avg_sq", _secondMoments));

    /// <inheritdoc />
    private protected override void RestoreBuffers(OptimizerState<T> state)
    {
        state.RestoreInto(nameof(Adam<>), ("exp_avg", _firstMoments), ("exp_avg_sq", _secondMoments));
    }
}
