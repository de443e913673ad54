using SharpRL.Distributions;

namespace SharpRL.Tests.Distributions;

/// <summary>The three distributions on small random inputs, and the finite-difference machinery the tests share.</summary>
internal static class DistributionTestSupport
{
    public const string Categorical = "Categorical";
    public const string MultiCategorical = "MultiCategorical";
    public const string DiagGaussian = "DiagGaussian";

    public static TheoryData<string> Names => [Categorical, MultiCategorical, DiagGaussian];

    public static IDistribution<double> Create(string name) => name switch
    {
        Categorical => new Categorical<double>(4),
        MultiCategorical => new MultiCategorical<double>([3, 2, 4]),
        DiagGaussian => new DiagGaussian<double>(3),
        _ => throw new ArgumentException($"Unknown distribution '{name}'.", nameof(name)),
    };

    /// <summary>Logits in [−2, 2]; Gaussian means in [−2, 2] and log-stds in [−1, 0.5].</summary>
    public static double[] RandomParameters(IDistribution<double> distribution, int batchSize, Random random)
    {
        double[] parameters = new double[batchSize * distribution.ParameterSize];
        for (int index = 0; index < parameters.Length; index++)
        {
            parameters[index] = (4 * random.NextDouble()) - 2;
        }

        if (distribution is DiagGaussian<double> gaussian)
        {
            int d = gaussian.ActionDimension;
            for (int i = 0; i < batchSize; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    parameters[(i * 2 * d) + d + j] = (1.5 * random.NextDouble()) - 1;
                }
            }
        }

        return parameters;
    }

    public static double[] SampleActions(IDistribution<double> distribution, double[] parameters, int batchSize, Random random)
    {
        double[] actions = new double[batchSize * distribution.ActionSize];
        distribution.Sample(parameters, actions, batchSize, random);
        return actions;
    }

    /// <summary>One row repeated <paramref name="copies"/> times: a batch for Monte-Carlo estimates.</summary>
    public static TValue[] Repeat<TValue>(ReadOnlySpan<TValue> row, int copies)
    {
        TValue[] rows = new TValue[row.Length * copies];
        for (int i = 0; i < copies; i++)
        {
            row.CopyTo(rows.AsSpan(i * row.Length));
        }

        return rows;
    }

    /// <summary>Central differences (f(x + h e_k) − f(x − h e_k)) / 2h: truncation error O(h²).</summary>
    public static double[] Gradient(double[] x, Func<double[], double> f, double step = 1e-6)
    {
        double[] gradient = new double[x.Length];
        for (int k = 0; k < x.Length; k++)
        {
            double saved = x[k];
            x[k] = saved + step;
            double plus = f(x);
            x[k] = saved - step;
            double minus = f(x);
            x[k] = saved;
            gradient[k] = (plus - minus) / (2 * step);
        }

        return gradient;
    }

    public static double Sum(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double value in values)
        {
            sum += value;
        }

        return sum;
    }

    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int k = 0; k < a.Length; k++)
        {
            sum += a[k] * b[k];
        }

        return sum;
    }

    /// <summary>Asserts |actual − expected| ≤ absolute + relative·|expected| element-wise.</summary>
    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double absolute, double relative = 0)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int k = 0; k < expected.Length; k++)
        {
            double tolerance = absolute + (relative * Math.Abs(expected[k]));
            Assert.True(
                Math.Abs(actual[k] - expected[k]) <= tolerance,
                $"Element {k}: expected {expected[k]:R}, got {actual[k]:R} (|diff| {Math.Abs(actual[k] - expected[k]):E3} > tolerance {tolerance:E3}).");
        }
    }

    /// <summary>Mean and standard error of the mean.</summary>
    public static (double Mean, double StandardError) MeanAndStandardError(ReadOnlySpan<double> samples)
    {
        double mean = Sum(samples) / samples.Length;
        double squares = 0;
        foreach (double sample in samples)
        {
            squares += (sample - mean) * (sample - mean);
        }

        return (mean, Math.Sqrt(squares / (samples.Length - 1) / samples.Length));
    }
}
