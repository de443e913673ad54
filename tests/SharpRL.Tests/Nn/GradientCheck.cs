using SharpRL.Nn;

namespace SharpRL.Tests.Nn;

/// <summary>Central finite-difference checks of a module's Backward and Jvp, in double precision.</summary>
internal static class GradientCheck
{
    /// <summary>Step h of the central difference (f(x+h) − f(x−h)) / 2h, whose error is O(h²) + O(ε_machine/h).</summary>
    public const double Step = 1e-6;

    /// <summary>Accepted |analytic − numeric| ≤ Tolerance·(1 + |numeric|): 1e-6 absolute plus 1e-6 relative.</summary>
    public const double Tolerance = 1e-6;

    public static double[] RandomArray(Random rng, int length, double scale = 1.0)
    {
        var values = new double[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = scale * ((2 * rng.NextDouble()) - 1);
        }

        return values;
    }

    public static void RandomizeParameters(IModule<double> module, Random rng, double scale = 0.5)
    {
        foreach (Parameter<double> parameter in module.Parameters)
        {
            RandomArray(rng, parameter.Length, scale).CopyTo(parameter.Value, 0);
        }
    }

    /// <summary>
    /// For the scalar L = Σ gᵢ·yᵢ with random g, checks ∂L/∂input and ∂L/∂θ of every parameter entry
    /// from Backward against central differences of Forward.
    /// </summary>
    public static void AssertBackwardMatchesFiniteDifferences(IModule<double> module, double[] input, int batchSize, Random rng)
    {
        double[] g = RandomArray(rng, batchSize * module.OutputSize);
        double[] output = new double[g.Length];
        double Loss()
        {
            module.Forward(input, output, batchSize);
            double sum = 0;
            for (int i = 0; i < g.Length; i++)
            {
                sum += g[i] * output[i];
            }

            return sum;
        }

        foreach (Parameter<double> parameter in module.Parameters)
        {
            parameter.ZeroGradient();
        }

        module.Forward(input, output, batchSize);
        double[] gradInput = new double[input.Length];
        module.Backward(g, gradInput, batchSize);

        for (int i = 0; i < input.Length; i++)
        {
            double saved = input[i];
            input[i] = saved + Step;
            double plus = Loss();
            input[i] = saved - Step;
            double minus = Loss();
            input[i] = saved;
            AssertClose((plus - minus) / (2 * Step), gradInput[i], $"∂L/∂input[{i}]");
        }

        foreach (Parameter<double> parameter in module.Parameters)
        {
            for (int j = 0; j < parameter.Length; j++)
            {
                double saved = parameter.Value[j];
                parameter.Value[j] = saved + Step;
                double plus = Loss();
                parameter.Value[j] = saved - Step;
                double minus = Loss();
                parameter.Value[j] = saved;
                AssertClose((plus - minus) / (2 * Step), parameter.Gradient[j], $"∂L/∂{parameter.Name}[{j}]");
            }
        }
    }

    /// <summary>
    /// Checks Jvp's output against Forward and its tangent against the central difference
    /// (f(x + hẋ, θ + hθ̇) − f(x − hẋ, θ − hθ̇)) / 2h along random tangents. With
    /// <paramref name="withInputTangent"/> false, ẋ is passed as an empty span (meaning zero).
    /// </summary>
    public static void AssertJvpMatchesFiniteDifferences(IModule<double> module, double[] input, int batchSize, Random rng, bool withInputTangent = true)
    {
        double[] inputTangent = withInputTangent ? RandomArray(rng, input.Length) : new double[input.Length];
        foreach (Parameter<double> parameter in module.Parameters)
        {
            RandomArray(rng, parameter.Length).CopyTo(parameter.Tangent, 0);
        }

        int outputLength = batchSize * module.OutputSize;
        double[] output = new double[outputLength];
        double[] outputTangent = new double[outputLength];
        module.Jvp(input, withInputTangent ? inputTangent : [], output, outputTangent, batchSize);

        double[] expectedOutput = new double[outputLength];
        module.Forward(input, expectedOutput, batchSize);
        for (int i = 0; i < outputLength; i++)
        {
            Assert.Equal(expectedOutput[i], output[i], 1e-15);
        }

        double[] plus = ForwardShifted(module, input, inputTangent, batchSize, +Step);
        double[] minus = ForwardShifted(module, input, inputTangent, batchSize, -Step);
        for (int i = 0; i < outputLength; i++)
        {
            AssertClose((plus[i] - minus[i]) / (2 * Step), outputTangent[i], $"ẏ[{i}]");
        }
    }

    public static void AssertClose(double numeric, double analytic, string what)
    {
        double error = Math.Abs(analytic - numeric);
        Assert.True(
            error <= Tolerance * (1 + Math.Abs(numeric)),
            $"{what}: analytic {analytic:R}, finite difference {numeric:R}, |error| {error:E2}.");
    }

    private static double[] ForwardShifted(IModule<double> module, double[] input, double[] inputTangent, int batchSize, double h)
    {
        double[] shiftedInput = new double[input.Length];
        for (int i = 0; i < input.Length; i++)
        {
            shiftedInput[i] = input[i] + (h * inputTangent[i]);
        }

        var saved = module.Parameters.Select(p => (double[])p.Value.Clone()).ToArray();
        foreach (Parameter<double> parameter in module.Parameters)
        {
            for (int j = 0; j < parameter.Length; j++)
            {
                parameter.Value[j] += h * parameter.Tangent[j];
            }
        }

        double[] output = new double[batchSize * module.OutputSize];
        module.Forward(shiftedInput, output, batchSize);
        for (int p = 0; p < saved.Length; p++)
        {
            saved[p].CopyTo(module.Parameters[p].Value, 0);
        }

        return output;
    }
}
