using SharpRL.Nn;

namespace SharpRL.Tests.Nn;

public class OptimizerTests
{
    [Fact]
    public void AdamStep_ThreeSteps_MatchesHandComputed()
    {
        // α = 0.1, β₁ = 0.9, β₂ = 0.999, ε = 1e-8, θ₀ = [0.5, −0.3]; gradients set by hand each step.
        var theta = new Parameter<double>("theta", 2);
        double[] theta0 = [0.5, -0.3];
        theta0.CopyTo(theta.Value, 0);
        var adam = new Adam<double>([theta], learningRate: 0.1);

        // t = 1, g = [1, −2]: m = 0.1g, v = 0.001g², so m̂ = g, v̂ = g² and the step is α·g/(|g| + ε):
        // θ = [0.5 − 0.1/(1 + 1e-8), −0.3 + 0.2/(2 + 1e-8)] = [0.400000001, −0.2000000005].
        SetGradient(theta, 1.0, -2.0);
        adam.Step();
        Assert.Equal(0.400000001, theta.Value[0], 1e-15);
        Assert.Equal(-0.2000000005, theta.Value[1], 1e-15);

        // t = 2, g = [0.5, 1]: m = 0.9·[0.1, −0.2] + 0.1·[0.5, 1] = [0.14, −0.08];
        // v = 0.999·[0.001, 0.004] + 0.001·[0.25, 1] = [0.001249, 0.004996];
        // 1 − β₁² = 0.19, 1 − β₂² = 0.001999 → m̂ = [0.7368421053, −0.4210526316], v̂ = [0.6248124062, 2.4992496248];
        // θ = [0.400000001 − 0.1·0.7368421053/0.7904508879, −0.2000000005 + 0.1·0.4210526316/1.5808983600]
        //   = [0.3067820383, −0.1733662967].
        SetGradient(theta, 0.5, 1.0);
        adam.Step();
        Assert.Equal(0.3067820382981611, theta.Value[0], 1e-12);
        Assert.Equal(-0.17336629670243153, theta.Value[1], 1e-12);

        // t = 3, g = [−0.25, 0]: m = [0.101, −0.072], v = [0.001310251, 0.004991004];
        // 1 − β₁³ = 0.271, 1 − β₂³ = 0.002997001 → m̂ = [0.3726937269, −0.2656826568], v̂ = [0.4371873750, 1.6653327777];
        // θ = [0.2504159015, −0.1527783665].
        SetGradient(theta, -0.25, 0.0);
        adam.Step();
        Assert.Equal(0.25041590149632964, theta.Value[0], 1e-12);
        Assert.Equal(-0.1527783665034416, theta.Value[1], 1e-12);
        Assert.Equal(3, adam.StepCount);
    }

    [Fact]
    public void AdamStep_LongFloatParameter_MatchesPaperFormulaOnEveryElement()
    {
        // 37 elements exercise the SIMD body and the scalar tail; the reference is the paper's
        // m̂/(√v̂ + ε) form in double, so agreement to float rounding (1e-6) is expected.
        const int length = 37;
        var theta = new Parameter<float>("theta", length);
        var adam = new Adam<float>([theta], learningRate: 0.01, epsilon: 1e-5);
        var rng = new Random(40);
        double[] reference = new double[length], m = new double[length], v = new double[length];
        for (int step = 1; step <= 3; step++)
        {
            for (int i = 0; i < length; i++)
            {
                double g = (2 * rng.NextDouble()) - 1;
                theta.Gradient[i] = (float)g;
                g = theta.Gradient[i];
                m[i] = (0.9 * m[i]) + (0.1 * g);
                v[i] = (0.999 * v[i]) + (0.001 * g * g);
                double mHat = m[i] / (1 - Math.Pow(0.9, step));
                double vHat = v[i] / (1 - Math.Pow(0.999, step));
                reference[i] -= 0.01 * mHat / (Math.Sqrt(vHat) + 1e-5);
            }

            adam.Step();
        }

        for (int i = 0; i < length; i++)
        {
            Assert.Equal(reference[i], theta.Value[i], 1e-6);
        }
    }

    [Fact]
    public void RmsPropStep_LongParameter_MatchesScalarFormulaOnEveryElement()
    {
        const int length = 19;
        var theta = new Parameter<double>("theta", length);
        var rmsProp = new RmsProp<double>([theta], learningRate: 0.01);
        var rng = new Random(41);
        double[] reference = new double[length], s = new double[length];
        for (int step = 0; step < 3; step++)
        {
            for (int i = 0; i < length; i++)
            {
                double g = (2 * rng.NextDouble()) - 1;
                theta.Gradient[i] = g;
                s[i] = (0.99 * s[i]) + (0.01 * g * g);
                reference[i] -= 0.01 * g / (Math.Sqrt(s[i]) + 1e-5);
            }

            rmsProp.Step();
        }

        for (int i = 0; i < length; i++)
        {
            Assert.Equal(reference[i], theta.Value[i], 1e-14);
        }
    }

    [Fact]
    public void AdamLearningRate_ChangedBetweenSteps_ScalesOnlyLaterSteps()
    {
        // With one element and constant g, every Adam step is α·m̂/(√v̂ + ε) = α·g/(|g| + ε): only α changes it.
        var theta = new Parameter<double>("theta", 1);
        var adam = new Adam<double>([theta], learningRate: 0.1, epsilon: 0);
        SetGradient(theta, 3.0);
        adam.Step();
        adam.LearningRate = 0.05;

        adam.Step();

        Assert.Equal(-0.15, theta.Value[0], 1e-15);
    }

    [Fact]
    public void AdamLoadState_RestoredIntoFreshOptimizer_ContinuesIdentically()
    {
        var original = new Parameter<double>("w", 3);
        var adam = new Adam<double>([original], 0.01, epsilon: 1e-5);
        SetGradient(original, 0.3, -1.0, 2.0);
        adam.Step();
        SetGradient(original, -0.1, 0.5, 1.0);
        adam.Step();
        OptimizerState<double> state = adam.SaveState();
        var copy = new Parameter<double>("w", 3);
        original.Value.CopyTo(copy.Value, 0);
        var restored = new Adam<double>([copy], 0.01, epsilon: 1e-5);

        restored.LoadState(state);
        SetGradient(original, 0.7, 0.7, -0.7);
        SetGradient(copy, 0.7, 0.7, -0.7);
        adam.Step();
        restored.Step();

        Assert.Equal(original.Value, copy.Value);
        Assert.Equal(3, restored.StepCount);
        Assert.Equal(["exp_avg", "exp_avg_sq"], state.Buffers.Keys.Order());
    }

    [Fact]
    public void AdamLoadState_WrongBufferLength_ThrowsNamingState()
    {
        var adam = new Adam<double>([new Parameter<double>("w", 3)], 0.01);
        var bad = new OptimizerState<double>(1, new Dictionary<string, double[][]>
        {
            ["exp_avg"] = [new double[2]],
            ["exp_avg_sq"] = [new double[3]],
        });

        var error = Assert.Throws<ArgumentException>(() => adam.LoadState(bad));

        Assert.Equal("state", error.ParamName);
        Assert.Contains("expected 3", error.Message);
    }

    [Fact]
    public void AdamLoadState_SgdState_ThrowsListingExpectedBuffers()
    {
        var parameter = new Parameter<double>("w", 3);
        var adam = new Adam<double>([parameter], 0.01);
        OptimizerState<double> sgdState = new Sgd<double>([parameter], 0.1, momentum: 0.9).SaveState();

        var error = Assert.Throws<ArgumentException>(() => adam.LoadState(sgdState));

        Assert.Contains("exp_avg, exp_avg_sq", error.Message);
    }

    [Fact]
    public void SgdStep_WithMomentum_MatchesHandComputed()
    {
        // η = 0.1, μ = 0.9, θ₀ = 1, g = 1 each step: b = 1, 1.9, 2.71 → θ = 0.9, 0.71, 0.439.
        var theta = new Parameter<double>("theta", 1);
        theta.Value[0] = 1.0;
        var sgd = new Sgd<double>([theta], learningRate: 0.1, momentum: 0.9);
        double[] expected = [0.9, 0.71, 0.439];

        foreach (double value in expected)
        {
            SetGradient(theta, 1.0);
            sgd.Step();
            Assert.Equal(value, theta.Value[0], 1e-14);
        }
    }

    [Fact]
    public void SgdStep_WithoutMomentum_SubtractsScaledGradient()
    {
        var theta = new Parameter<double>("theta", 2);
        var sgd = new Sgd<double>([theta], learningRate: 0.5);
        SetGradient(theta, 2.0, -4.0);

        sgd.Step();

        Assert.Equal([-1.0, 2.0], theta.Value);
        Assert.Empty(sgd.SaveState().Buffers);
    }

    [Fact]
    public void RmsPropStep_TwoSteps_MatchesHandComputed()
    {
        // η = 0.01, α = 0.99, ε = 1e-5 (ε outside the root, as torch), θ₀ = 2.
        var theta = new Parameter<double>("theta", 1);
        theta.Value[0] = 2.0;
        var rmsProp = new RmsProp<double>([theta], learningRate: 0.01);

        // g = 2: s = 0.01·4 = 0.04, θ = 2 − 0.01·2/(0.2 + 1e-5) = 1.90000499975.
        SetGradient(theta, 2.0);
        rmsProp.Step();
        Assert.Equal(1.9000049997500126, theta.Value[0], 1e-14);

        // g = −1: s = 0.99·0.04 + 0.01·1 = 0.0496, √s = 0.2227105745, θ = 1.90000499975 + 0.01/(0.2227105745 + 1e-5) = 1.9449043092.
        SetGradient(theta, -1.0);
        rmsProp.Step();
        Assert.Equal(1.9449043092181968, theta.Value[0], 1e-14);
        Assert.Equal(0.0496, rmsProp.SaveState().Buffers["square_avg"][0][0], 1e-16);
    }

    [Fact]
    public void ZeroGradient_AfterAccumulation_ClearsEveryParameter()
    {
        var a = new Parameter<float>("a", 2);
        var b = new Parameter<float>("b", 3);
        SetGradient(a, 1f, 2f);
        SetGradient(b, 3f, 4f, 5f);

        new RmsProp<float>([a, b], 0.01).ZeroGradient();

        Assert.All(a.Gradient.Concat(b.Gradient), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Constructors_InvalidHyperparameters_ThrowNamingArgument()
    {
        Parameter<double>[] parameters = [new Parameter<double>("w", 1)];

        Assert.Equal("learningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam<double>(parameters, -1)).ParamName);
        Assert.Equal("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam<double>(parameters, 0.1, beta1: 1.0)).ParamName);
        Assert.Equal("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam<double>(parameters, 0.1, beta2: -0.1)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp<double>(parameters, 0.1, epsilon: double.NaN)).ParamName);
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd<double>(parameters, 0.1, momentum: 1.5)).ParamName);
        var adam = new Adam<double>(parameters, 0.1);
        Assert.Equal("LearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => adam.LearningRate = double.PositiveInfinity).ParamName);
    }

    private static void SetGradient<T>(Parameter<T> parameter, params T[] gradient)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        => gradient.CopyTo(parameter.Gradient, 0);
}
