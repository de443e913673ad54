using System.Numerics;

namespace SharpRL.Distributions;

/// <summary>
/// Argument checks shared by the distributions. Buffers may be longer than needed (callers grow
/// them only when the batch grows), so lengths are checked as "at least rows × width".
/// </summary>
internal static class DistributionArguments
{
    public static void CheckBatchSize(int batchSize)
    {
        if (batchSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize must be non-negative; got {batchSize}.");
        }
    }

    public static void CheckLength(int length, int batchSize, int width, string widthName, string argumentName)
    {
        long expected = (long)batchSize * width;
        if (length < expected)
        {
            throw new ArgumentException(
                $"{argumentName} has {length} elements; expected at least {expected} (batchSize {batchSize} × {widthName} {width}).",
                argumentName);
        }
    }

    /// <summary>One value per row (an entropy, a KL, a coefficient).</summary>
    public static void CheckPerRow(int length, int batchSize, string argumentName)
        => CheckLength(length, batchSize, 1, "values per row", argumentName);

    /// <summary>A distribution's parameters: a valid batch size, rows of <paramref name="parameterSize"/> values, all finite.</summary>
    public static void CheckParameters<T>(ReadOnlySpan<T> parameters, int batchSize, int parameterSize, string argumentName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckBatchSize(batchSize);
        CheckLength(parameters.Length, batchSize, parameterSize, "ParameterSize", argumentName);
        CheckFinite(parameters, batchSize, parameterSize, argumentName);
    }

    /// <summary>The parameters of both distributions of KL(p‖q).</summary>
    public static void CheckKl<T>(ReadOnlySpan<T> p, ReadOnlySpan<T> q, int batchSize, int parameterSize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckParameters(p, batchSize, parameterSize, nameof(p));
        CheckParameters(q, batchSize, parameterSize, nameof(q));
    }

    /// <summary>A KL backward's arguments: both distributions, one coefficient per row and ∂/∂q rows ("gradQ").</summary>
    public static void CheckKlBackward<T>(ReadOnlySpan<T> p, ReadOnlySpan<T> q, int coefficientLength, int gradientLength, int batchSize, int parameterSize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckKl(p, q, batchSize, parameterSize);
        CheckBackward(coefficientLength, gradientLength, batchSize, parameterSize, "gradQ");
    }

    /// <summary>A backward's one coefficient per row and its gradient rows of <paramref name="parameterSize"/> values.</summary>
    public static void CheckBackward(int coefficientLength, int gradientLength, int batchSize, int parameterSize, string gradientName)
    {
        CheckPerRow(coefficientLength, batchSize, "coefficient");
        CheckLength(gradientLength, batchSize, parameterSize, "ParameterSize", gradientName);
    }

    /// <summary>Rejects NaN and ±∞: a non-finite logit, mean or log-std is always an upstream bug
    /// (exploded weights, a bad observation), and letting it through only moves the NaN elsewhere.</summary>
    public static void CheckFinite<T>(ReadOnlySpan<T> values, int batchSize, int width, string argumentName)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int count = batchSize * width;
        for (int index = 0; index < count; index++)
        {
            if (!T.IsFinite(values[index]))
            {
                throw new ArgumentException(
                    $"{argumentName} row {index / width}, column {index % width} is {values[index]}; expected a finite number.",
                    argumentName);
            }
        }
    }

    public static int PositiveSize(int size, string argumentName)
    {
        if (size <= 0)
        {
            throw new ArgumentOutOfRangeException(argumentName, size, $"{argumentName} must be positive; got {size}.");
        }

        return size;
    }
}
