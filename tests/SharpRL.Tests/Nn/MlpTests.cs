using SharpRL.Nn;

namespace SharpRL.Tests.Nn;

public class MlpTests
{
    private const int Batch = 4;

    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Relu)]
    public void Backward_RandomLoss_MatchesFiniteDifferences(Activation activation)
    {
        var rng = new Random(20);
        Mlp<double> mlp = RandomMlp(activation, rng);
        double[] input = GradientCheck.RandomArray(rng, Batch * mlp.InputSize);
        AssertAwayFromReluKinks(mlp, input);

        GradientCheck.AssertBackwardMatchesFiniteDifferences(mlp, input, Batch, rng);
    }

    [Theory]
    [InlineData(Activation.Tanh, true)]
    [InlineData(Activation.Relu, true)]
    [InlineData(Activation.Tanh, false)]
    public void Jvp_RandomTangents_MatchesFiniteDifferences(Activation activation, bool withInputTangent)
    {
        var rng = new Random(21);
        Mlp<double> mlp = RandomMlp(activation, rng);
        double[] input = GradientCheck.RandomArray(rng, Batch * mlp.InputSize);
        AssertAwayFromReluKinks(mlp, input);

        GradientCheck.AssertJvpMatchesFiniteDifferences(mlp, input, Batch, rng, withInputTangent);
    }

    [Fact]
    public void Backward_SingleLayer_MatchesFiniteDifferences()
    {
        var rng = new Random(22);
        var mlp = new Mlp<double>([3, 2], Activation.Tanh);
        GradientCheck.RandomizeParameters(mlp, rng);

        GradientCheck.AssertBackwardMatchesFiniteDifferences(mlp, GradientCheck.RandomArray(rng, Batch * 3), Batch, rng);
    }

    [Fact]
    public void Backward_AfterJvp_EqualsBackwardAfterForward()
    {
        var rng = new Random(23);
        Mlp<double> mlp = RandomMlp(Activation.Tanh, rng);
        double[] input = GradientCheck.RandomArray(rng, Batch * mlp.InputSize);
        double[] gradOutput = GradientCheck.RandomArray(rng, Batch * mlp.OutputSize);
        double[] output = new double[gradOutput.Length];
        mlp.Forward(input, output, Batch);
        mlp.Backward(gradOutput, [], Batch);
        double[] afterForward = [.. mlp.Parameters.SelectMany(p => p.Gradient)];
        foreach (Parameter<double> parameter in mlp.Parameters)
        {
            parameter.ZeroGradient();
        }

        mlp.Jvp(input, [], output, new double[output.Length], Batch);
        mlp.Backward(gradOutput, [], Batch);

        Assert.Equal(afterForward, mlp.Parameters.SelectMany(p => p.Gradient));
    }

    [Fact]
    public void BackwardInput_EqualsBackwardsInputGradient_AndLeavesParameterGradientsUntouched()
    {
        var rng = new Random(29);
        Mlp<double> mlp = RandomMlp(Activation.Tanh, rng);
        double[] input = GradientCheck.RandomArray(rng, Batch * mlp.InputSize);
        double[] gradOutput = GradientCheck.RandomArray(rng, Batch * mlp.OutputSize);
        double[] output = new double[gradOutput.Length];
        mlp.Forward(input, output, Batch);
        double[] full = new double[input.Length];
        mlp.Backward(gradOutput, full, Batch);
        double[] gradientsBefore = [.. mlp.Parameters.SelectMany(p => p.Gradient)];

        double[] inputOnly = new double[input.Length];
        mlp.BackwardInput(gradOutput, inputOnly, Batch);

        Assert.Equal(full, inputOnly);
        Assert.Equal(gradientsBefore, mlp.Parameters.SelectMany(p => p.Gradient));
        Assert.Equal("gradInput", Assert.Throws<ArgumentException>(() => mlp.BackwardInput(gradOutput, [], Batch)).ParamName);
    }

    [Fact]
    public void Forward_SmallerBatchAfterLarger_MatchesFreshNetwork()
    {
        var rng = new Random(24);
        Mlp<double> mlp = RandomMlp(Activation.Relu, rng);
        double[] big = GradientCheck.RandomArray(rng, 8 * mlp.InputSize);
        mlp.Forward(big, new double[8 * mlp.OutputSize], 8);
        double[] small = big[..(2 * mlp.InputSize)];
        double[] output = new double[2 * mlp.OutputSize];

        mlp.Forward(small, output, 2);

        double[] expected = new double[2 * mlp.OutputSize];
        var fresh = new Mlp<double>(mlp.Sizes, Activation.Relu);
        for (int p = 0; p < mlp.Parameters.Count; p++)
        {
            mlp.Parameters[p].Value.CopyTo(fresh.Parameters[p].Value, 0);
        }

        fresh.Forward(small, expected, 2);
        Assert.Equal(expected, output);
    }

    [Fact]
    public void Parameters_ThreeLayers_InLayerOrderWithSequentialNames()
    {
        var mlp = new Mlp<float>([4, 64, 64, 2], Activation.Tanh, "pi.");

        Assert.Equal(
            ["pi.0.weight", "pi.0.bias", "pi.2.weight", "pi.2.bias", "pi.4.weight", "pi.4.bias"],
            mlp.Parameters.Select(p => p.Name));
        Assert.Equal([64, 2], mlp.Parameters[4].Shape);
    }

    [Fact]
    public void Create_OrthogonalInit_UsesHiddenAndOutputGainsAndZeroBiases()
    {
        var mlp = Mlp<double>.Create([4, 8, 3], Activation.Tanh, new Random(25), hiddenGain: Math.Sqrt(2), outputGain: 0.01);

        // [4 × 8] has orthonormal rows scaled by √2: each row's squared norm is 2.
        double[] hidden = mlp.Layers[0].Weight.Value;
        Assert.Equal(2.0, hidden[..8].Sum(w => w * w), 1e-12);

        // [8 × 3] has orthonormal columns scaled by 0.01: the first column's squared norm is 1e-4.
        double[] head = mlp.Layers[1].Weight.Value;
        Assert.Equal(1e-4, Enumerable.Range(0, 8).Sum(r => head[r * 3] * head[r * 3]), 1e-15);
        Assert.All(mlp.Parameters.Where(p => p.Name.EndsWith("bias", StringComparison.Ordinal)), p => Assert.All(p.Value, b => Assert.Equal(0.0, b)));
    }

    [Fact]
    public void Create_SameSeed_SameWeights()
    {
        var a = Mlp<float>.Create([4, 16, 2], Activation.Tanh, new Random(7), Math.Sqrt(2), 1.0);
        var b = Mlp<float>.Create([4, 16, 2], Activation.Tanh, new Random(7), Math.Sqrt(2), 1.0);

        Assert.Equal(a.Parameters.SelectMany(p => p.Value), b.Parameters.SelectMany(p => p.Value));
    }

    [Fact]
    public void ForwardBackwardAdamStep_FloatBatch64_AllocatesNothingAfterWarmUp()
    {
        const int batch = 64;
        var mlp = Mlp<float>.Create([4, 64, 64, 2], Activation.Tanh, new Random(26), Math.Sqrt(2), 0.01);
        var adam = new Adam<float>(mlp.Parameters, 3e-4, epsilon: 1e-5);
        float[] input = new float[batch * 4];
        float[] output = new float[batch * 2];
        float[] gradOutput = new float[batch * 2];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (i % 7) * 0.1f;
        }

        Array.Fill(gradOutput, 0.01f);
        void TrainStep()
        {
            adam.ZeroGradient();
            mlp.Forward(input, output, batch);
            mlp.Backward(gradOutput, [], batch);
            GradientClipping.ClipGlobalNorm(mlp.Parameters, 0.5);
            adam.Step();
        }

        for (int i = 0; i < 5; i++)
        {
            TrainStep();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            TrainStep();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Constructor_OneSize_ThrowsNamingSizes()
    {
        var error = Assert.Throws<ArgumentException>(() => new Mlp<double>([4], Activation.Tanh));

        Assert.Equal("sizes", error.ParamName);
        Assert.Contains("at least 2", error.Message);
    }

    [Fact]
    public void Constructor_NonPositiveWidth_ThrowsNamingEntry()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Mlp<double>([4, 0, 2], Activation.Relu));

        Assert.Equal("sizes", error.ParamName);
        Assert.Contains("sizes[1] must be positive; got 0", error.Message);
    }

    [Fact]
    public void Constructor_UndefinedActivation_Throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Mlp<double>([4, 2], (Activation)7));

        Assert.Equal("activation", error.ParamName);
    }

    [Fact]
    public void Jvp_WrongOutputTangentLength_ThrowsWithExpectedLength()
    {
        var mlp = new Mlp<double>([3, 5, 2], Activation.Tanh);

        var error = Assert.Throws<ArgumentException>(() => mlp.Jvp(new double[6], [], new double[4], new double[3], 2));

        Assert.Equal("outputTangent", error.ParamName);
        Assert.Contains("2 × 2 = 4", error.Message);
    }

    private static Mlp<double> RandomMlp(Activation activation, Random rng)
    {
        var mlp = new Mlp<double>([3, 5, 4, 2], activation);
        GradientCheck.RandomizeParameters(mlp, rng, scale: 0.8);
        return mlp;
    }

    /// <summary>
    /// Finite differences across a ReLU kink are meaningless, so the test first makes sure every hidden
    /// pre-activation lies well beyond the perturbations a step of 1e-6 can cause.
    /// </summary>
    private static void AssertAwayFromReluKinks(Mlp<double> mlp, double[] input)
    {
        if (mlp.Activation != Activation.Relu)
        {
            return;
        }

        double[] layerInput = input;
        for (int l = 0; l < mlp.Layers.Count - 1; l++)
        {
            double[] preActivation = new double[Batch * mlp.Layers[l].OutputSize];
            mlp.Layers[l].Forward(layerInput, preActivation, Batch);
            Assert.True(preActivation.Min(Math.Abs) > 1e-3, $"layer {l} has a pre-activation within 1e-3 of the ReLU kink; pick another seed.");
            layerInput = [.. preActivation.Select(z => Math.Max(z, 0))];
        }
    }
}
