using SharpRL.Distributions;
using SharpRL.Nn;
using static SharpRL.Tests.Distributions.DistributionTestSupport;

namespace SharpRL.Tests.Distributions;

public class PolicyFisherTests
{
    private const int BatchSize = 7;
    private const int InputSize = 4;

    // F v is compared with (∇L(θ + h v) − ∇L(θ − h v)) / 2h, L = mean KL(π_old ‖ π_θ), h = 1e-5:
    // truncation ~h²·|∇³L| ≈ 1e-10, rounding ~1e-16/h ≈ 1e-11; 1e-7 leaves a wide margin.
    private const double HessianTolerance = 1e-7;

    public static TheoryData<string, bool> Policies => new()
    {
        { Categorical, false },
        { MultiCategorical, false },
        { DiagGaussian, true },
        { DiagGaussian, false },
    };

    [Theory]
    [MemberData(nameof(Policies))]
    public void Multiply_TanhNetwork_MatchesFiniteDifferenceHessianOfMeanKl(string name, bool stateIndependentLogStd)
    {
        var random = new Random(51);
        Policy policy = CreatePolicy(name, stateIndependentLogStd, random);
        AssertMultiplyMatchesFiniteDifferenceHessian(policy, random);
    }

    [Theory]
    [InlineData(Categorical, false)]
    [InlineData(DiagGaussian, true)]
    public void Multiply_LibraryMlp_MatchesFiniteDifferenceHessianOfMeanKl(string name, bool stateIndependentLogStd)
    {
        var random = new Random(58);
        Policy policy = CreatePolicy(name, stateIndependentLogStd, random, useMlp: true);
        AssertMultiplyMatchesFiniteDifferenceHessian(policy, random);
    }

    [Fact]
    public void Multiply_WithDamping_AddsLambdaTimesVector()
    {
        var random = new Random(52);
        Policy policy = CreatePolicy(DiagGaussian, stateIndependentLogStd: true, random);
        double[] observations = RandomVector(BatchSize * InputSize, random);
        double[] vector = RandomVector(policy.Fisher.ParameterCount, random);
        double[] undamped = new double[vector.Length];
        policy.Fisher.Multiply(observations, vector, undamped, BatchSize);

        policy.Fisher.Damping = 0.1;
        double[] damped = new double[vector.Length];
        policy.Fisher.Multiply(observations, vector, damped, BatchSize);

        double[] expected = undamped.Select((value, k) => value + (0.1 * vector[k])).ToArray();
        AssertClose(expected, damped, 1e-15, 1e-14);
    }

    [Theory]
    [InlineData(Categorical, false)]
    [InlineData(DiagGaussian, true)]
    public void Multiply_TwoVectors_IsSymmetricAndPositiveSemiDefinite(string name, bool stateIndependentLogStd)
    {
        var random = new Random(53);
        Policy policy = CreatePolicy(name, stateIndependentLogStd, random);
        double[] observations = RandomVector(BatchSize * InputSize, random);
        double[] u = RandomVector(policy.Fisher.ParameterCount, random);
        double[] v = RandomVector(policy.Fisher.ParameterCount, random);
        double[] fu = new double[u.Length];
        double[] fv = new double[v.Length];

        policy.Fisher.Multiply(observations, u, fu, BatchSize);
        policy.Fisher.Multiply(observations, v, fv, BatchSize);

        Assert.Equal(Dot(u, fv), Dot(v, fu), 1e-12);
        Assert.True(Dot(v, fv) >= 0, $"vᵀFv = {Dot(v, fv)}");
        Assert.True(Dot(u, fu) >= 0, $"uᵀFu = {Dot(u, fu)}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Multiply_SteadyState_AllocatesNothing(bool useMlp)
    {
        var random = new Random(54);
        Policy policy = CreatePolicy(DiagGaussian, stateIndependentLogStd: true, random, useMlp);
        double[] observations = RandomVector(BatchSize * InputSize, random);
        double[] vector = RandomVector(policy.Fisher.ParameterCount, random);
        double[] result = new double[vector.Length];
        policy.Fisher.Multiply(observations, vector, result, BatchSize);

        long before = GC.GetAllocatedBytesForCurrentThread();
        policy.Fisher.Multiply(observations, vector, result, BatchSize);
        policy.Fisher.Multiply(observations, vector, result, BatchSize - 2);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData(-4.0)]
    [InlineData(-1.0)]
    [InlineData(0.0)]
    [InlineData(2.5)]
    public void Multiply_LectureLogitMap_EqualsClosedFormScalarFisher(double theta)
    {
        // The lecture "NPG and PPO": z(θ) = (θ, 0) ⇒ F = f(θ) = e^θ/(1 + e^θ)², the same for every state.
        var network = new ScalarLogitNetwork();
        network.Theta.Value[0] = theta;
        var fisher = new PolicyFisher<double>(network, new Categorical<double>(2));
        double[] result = new double[1];

        fisher.Multiply([0.0, 0.0, 0.0], [1.0], result, 3);

        double closedForm = Math.Exp(theta) / Math.Pow(1 + Math.Exp(theta), 2);
        Assert.Equal(closedForm, result[0], closedForm * 1e-12);
    }

    [Fact]
    public void Constructor_OutputSizeMismatch_ThrowsNamingExpectedSize()
    {
        var network = new TanhTwoLayerNetwork(InputSize, 3, 2, new Random(55));

        var exception = Assert.Throws<ArgumentException>(() => new PolicyFisher<double>(network, new DiagGaussian<double>(2), new Parameter<double>("log_std", 3)));

        Assert.Equal("logStd", exception.ParamName);
        Assert.Contains("expected the distribution's ParameterSize 4", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Multiply_BadArguments_ThrowNamingArgument()
    {
        var random = new Random(56);
        Policy policy = CreatePolicy(Categorical, stateIndependentLogStd: false, random);
        int count = policy.Fisher.ParameterCount;
        double[] observations = RandomVector(BatchSize * InputSize, random);

        Assert.Equal("vector", Assert.Throws<ArgumentException>(() => policy.Fisher.Multiply(observations, new double[count - 1], new double[count], BatchSize)).ParamName);
        Assert.Equal("result", Assert.Throws<ArgumentException>(() => policy.Fisher.Multiply(observations, new double[count], new double[count + 1], BatchSize)).ParamName);
        Assert.Equal("observations", Assert.Throws<ArgumentException>(() => policy.Fisher.Multiply(observations[..^1], new double[count], new double[count], BatchSize)).ParamName);
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => policy.Fisher.Multiply(observations, new double[count], new double[count], 0)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => policy.Fisher.Damping = -0.1);
    }

    [Fact]
    public void TanhTwoLayerNetwork_BackwardAndJvp_MatchCentralDifferences()
    {
        // The FVP tests lean on this test-only module; check it the same way.
        var random = new Random(57);
        var network = new TanhTwoLayerNetwork(InputSize, 5, 3, random);
        double[] observations = RandomVector(BatchSize * InputSize, random);
        double[] gradOutput = RandomVector(BatchSize * 3, random);
        double[] output = new double[BatchSize * 3];
        double Loss() => ForwardDot(network, observations, gradOutput, output);

        Loss();
        network.Backward(gradOutput, [], BatchSize);
        foreach (Parameter<double> parameter in network.Parameters)
        {
            double[] numeric = Gradient(parameter.Value, _ => Loss());
            AssertClose(numeric, parameter.Gradient, 1e-8, 1e-8);
        }

        double[] inputTangent = RandomVector(observations.Length, random);
        foreach (Parameter<double> parameter in network.Parameters)
        {
            RandomVector(parameter.Length, random).CopyTo(parameter.Tangent, 0);
        }

        double[] tangent = new double[output.Length];
        network.Jvp(observations, inputTangent, output, tangent, BatchSize);
        double[] numericTangent = DirectionalDerivative(network, observations, inputTangent, 1e-6);
        AssertClose(numericTangent, tangent, 1e-8, 1e-8);
    }

    private static double[] FiniteDifferenceHessianOfMeanKl(Policy policy, double[] observations, double[] vector)
    {
        const double Step = 1e-5;
        double[] pOld = DistributionParameters(policy, observations);
        double[] theta = GetFlat(policy);
        double[] shifted = new double[theta.Length];

        for (int k = 0; k < theta.Length; k++)
        {
            shifted[k] = theta[k] + (Step * vector[k]);
        }

        SetFlat(policy, shifted);
        double[] gradientPlus = MeanKlGradient(policy, observations, pOld);
        for (int k = 0; k < theta.Length; k++)
        {
            shifted[k] = theta[k] - (Step * vector[k]);
        }

        SetFlat(policy, shifted);
        double[] gradientMinus = MeanKlGradient(policy, observations, pOld);
        SetFlat(policy, theta);

        return gradientPlus.Select((plus, k) => (plus - gradientMinus[k]) / (2 * Step)).ToArray();
    }

    /// <summary>∇_θ (1/N) Σ_i KL(p_old,i ‖ π_θ(·|s_i)) by reverse mode through the analytic KL gradient.</summary>
    private static double[] MeanKlGradient(Policy policy, double[] observations, double[] pOld)
    {
        IModule<double> network = policy.Network;
        int rowSize = policy.Distribution.ParameterSize;
        int outputSize = network.OutputSize;
        double[] q = DistributionParameters(policy, observations);
        double[] gradQ = new double[q.Length];
        policy.Distribution.KlBackward(pOld, q, Enumerable.Repeat(1.0 / BatchSize, BatchSize).ToArray(), gradQ, BatchSize);

        double[] gradOutput = new double[BatchSize * outputSize];
        double[] gradTail = new double[rowSize - outputSize];
        for (int i = 0; i < BatchSize; i++)
        {
            gradQ.AsSpan(i * rowSize, outputSize).CopyTo(gradOutput.AsSpan(i * outputSize));
            for (int j = 0; j < gradTail.Length; j++)
            {
                gradTail[j] += gradQ[(i * rowSize) + outputSize + j];
            }
        }

        foreach (Parameter<double> parameter in network.Parameters)
        {
            parameter.ZeroGradient();
        }

        network.Backward(gradOutput, [], BatchSize);
        return [.. network.Parameters.SelectMany(parameter => parameter.Gradient), .. gradTail];
    }

    private static double[] DistributionParameters(Policy policy, double[] observations)
    {
        int rowSize = policy.Distribution.ParameterSize;
        int outputSize = policy.Network.OutputSize;
        double[] output = new double[BatchSize * outputSize];
        policy.Network.Forward(observations, output, BatchSize);
        double[] rows = new double[BatchSize * rowSize];
        for (int i = 0; i < BatchSize; i++)
        {
            output.AsSpan(i * outputSize, outputSize).CopyTo(rows.AsSpan(i * rowSize));
            policy.LogStd?.Value.CopyTo(rows, (i * rowSize) + outputSize);
        }

        return rows;
    }

    private static Parameter<double>[] AllParameters(Policy policy)
        => policy.LogStd is null ? [.. policy.Network.Parameters] : [.. policy.Network.Parameters, policy.LogStd];

    private static double[] GetFlat(Policy policy) => [.. AllParameters(policy).SelectMany(parameter => parameter.Value)];

    private static void SetFlat(Policy policy, double[] flat)
    {
        int offset = 0;
        foreach (Parameter<double> parameter in AllParameters(policy))
        {
            flat.AsSpan(offset, parameter.Length).CopyTo(parameter.Value);
            offset += parameter.Length;
        }
    }

    /// <summary>F v on random observations and a random v against the finite-difference Hessian of the mean KL.</summary>
    private static void AssertMultiplyMatchesFiniteDifferenceHessian(Policy policy, Random random)
    {
        double[] observations = RandomVector(BatchSize * InputSize, random);
        double[] vector = RandomVector(policy.Fisher.ParameterCount, random);

        double[] expected = FiniteDifferenceHessianOfMeanKl(policy, observations, vector);
        double[] actual = new double[vector.Length];
        policy.Fisher.Multiply(observations, vector, actual, BatchSize);

        Assert.True(Dot(actual, actual) > 1e-6, "The product should not be trivially zero.");
        AssertClose(expected, actual, HessianTolerance, HessianTolerance);
    }

    private static Policy CreatePolicy(string name, bool stateIndependentLogStd, Random random, bool useMlp = false)
    {
        IDistribution<double> distribution = Create(name);
        Parameter<double>? logStd = null;
        int outputSize = distribution.ParameterSize;
        if (stateIndependentLogStd)
        {
            int d = distribution.ActionSize;
            logStd = new Parameter<double>("log_std", d);
            for (int j = 0; j < d; j++)
            {
                logStd.Value[j] = (0.8 * random.NextDouble()) - 0.5;
            }

            outputSize = d;
        }

        IModule<double> network = useMlp
            ? Mlp<double>.Create([InputSize, 8, 6, outputSize], Activation.Tanh, random, hiddenGain: Math.Sqrt(2), outputGain: 1)
            : new TanhTwoLayerNetwork(InputSize, 5, outputSize, random);
        if (useMlp)
        {
            // Orthogonal init leaves biases at zero; random ones make the test cover their Jacobian too.
            foreach (Parameter<double> parameter in network.Parameters.Where(parameter => parameter.Shape.Count == 1))
            {
                RandomVector(parameter.Length, random).CopyTo(parameter.Value, 0);
            }
        }

        return new Policy(network, distribution, logStd, new PolicyFisher<double>(network, distribution, logStd));
    }

    private static double ForwardDot(IModule<double> network, double[] observations, double[] weights, double[] output)
    {
        network.Forward(observations, output, BatchSize);
        return Dot(weights, output);
    }

    private static double[] DirectionalDerivative(TanhTwoLayerNetwork network, double[] observations, double[] inputTangent, double step)
    {
        // d/dh f(x + h ẋ; θ + h θ̇) at h = 0, by central differences on both input and parameters.
        double[] plus = Shifted(network, observations, inputTangent, step);
        double[] minus = Shifted(network, observations, inputTangent, -step);
        return plus.Select((value, k) => (value - minus[k]) / (2 * step)).ToArray();
    }

    private static double[] Shifted(TanhTwoLayerNetwork network, double[] observations, double[] inputTangent, double step)
    {
        double[][] saved = [.. network.Parameters.Select(parameter => (double[])parameter.Value.Clone())];
        foreach (Parameter<double> parameter in network.Parameters)
        {
            for (int k = 0; k < parameter.Length; k++)
            {
                parameter.Value[k] += step * parameter.Tangent[k];
            }
        }

        double[] input = observations.Select((x, k) => x + (step * inputTangent[k])).ToArray();
        double[] output = new double[BatchSize * network.OutputSize];
        network.Forward(input, output, BatchSize);
        for (int p = 0; p < saved.Length; p++)
        {
            saved[p].CopyTo(network.Parameters[p].Value, 0);
        }

        return output;
    }

    private static double[] RandomVector(int length, Random random)
    {
        double[] vector = new double[length];
        for (int k = 0; k < length; k++)
        {
            vector[k] = (2 * random.NextDouble()) - 1;
        }

        return vector;
    }

    private sealed record Policy(IModule<double> Network, IDistribution<double> Distribution, Parameter<double>? LogStd, PolicyFisher<double> Fisher);
}
