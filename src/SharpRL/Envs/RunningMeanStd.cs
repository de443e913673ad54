using System.Numerics;

namespace SharpRL.Envs;

/// <summary>
/// Snapshot of a <see cref="RunningMeanStd"/> for checkpoints: per-component mean and
/// (population) variance, and the number of samples they summarise.
/// </summary>
/// <param name="Mean">Per-component running mean.</param>
/// <param name="Variance">Per-component running population variance.</param>
/// <param name="Count">Number of samples seen, including the initial pseudo-count ε.</param>
public sealed record RunningMeanStdState(double[] Mean, double[] Variance, double Count);

/// <summary>
/// Running per-component mean and variance of a stream of vectors, updated a batch at a time
/// with the parallel-variance combination of Chan, Golub and LeVeque (as in Stable-Baselines3's
/// and Gymnasium's RunningMeanStd). Starts at mean 0, variance 1, count ε = 1e-4, so the first
/// normalisations are nearly the identity instead of a division by zero.
/// Statistics are kept in float64 whatever the sample type. While <see cref="Frozen"/>,
/// <see cref="Update(ReadOnlySpan{float})"/> leaves the statistics unchanged (evaluation).
/// </summary>
public sealed class RunningMeanStd
{
    /// <summary>The pseudo-count the statistics start with.</summary>
    public const double InitialCount = 1e-4;

    private readonly double[] _mean;
    private readonly double[] _variance;
    private readonly double[] _batchMean;
    private readonly double[] _batchVariance;

    /// <summary>Creates statistics for vectors of <paramref name="size"/> components.</summary>
    public RunningMeanStd(int size)
    {
        if (size <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "size must be positive (the number of components of one sample).");
        }

        Size = size;
        _mean = new double[size];
        _variance = new double[size];
        _batchMean = new double[size];
        _batchVariance = new double[size];
        _variance.AsSpan().Fill(1.0);
        Count = InitialCount;
    }

    /// <summary>Number of components of one sample.</summary>
    public int Size { get; }

    /// <summary>Per-component running mean.</summary>
    public ReadOnlySpan<double> Mean => _mean;

    /// <summary>Per-component running population variance.</summary>
    public ReadOnlySpan<double> Variance => _variance;

    /// <summary>Number of samples summarised (starts at <see cref="InitialCount"/>).</summary>
    public double Count { get; private set; }

    /// <summary>When true, updates are ignored: the statistics are used but not changed (evaluation).</summary>
    public bool Frozen { get; set; }

    /// <summary>Adds a batch of samples, row-major [batch × <see cref="Size"/>] (a no-op while <see cref="Frozen"/>).</summary>
    public void Update(ReadOnlySpan<float> batch) => UpdateBatch(batch);

    /// <summary>Adds a batch of samples, row-major [batch × <see cref="Size"/>] (a no-op while <see cref="Frozen"/>).</summary>
    public void Update(ReadOnlySpan<double> batch) => UpdateBatch(batch);

    /// <summary>
    /// Writes <c>clamp((x − μ) / sqrt(σ² + ε), −clip, clip)</c> for each row of <paramref name="values"/>
    /// into <paramref name="normalized"/> (may be the same memory).
    /// </summary>
    /// <param name="values">Raw samples, row-major [rows × <see cref="Size"/>].</param>
    /// <param name="normalized">Destination, same length.</param>
    /// <param name="clip">Bound on |result|; positive infinity for none.</param>
    /// <param name="epsilon">Added to the variance before the square root.</param>
    public void Normalize(ReadOnlySpan<float> values, Span<float> normalized, double clip, double epsilon)
    {
        int rows = CheckBatch(values.Length, nameof(values));
        CheckDestination(values.Length, normalized.Length, nameof(normalized));
        CheckClipAndEpsilon(clip, epsilon);
        for (int row = 0; row < rows; row++)
        {
            int offset = row * Size;
            for (int j = 0; j < Size; j++)
            {
                double z = (values[offset + j] - _mean[j]) / Math.Sqrt(_variance[j] + epsilon);
                normalized[offset + j] = (float)Math.Clamp(z, -clip, clip);
            }
        }
    }

    /// <summary>
    /// Inverse of <see cref="Normalize"/> (exact for values that were not clipped):
    /// writes <c>μ + z·sqrt(σ² + ε)</c> for each row of <paramref name="normalized"/> into <paramref name="values"/>.
    /// </summary>
    public void Unnormalize(ReadOnlySpan<float> normalized, Span<float> values, double epsilon)
    {
        CheckBatch(normalized.Length, nameof(normalized));
        CheckDestination(normalized.Length, values.Length, nameof(values));
        CheckClipAndEpsilon(double.PositiveInfinity, epsilon);
        for (int i = 0; i < normalized.Length; i++)
        {
            int j = i % Size;
            values[i] = (float)(_mean[j] + (normalized[i] * Math.Sqrt(_variance[j] + epsilon)));
        }
    }

    /// <summary>Copies the statistics (not the <see cref="Frozen"/> flag) for a checkpoint.</summary>
    public RunningMeanStdState GetState() => new((double[])_mean.Clone(), (double[])_variance.Clone(), Count);

    /// <summary>Restores statistics saved by <see cref="GetState"/> (the <see cref="Frozen"/> flag is left as is).</summary>
    public void SetState(RunningMeanStdState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Mean is null || state.Mean.Length != Size)
        {
            throw new ArgumentException($"state.Mean must have {Size} components; got {state.Mean?.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}.", nameof(state));
        }

        if (state.Variance is null || state.Variance.Length != Size)
        {
            throw new ArgumentException($"state.Variance must have {Size} components; got {state.Variance?.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}.", nameof(state));
        }

        if (!(state.Count > 0) || double.IsInfinity(state.Count))
        {
            throw new ArgumentException($"state.Count must be positive and finite; got {state.Count}.", nameof(state));
        }

        foreach (double v in state.Variance)
        {
            if (!(v >= 0) || double.IsInfinity(v))
            {
                throw new ArgumentException($"state.Variance must be non-negative and finite; got {v}.", nameof(state));
            }
        }

        foreach (double m in state.Mean)
        {
            if (!double.IsFinite(m))
            {
                throw new ArgumentException($"state.Mean must be finite; got {m}.", nameof(state));
            }
        }

        state.Mean.CopyTo(_mean, 0);
        state.Variance.CopyTo(_variance, 0);
        Count = state.Count;
    }

    /// <summary>Copies the statistics of <paramref name="other"/> (e.g. training → evaluation env); the <see cref="Frozen"/> flag is left as is.</summary>
    public void CopyFrom(RunningMeanStd other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Size != Size)
        {
            throw new ArgumentException($"other.Size must be {Size}; got {other.Size}.", nameof(other));
        }

        other._mean.CopyTo(_mean, 0);
        other._variance.CopyTo(_variance, 0);
        Count = other.Count;
    }

    private void UpdateBatch<T>(ReadOnlySpan<T> batch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int batchCount = CheckBatch(batch.Length, nameof(batch));
        if (Frozen || batchCount == 0)
        {
            return;
        }

        _batchMean.AsSpan().Clear();
        _batchVariance.AsSpan().Clear();
        for (int row = 0; row < batchCount; row++)
        {
            ReadOnlySpan<T> sample = batch.Slice(row * Size, Size);
            for (int j = 0; j < Size; j++)
            {
                _batchMean[j] += double.CreateTruncating(sample[j]);
            }
        }

        for (int j = 0; j < Size; j++)
        {
            _batchMean[j] /= batchCount;
        }

        // Two passes (mean, then squared deviations) keep the batch variance accurate when |mean| ≫ std.
        for (int row = 0; row < batchCount; row++)
        {
            ReadOnlySpan<T> sample = batch.Slice(row * Size, Size);
            for (int j = 0; j < Size; j++)
            {
                double deviation = double.CreateTruncating(sample[j]) - _batchMean[j];
                _batchVariance[j] += deviation * deviation;
            }
        }

        for (int j = 0; j < Size; j++)
        {
            _batchVariance[j] /= batchCount;
        }

        Combine(batchCount);
    }

    // Chan et al.: with δ = μ_B − μ_A and n = n_A + n_B,
    //   μ  = μ_A + δ·n_B/n
    //   σ² = (n_A·σ²_A + n_B·σ²_B + δ²·n_A·n_B/n) / n
    private void Combine(int batchCount)
    {
        double countA = Count;
        double countB = batchCount;
        double total = countA + countB;
        for (int j = 0; j < Size; j++)
        {
            double delta = _batchMean[j] - _mean[j];
            _mean[j] += delta * countB / total;
            double m2 = (_variance[j] * countA) + (_batchVariance[j] * countB) + (delta * delta * countA * countB / total);
            _variance[j] = m2 / total;
        }

        Count = total;
    }

    private int CheckBatch(int length, string paramName)
    {
        if (length % Size != 0)
        {
            throw new ArgumentException($"{paramName} must hold whole samples of {Size} components (row-major [batch × {Size}]); got {length} values.", paramName);
        }

        return length / Size;
    }

    private static void CheckDestination(int expected, int actual, string paramName)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{paramName} must have the same length as the input ({expected}); got {actual}.", paramName);
        }
    }

    /// <summary>Checks a normaliser's clip (positive, or +∞ for none) and ε (finite, ≥ 0).</summary>
    internal static void CheckClipAndEpsilon(double clip, double epsilon)
    {
        if (!(clip > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(clip), clip, "clip must be positive (double.PositiveInfinity for no clipping).");
        }

        if (!(epsilon >= 0) || double.IsInfinity(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be non-negative and finite.");
        }
    }
}
