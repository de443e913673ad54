using SharpRL.Distributions;
using static SharpRL.Tests.Distributions.DistributionTestSupport;

namespace SharpRL.Tests.Distributions;

/// <summary>
/// Properties every distribution must have, checked on Categorical(4), MultiCategorical([3, 2, 4])
/// and DiagGaussian(3) in double precision on seeded random inputs.
/// </summary>
public class DistributionPropertyTests
{
    private const int BatchSize = 5;

    // Central differences with h = 1e-6: truncation ~h² ≈ 1e-12, rounding ~1e-16/h ≈ 1e-10.
    private const double GradientTolerance = 1e-7;

    // Differences of the analytic KL gradient with h = 1e-5: truncation ~1e-10, rounding ~1e-11.
    private const double HessianTolerance = 1e-7;

    private const int MonteCarloSamples = 100_000;

    // Monte-Carlo estimates must land within 5 standard errors (a false alarm once in ~3.5 million runs;
    // the seed is fixed anyway).
    private const double StandardErrors = 5;

    public static TheoryData<string> DistributionNames => Names;

    [Theory]
    [MemberData(nameof(DistributionNames))]
    public void LogProbBackward_RandomInputs_MatchesCentralDifferences(string name)
    {
        IDistribution<double> distribution = Create(name);
        var random = new Random(1);
        double[] parameters = RandomParameters(distribution, BatchSize, random);
        double[] actions = SampleActions(distribution, parameters, BatchSize, random);
        double[] coefficient = RandomCoefficients(random);
        double[] logProb = new double[BatchSize];

        double[] analytic = new double[parameters.Length];
        distribution.LogProbBackward(parameters, actions, coefficient, analytic, BatchSize);
        double[] numeric = Gradient(parameters, x =>
        {
            distribution.LogProb(x, actions, logProb, BatchSize);
            return Dot(coefficient, logProb);
        });

        AssertClose(numeric, analytic, GradientTolerance, GradientTolerance);
    }

    [Theory]
    [MemberData(nameof(DistributionNames))]
    public void EntropyBackward_RandomInputs_MatchesCentralDifferences(string name)
    {
        IDistribution<double> distribution = Create(name);
        var random = new Random(2);
        double[] parameters = RandomParameters(distribution, BatchSize, random);
        double[] coefficient = RandomCoefficients(random);
        double[] entropy = new double[BatchSize];

        double[] analytic = new double[parameters.Length];
        distribution.EntropyBackward(parameters, coefficient, analytic, BatchSize);
        double[] numeric = Gradient(parameters, x =>
        {
            distribution.Entropy(x, entropy, BatchSize);
            return Dot(coefficient, entropy);
        });

        AssertClose(numeric, analytic, GradientTolerance, GradientTolerance);
    }

    [Theory]
    [MemberData(nameof(DistributionNames))]
    public void KlBackward_RandomInputs_MatchesCentralDifferences(string name)
    {
        IDistribution<double> distribution = Create(name);
        var random = new Random(3);
        double[] p = RandomParameters(distribution, BatchSize, random);
        double[] q = RandomParameters(distribution, BatchSize, random);
        double[] coefficient = RandomCoefficients(random);
        double[] kl = new double[BatchSize];

        double[] analytic = new double[q.Length];
        distribution.KlBackward(p, q, coefficient, analytic, BatchSize);
        double[] numeric = Gradient(q, x =>
        {
            distribution.Kl(p, x, kl, BatchSize);
            return Dot(coefficient, kl);
        });

        AssertClose(numeric, analytic, GradientTolerance, GradientTolerance);
    }

    [Theory]
    [MemberData(nameof(DistributionNames))]
    public void Backwards_NonZeroGradientBuffer_AddToIt(string name)
    {
        IDistribution<double> distribution = Create(name);
        var random = new Random(4);
        double[] parameters = RandomParameters(distribution, BatchSize, random);
        double[] q = RandomParameters(distribution, BatchSize, random);
        double[] actions = SampleActions(distribution, parameters, BatchSize, random);
        double[] coefficient = RandomCoefficients(random);

        double[] separate = new double[parameters.Length];
        distribution.LogProbBackward(parameters, actions, coefficient, separate, BatchSize);
        double[] entropyPart = new double[parameters.Length];
        distribution.EntropyBackward(parameters, coefficient, entropyPart, BatchSize);
        double[] klPart = new double[parameters.Length];
        distribution.KlBackward(parameters, q, coefficient, klPart, BatchSize);

        double[] accumulated = new double[parameters.Length];
        Array.Fill(accumulated, 1.0);
        distribution.LogProbBackward(parameters, actions, coefficient, accumulated, BatchSize);
        distribution.EntropyBackward(parameters, coefficient, accumulated, BatchSize);
        distribution.KlBackward(parameters, q, coefficient, accumulated, BatchSize);

        double[] expected = new double[parameters.Length];
        for (int k = 0; k < expected.Length; k++)
        {
            expected[k] = 1 + separate[k] + entropyPart[k] + klPart[k];
        }

        AssertClose(expected, accumulated, 1e-14, 1e-14);
    }

    [Theory]
    [MemberData(nameof(DistributionNames))]
    public void FisherVectorProduct_RandomInputs_MatchesFiniteDifferenceHessianOfKl(string name)
    {
        // M = ∂²KL(p‖q)/∂q² at q = p, so M v ≈ (∇_q KL(p‖p + h v) − ∇_q KL(p‖p − h v)) / 2h.
        IDistribution<double> distribution = Create(name);
        var random = new Random(5);
        double[] p = RandomParameters(distribution, BatchSize, random);
        double[] vector = RandomParameters(distribution, BatchSize, random);
        double[] ones = Enumerable.Repeat(1.0, BatchSize).ToArray();
        const double Step = 1e-5;

        double[] plus = new double[p.Length];
        double[] minus = new double[p.Length];
        double[] gradientPlus = new double[p.Length];
        double[] gradientMinus = new double[p.Length];
        for (int k = 0; k < p.Length; k++)
        {
            plus[k] = p[k] + (Step * vector[k]);
            minus[k] = p[k] - (Step * vector[k]);
        }

        distribution.KlBackward(p, plus, ones, gradientPlus, BatchSize);
        distribution.KlBackward(p, minus, ones, gradientMinus, BatchSize);
        double[] numeric = new double[p.Length];
        for (int k = 0; k < p.Length; k++)
        {
            numeric[k] = (gradientPlus[k] - gradientMinus[k]) / (2 * Step);
        }

        double[] analytic = new double[p.Length];
        distribution.FisherVectorProduct(p, vector, analytic, BatchSize);

        AssertClose(numeric, analytic, HessianTolerance, HessianTolerance);
    }

    [Theory]
    [MemberData(nameof(DistributionNames))]
    public void Kl_SameDistribution_IsZero(string name)
    {
        IDistribution<double> distribution = Create(name);
        double[] p = RandomParameters(distribution, BatchSize, new Random(6));
        double[] kl = new double[BatchSize];

        distribution.Kl(p, p, kl, BatchSize);

        AssertClose(new double[BatchSize], kl, 1e-15);
    }

    [Theory]
    [MemberData(nameof(DistributionNames))]
    public void Kl_RandomPairs_UnclampedValueIsPositive(string name)
    {
        // Kl clamps at 0 against rounding, so its own output cannot be negative: the formula's sign is
        // checked on the value before the clamp, for pairs far enough apart that rounding cannot matter.
        IDistribution<double> distribution = Create(name);
        var random = new Random(7);
        const int Pairs = 200;
        double[] p = RandomParameters(distribution, Pairs, random);
        double[] q = RandomParameters(distribution, Pairs, random);
        double[] unclamped = UnclampedKl(distribution, p, q, Pairs);
        double[] kl = new double[Pairs];
        distribution.Kl(p, q, kl, Pairs);

        Assert.All(unclamped, value => Assert.True(value > 0, $"unclamped KL = {value}"));
        Assert.Equal(unclamped, kl);
        Assert.True(kl.Average() > 0.01, "Random pairs should be measurably apart.");
    }

    [Theory]
    [MemberData(nameof(DistributionNames))]
    public void Kl_NearbyPairs_UnclampedValueIsNonNegativeUpToRounding(string name)
    {
        // q = p + 1e-4 noise: exact KL ≈ ½ ΔᵀFΔ ~ 1e-9 > 0; a sign error or a missing term shows as a value
        // of the wrong sign far beyond the 1e-15 rounding allowance.
        IDistribution<double> distribution = Create(name);
        var random = new Random(9);
        const int Pairs = 200;
        double[] p = RandomParameters(distribution, Pairs, random);
        double[] q = [.. p.Select(x => x + (1e-4 * ((2 * random.NextDouble()) - 1)))];

        double[] unclamped = UnclampedKl(distribution, p, q, Pairs);

        Assert.All(unclamped, value => Assert.True(value >= -1e-15, $"unclamped KL = {value}"));
        Assert.True(unclamped.Average() is > 1e-12 and < 1e-6, $"mean unclamped KL {unclamped.Average()} should be tiny and positive");
    }

    private static double[] UnclampedKl(IDistribution<double> distribution, double[] p, double[] q, int pairs)
    {
        double[] kl = new double[pairs];
        int size = distribution.ParameterSize;
        for (int i = 0; i < pairs; i++)
        {
            kl[i] = distribution switch
            {
                Categorical<double> => CategoricalMath.KlUnclamped<double>(p.AsSpan(i * size, size), q.AsSpan(i * size, size)),
                MultiCategorical<double> multi => multi.KlUnclamped(p, q, i),
                DiagGaussian<double> gaussian => gaussian.KlUnclamped(p, q, i),
                _ => throw new ArgumentException($"No unclamped KL for {distribution.GetType().Name}.", nameof(distribution)),
            };
        }

        return kl;
    }

    [Theory]
    [MemberData(nameof(DistributionNames))]
    public void Kl_Analytic_MatchesMonteCarloEstimate(string name)
    {
        // KL(p‖q) = E_{a~p}[ln p(a) − ln q(a)], estimated from seeded samples of p.
        IDistribution<double> distribution = Create(name);
        var random = new Random(8);
        double[] pRow = RandomParameters(distribution, 1, random);
        double[] qRow = RandomParameters(distribution, 1, random);
        double[] analytic = new double[1];
        distribution.Kl(pRow, qRow, analytic, 1);

        double[] p = Repeat(pRow, MonteCarloSamples);
        double[] q = Repeat(qRow, MonteCarloSamples);
        double[] actions = SampleActions(distribution, p, MonteCarloSamples, random);
        double[] logP = new double[MonteCarloSamples];
        double[] logQ = new double[MonteCarloSamples];
        distribution.LogProb(p, actions, logP, MonteCarloSamples);
        distribution.LogProb(q, actions, logQ, MonteCarloSamples);
        double[] logRatio = new double[MonteCarloSamples];
        for (int i = 0; i < MonteCarloSamples; i++)
        {
            logRatio[i] = logP[i] - logQ[i];
        }

        (double estimate, double standardError) = MeanAndStandardError(logRatio);

        Assert.True(analytic[0] > 0.05, $"The pair should be measurably apart; KL = {analytic[0]}.");
        Assert.True(
            Math.Abs(estimate - analytic[0]) <= StandardErrors * standardError,
            $"Analytic KL {analytic[0]:F5}, Monte-Carlo {estimate:F5} ± {standardError:F5} (SE).");
    }

    [Theory]
    [MemberData(nameof(DistributionNames))]
    public void Entropy_Analytic_MatchesMinusMeanLogProbOfSamples(string name)
    {
        // H(p) = E_{a~p}[−ln p(a)].
        IDistribution<double> distribution = Create(name);
        var random = new Random(9);
        double[] row = RandomParameters(distribution, 1, random);
        double[] analytic = new double[1];
        distribution.Entropy(row, analytic, 1);

        double[] parameters = Repeat(row, MonteCarloSamples);
        double[] actions = SampleActions(distribution, parameters, MonteCarloSamples, random);
        double[] logProb = new double[MonteCarloSamples];
        distribution.LogProb(parameters, actions, logProb, MonteCarloSamples);
        for (int i = 0; i < MonteCarloSamples; i++)
        {
            logProb[i] = -logProb[i];
        }

        (double estimate, double standardError) = MeanAndStandardError(logProb);

        Assert.True(
            Math.Abs(estimate - analytic[0]) <= StandardErrors * standardError,
            $"Analytic entropy {analytic[0]:F5}, Monte-Carlo {estimate:F5} ± {standardError:F5} (SE).");
    }

    [Theory]
    [MemberData(nameof(DistributionNames))]
    public void Sample_SameSeed_GivesSameActions(string name)
    {
        IDistribution<double> distribution = Create(name);
        double[] parameters = RandomParameters(distribution, BatchSize, new Random(10));

        double[] first = SampleActions(distribution, parameters, BatchSize, new Random(42));
        double[] second = SampleActions(distribution, parameters, BatchSize, new Random(42));

        Assert.Equal(first, second);
    }

    [Theory]
    [MemberData(nameof(DistributionNames))]
    public void Methods_ShortSpans_ThrowNamingArgumentAndExpectedLength(string name)
    {
        IDistribution<double> distribution = Create(name);
        var random = new Random(11);
        double[] parameters = RandomParameters(distribution, BatchSize, random);
        double[] actions = SampleActions(distribution, parameters, BatchSize, random);
        double[] perRow = new double[BatchSize];
        double[] grad = new double[parameters.Length];
        double[] shortParameters = parameters[..^1];
        string expectedParameters = $"expected at least {BatchSize * distribution.ParameterSize}";

        AssertThrows("parameters", expectedParameters, () => distribution.LogProb(shortParameters, actions, perRow, BatchSize));
        AssertThrows("parameters", expectedParameters, () => distribution.Entropy(shortParameters, perRow, BatchSize));
        AssertThrows("parameters", expectedParameters, () => distribution.Mode(shortParameters, actions, BatchSize));
        AssertThrows("q", expectedParameters, () => distribution.Kl(parameters, shortParameters, perRow, BatchSize));
        AssertThrows("p", expectedParameters, () => distribution.KlBackward(shortParameters, parameters, perRow, grad, BatchSize));
        AssertThrows("gradParameters", expectedParameters, () => distribution.EntropyBackward(parameters, perRow, grad[..^1], BatchSize));
        AssertThrows("gradQ", expectedParameters, () => distribution.KlBackward(parameters, parameters, perRow, grad[..^1], BatchSize));
        AssertThrows("vector", expectedParameters, () => distribution.FisherVectorProduct(parameters, shortParameters, grad, BatchSize));
        AssertThrows("result", expectedParameters, () => distribution.FisherVectorProduct(parameters, parameters, grad[..^1], BatchSize));
        AssertThrows("actions", $"expected at least {BatchSize * distribution.ActionSize}", () => distribution.LogProb(parameters, actions[..^1], perRow, BatchSize));
        AssertThrows("actions", $"expected at least {BatchSize * distribution.ActionSize}", () => distribution.Sample(parameters, actions[..^1], BatchSize, random));
        AssertThrows("logProb", $"expected at least {BatchSize}", () => distribution.LogProb(parameters, actions, perRow[..^1], BatchSize));
        AssertThrows("coefficient", $"expected at least {BatchSize}", () => distribution.LogProbBackward(parameters, actions, perRow[..^1], grad, BatchSize));
        AssertThrows("kl", $"expected at least {BatchSize}", () => distribution.Kl(parameters, parameters, perRow[..^1], BatchSize));
        AssertThrows("entropy", $"expected at least {BatchSize}", () => distribution.Entropy(parameters, perRow[..^1], BatchSize));
    }

    [Theory]
    [MemberData(nameof(DistributionNames))]
    public void Methods_NegativeBatchSize_ThrowArgumentOutOfRange(string name)
    {
        IDistribution<double> distribution = Create(name);
        double[] parameters = RandomParameters(distribution, BatchSize, new Random(12));
        double[] entropy = new double[BatchSize];

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => distribution.Entropy(parameters, entropy, -1));

        Assert.Equal("batchSize", exception.ParamName);
        Assert.Contains("non-negative", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(DistributionNames))]
    public void Methods_NaNParameter_ThrowNamingRowAndColumn(string name)
    {
        IDistribution<double> distribution = Create(name);
        var random = new Random(13);
        double[] parameters = RandomParameters(distribution, BatchSize, random);
        double[] actions = SampleActions(distribution, parameters, BatchSize, random);
        double[] perRow = new double[BatchSize];
        double[] bad = (double[])parameters.Clone();
        bad[(2 * distribution.ParameterSize) + 1] = double.NaN;

        AssertThrows("parameters", "row 2, column 1", () => distribution.LogProb(bad, actions, perRow, BatchSize));
        AssertThrows("parameters", "row 2, column 1", () => distribution.Sample(bad, actions, BatchSize, random));
        AssertThrows("q", "row 2, column 1", () => distribution.Kl(parameters, bad, perRow, BatchSize));
        AssertThrows("p", "row 2, column 1", () => distribution.KlBackward(bad, parameters, perRow, new double[parameters.Length], BatchSize));
    }

    private static double[] RandomCoefficients(Random random)
    {
        double[] coefficient = new double[BatchSize];
        for (int i = 0; i < BatchSize; i++)
        {
            coefficient[i] = (2 * random.NextDouble()) - 1;
        }

        return coefficient;
    }

    private static void AssertThrows(string parameterName, string messagePart, Action action)
    {
        ArgumentException exception = Assert.ThrowsAny<ArgumentException>(action);
        Assert.Equal(parameterName, exception.ParamName);
        Assert.Contains(messagePart, exception.Message, StringComparison.Ordinal);
    }
}
