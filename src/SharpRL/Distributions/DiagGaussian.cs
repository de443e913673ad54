using System.Numerics;

namespace SharpRL.Distributions;

/// <summary>
/// A Gaussian with diagonal covariance over d-dimensional continuous actions. Each row of
/// parameters is [μ(d), s(d)] with s = ln σ, the log standard deviation (unconstrained, so any
/// real s gives a valid σ = e^s > 0). <see cref="ParameterSize"/> = 2d, <see cref="ActionSize"/> = d.
/// </summary>
/// <remarks>
/// Per dimension, ln N(a; μ, σ²) = −(a − μ)²/(2σ²) − s − ½ ln 2π; the dimensions are independent,
/// so log-prob, entropy and KL are sums over them and every gradient is per dimension.
/// 1/σ² is computed as e^(−2s), not 1/(e^s)², so no intermediate overflows first.
/// </remarks>
/// <typeparam name="T">float for training, double for finite-difference checks.</typeparam>
public sealed class DiagGaussian<T> : IDistribution<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly T Half = T.CreateChecked(0.5);
    private static readonly T Two = T.CreateChecked(2);
    private static readonly T HalfLogTwoPi = T.CreateChecked(0.5 * Math.Log(2 * Math.PI));
    private static readonly T EntropyPerDimension = T.CreateChecked(0.5 * (1 + Math.Log(2 * Math.PI)));

    /// <summary>Creates a diagonal Gaussian over <paramref name="actionDimension"/>-dimensional actions.</summary>
    /// <param name="actionDimension">Action dimension d; must be positive.</param>
    public DiagGaussian(int actionDimension)
    {
        ActionDimension = DistributionArguments.PositiveSize(actionDimension, nameof(actionDimension));
    }

    /// <summary>Action dimension d.</summary>
    public int ActionDimension { get; }

    /// <inheritdoc />
    public int ParameterSize => 2 * ActionDimension;

    /// <inheritdoc />
    public int ActionSize => ActionDimension;

    /// <inheritdoc />
    /// <remarks>
    /// a = μ + σ ε with ε ~ N(0, 1) from Box–Muller: u₁ ∈ (0, 1], u₂ ∈ [0, 1), r = √(−2 ln u₁),
    /// ε = (r cos 2πu₂, r sin 2πu₂). Both normals of a pair are used, walking the batch × d actions
    /// in row-major order; an odd count discards the last spare, so a call depends only on the
    /// Random's state and the batch shape.
    /// </remarks>
    public void Sample(ReadOnlySpan<T> parameters, Span<T> actions, int batchSize, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckParameters(parameters, batchSize);
        CheckActionsLength(actions.Length, batchSize);
        int d = ActionDimension;
        int count = batchSize * d;
        for (int index = 0; index < count; index += 2)
        {
            double radius = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble()));
            double angle = 2.0 * Math.PI * random.NextDouble();
            actions[index] = Draw(parameters, index, radius * Math.Cos(angle));
            if (index + 1 < count)
            {
                actions[index + 1] = Draw(parameters, index + 1, radius * Math.Sin(angle));
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>The mode of a Gaussian is its mean μ.</remarks>
    public void Mode(ReadOnlySpan<T> parameters, Span<T> actions, int batchSize)
    {
        CheckParameters(parameters, batchSize);
        CheckActionsLength(actions.Length, batchSize);
        int d = ActionDimension;
        for (int i = 0; i < batchSize; i++)
        {
            parameters.Slice(i * ParameterSize, d).CopyTo(actions.Slice(i * d, d));
        }
    }

    /// <inheritdoc />
    /// <remarks>ln π(a) = Σ_j −(a_j − μ_j)²/(2σ_j²) − s_j − ½ ln 2π.</remarks>
    public void LogProb(ReadOnlySpan<T> parameters, ReadOnlySpan<T> actions, Span<T> logProb, int batchSize)
    {
        CheckParameters(parameters, batchSize);
        CheckActions(actions, batchSize);
        DistributionArguments.CheckPerRow(logProb.Length, batchSize, nameof(logProb));
        int d = ActionDimension;
        for (int i = 0; i < batchSize; i++)
        {
            ReadOnlySpan<T> mean = parameters.Slice(i * ParameterSize, d);
            ReadOnlySpan<T> logStd = parameters.Slice((i * ParameterSize) + d, d);
            ReadOnlySpan<T> action = actions.Slice(i * d, d);
            T sum = T.Zero;
            for (int j = 0; j < d; j++)
            {
                T standardized = (action[j] - mean[j]) * T.Exp(-logStd[j]);
                sum -= (Half * standardized * standardized) + logStd[j] + HalfLogTwoPi;
            }

            logProb[i] = sum;
        }
    }

    /// <inheritdoc />
    /// <remarks>H = Σ_j s_j + ½ (1 + ln 2π).</remarks>
    public void Entropy(ReadOnlySpan<T> parameters, Span<T> entropy, int batchSize)
    {
        CheckParameters(parameters, batchSize);
        DistributionArguments.CheckPerRow(entropy.Length, batchSize, nameof(entropy));
        int d = ActionDimension;
        for (int i = 0; i < batchSize; i++)
        {
            ReadOnlySpan<T> logStd = parameters.Slice((i * ParameterSize) + d, d);
            T sum = T.Zero;
            for (int j = 0; j < d; j++)
            {
                sum += logStd[j] + EntropyPerDimension;
            }

            entropy[i] = sum;
        }
    }

    /// <inheritdoc />
    /// <remarks>KL(p‖q) = Σ_j s_q,j − s_p,j + (σ_p,j² + (μ_p,j − μ_q,j)²)/(2σ_q,j²) − ½.</remarks>
    public void Kl(ReadOnlySpan<T> p, ReadOnlySpan<T> q, Span<T> kl, int batchSize)
    {
        DistributionArguments.CheckKl(p, q, batchSize, ParameterSize);
        DistributionArguments.CheckPerRow(kl.Length, batchSize, nameof(kl));
        for (int i = 0; i < batchSize; i++)
        {
            // Exact KL is ≥ 0; rounding at p ≈ q can leave a tiny negative.
            kl[i] = T.Max(KlUnclamped(p, q, i), T.Zero);
        }
    }

    /// <summary>KL(p_i‖q_i) of row <paramref name="i"/> as computed, before the clamp at 0 (tests check its sign).</summary>
    internal T KlUnclamped(ReadOnlySpan<T> p, ReadOnlySpan<T> q, int i)
    {
        int d = ActionDimension;
        T sum = T.Zero;
        for (int j = 0; j < d; j++)
        {
            (T meanP, T logStdP) = (p[(i * ParameterSize) + j], p[(i * ParameterSize) + d + j]);
            (T meanQ, T logStdQ) = (q[(i * ParameterSize) + j], q[(i * ParameterSize) + d + j]);
            T meanGap = meanP - meanQ;
            T inverseVarianceQ = T.Exp(-Two * logStdQ);

            // σ_p²/σ_q² as e^(2(s_p − s_q)): stays finite when both σ are huge or tiny.
            T varianceRatio = T.Exp(Two * (logStdP - logStdQ));
            sum += logStdQ - logStdP + (Half * (varianceRatio + (meanGap * meanGap * inverseVarianceQ))) - Half;
        }

        return sum;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Per dimension ℓ = −½ (a − μ)² e^(−2s) − s − ½ ln 2π, so
    /// ∂ℓ/∂μ = (a − μ) e^(−2s) = (a − μ)/σ²  and  ∂ℓ/∂s = (a − μ)² e^(−2s) − 1 = ((a − μ)/σ)² − 1.
    /// </remarks>
    public void LogProbBackward(ReadOnlySpan<T> parameters, ReadOnlySpan<T> actions, ReadOnlySpan<T> coefficient, Span<T> gradParameters, int batchSize)
    {
        CheckParameters(parameters, batchSize);
        CheckActions(actions, batchSize);
        DistributionArguments.CheckBackward(coefficient.Length, gradParameters.Length, batchSize, ParameterSize, nameof(gradParameters));
        int d = ActionDimension;
        for (int i = 0; i < batchSize; i++)
        {
            int row = i * ParameterSize;
            for (int j = 0; j < d; j++)
            {
                T inverseStd = T.Exp(-parameters[row + d + j]);
                T standardized = (actions[(i * d) + j] - parameters[row + j]) * inverseStd;
                gradParameters[row + j] += coefficient[i] * standardized * inverseStd;
                gradParameters[row + d + j] += coefficient[i] * ((standardized * standardized) - T.One);
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>H = Σ_j s_j + const, so ∂H/∂μ = 0 and ∂H/∂s_j = 1.</remarks>
    public void EntropyBackward(ReadOnlySpan<T> parameters, ReadOnlySpan<T> coefficient, Span<T> gradParameters, int batchSize)
    {
        CheckParameters(parameters, batchSize);
        DistributionArguments.CheckBackward(coefficient.Length, gradParameters.Length, batchSize, ParameterSize, nameof(gradParameters));
        int d = ActionDimension;
        for (int i = 0; i < batchSize; i++)
        {
            Span<T> gradLogStd = gradParameters.Slice((i * ParameterSize) + d, d);
            for (int j = 0; j < d; j++)
            {
                gradLogStd[j] += coefficient[i];
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Per dimension, with p fixed, KL = s_q − s_p + ½ (σ_p² + (μ_p − μ_q)²) e^(−2 s_q) − ½, so
    /// ∂KL/∂μ_q = (μ_q − μ_p)/σ_q²  and  ∂KL/∂s_q = 1 − (σ_p² + (μ_p − μ_q)²)/σ_q².
    /// </remarks>
    public void KlBackward(ReadOnlySpan<T> p, ReadOnlySpan<T> q, ReadOnlySpan<T> coefficient, Span<T> gradQ, int batchSize)
    {
        DistributionArguments.CheckKlBackward(p, q, coefficient.Length, gradQ.Length, batchSize, ParameterSize);
        int d = ActionDimension;
        for (int i = 0; i < batchSize; i++)
        {
            int row = i * ParameterSize;
            for (int j = 0; j < d; j++)
            {
                T meanGap = q[row + j] - p[row + j];
                T inverseVarianceQ = T.Exp(-Two * q[row + d + j]);
                T varianceRatio = T.Exp(Two * (p[row + d + j] - q[row + d + j]));
                gradQ[row + j] += coefficient[i] * meanGap * inverseVarianceQ;
                gradQ[row + d + j] += coefficient[i] * (T.One - varianceRatio - (meanGap * meanGap * inverseVarianceQ));
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Differentiating the KL gradient once more and setting q = p: ∂²KL/∂μ_q² = 1/σ², ∂²KL/∂s_q² =
    /// 2 (σ_p² + (μ_p − μ_q)²)/σ_q² → 2, and the cross term −2 (μ_q − μ_p)/σ_q² → 0. So M is diagonal:
    /// 1/σ² on each mean, 2 on each log-std.
    /// </remarks>
    public void FisherVectorProduct(ReadOnlySpan<T> parameters, ReadOnlySpan<T> vector, Span<T> result, int batchSize)
    {
        CheckParameters(parameters, batchSize);
        DistributionArguments.CheckLength(vector.Length, batchSize, ParameterSize, nameof(ParameterSize), nameof(vector));
        DistributionArguments.CheckLength(result.Length, batchSize, ParameterSize, nameof(ParameterSize), nameof(result));
        int d = ActionDimension;
        for (int i = 0; i < batchSize; i++)
        {
            int row = i * ParameterSize;
            for (int j = 0; j < d; j++)
            {
                result[row + j] = T.Exp(-Two * parameters[row + d + j]) * vector[row + j];
                result[row + d + j] = Two * vector[row + d + j];
            }
        }
    }

    private T Draw(ReadOnlySpan<T> parameters, int actionIndex, double standardNormal)
    {
        int row = (actionIndex / ActionDimension) * ParameterSize;
        int j = actionIndex % ActionDimension;
        return parameters[row + j] + (T.Exp(parameters[row + ActionDimension + j]) * T.CreateChecked(standardNormal));
    }

    private void CheckParameters(ReadOnlySpan<T> parameters, int batchSize, string argumentName = "parameters")
        => DistributionArguments.CheckParameters(parameters, batchSize, ParameterSize, argumentName);

    private void CheckActions(ReadOnlySpan<T> actions, int batchSize)
    {
        CheckActionsLength(actions.Length, batchSize);
        DistributionArguments.CheckFinite(actions, batchSize, ActionSize, nameof(actions));
    }

    private void CheckActionsLength(int length, int batchSize)
        => DistributionArguments.CheckLength(length, batchSize, ActionSize, nameof(ActionSize), "actions");
}
