using System.Numerics;

namespace SharpRL.Nn;

/// <summary>
/// RMSprop as torch.optim.RMSprop computes it (not centred, no momentum): ε is added outside the square
/// root, unlike TensorFlow's variant. Defaults are SB3's A2C settings (α = 0.99, ε = 1e-5).
/// </summary>
/// <typeparam name="T">Element type of the parameters.</typeparam>
public sealed class RmsProp<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[][] _squareAverages;

    // Square averages below this are stored as zero (see SubnormalFlush): the smallest normal number where
    // that is exact, else 0. s decays by α each step without gradient and would otherwise turn subnormal after
    // a few thousand such steps.
    private readonly T _squareAverageFloor;

    /// <summary>Creates the optimiser with zero square averages.</summary>
    /// <param name="parameters">Parameters to update; the list is copied.</param>
    /// <param name="learningRate">Step size η ≥ 0.</param>
    /// <param name="alpha">Decay α of the squared-gradient average, in [0, 1).</param>
    /// <param name="epsilon">Added to √s in the denominator; ≥ 0 (torch's default is 1e-8, SB3's A2C uses 1e-5).</param>
    public RmsProp(IEnumerable<Parameter<T>> parameters, double learningRate, double alpha = 0.99, double epsilon = 1e-5)
        : base(parameters, learningRate)
    {
        Alpha = OptimizerArguments.RequireUnitInterval(alpha, nameof(alpha));
        Epsilon = OptimizerArguments.RequireEpsilon(epsilon, nameof(epsilon));
        _squareAverages = OptimizerArguments.ZeroBuffers(ParameterArray);
        _squareAverageFloor = SubnormalFlush.SecondMomentFloor<T>(Epsilon, smallestDivisor: 1.0);
    }

    /// <summary>α, decay of the squared-gradient average.</summary>
    public double Alpha { get; }

    /// <summary>ε, added to √s in the denominator.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    private protected override void Update()
    {
        T learningRate = T.CreateChecked(LearningRate);
        T alpha = T.CreateChecked(Alpha);
        T oneMinusAlpha = T.CreateChecked(1.0 - Alpha);
        T epsilon = T.CreateChecked(Epsilon);
        for (int p = 0; p < ParameterArray.Length; p++)
        {
            Span<T> theta = ParameterArray[p].Value;
            ReadOnlySpan<T> g = ParameterArray[p].Gradient;
            Span<T> s = _squareAverages[p];

            // s ← α s + (1−α) g² ;  θ ← θ − η g / (√s + ε)
            // Square averages below the smallest normal number are stored as 0 (SubnormalFlush). The SIMD lanes
            // do the same correctly rounded operations as the scalar tail.
            int i = 0;
            if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
            {
                Vector<T> alphaV = new(alpha), oneMinusAlphaV = new(oneMinusAlpha), learningRateV = new(learningRate), epsilonV = new(epsilon);
                Vector<T> squareAverageFloorV = new(_squareAverageFloor);
                for (; i <= theta.Length - Vector<T>.Count; i += Vector<T>.Count)
                {
                    Vector<T> gi = new(g[i..]);
                    Vector<T> si = SubnormalFlush.Flush((alphaV * new Vector<T>(s[i..])) + (oneMinusAlphaV * gi * gi), squareAverageFloorV);
                    (new Vector<T>(theta[i..]) - (learningRateV * (gi / (Vector.SquareRoot(si) + epsilonV)))).CopyTo(theta[i..]);
                    si.CopyTo(s[i..]);
                }
            }

            for (; i < theta.Length; i++)
            {
                s[i] = SubnormalFlush.Flush((alpha * s[i]) + (oneMinusAlpha * g[i] * g[i]), _squareAverageFloor);
                theta[i] -= learningRate * (g[i] / (T.Sqrt(s[i]) + epsilon));
            }
        }
    }

    /// <inheritdoc />
    public override OptimizerState<T> SaveState() => OptimizerState<T>.Snapshot(StepCount, ("square_avg", _squareAverages));

    /// <inheritdoc />
    private protected override void RestoreBuffers(OptimizerState<T> state)
    {
        state.RestoreInto(nameof(RmsProp<>), ("square_avg", _squareAverages));
    }
}
