using SharpRL.Nn;

namespace SharpRL.Tests.Nn;

public class LinearTests
{
    [Fact]
    public void Forward_HandComputed_EqualsInputTimesWeightPlusBias()
    {
        var layer = new Linear<double>(2, 3);
        // W = [[1, 2, 3], [4, 5, 6]], b = [0.5, -1, 2]; x = [1, -1] → x·W + b = [-3, -3, -3] + b.
        double[] weight = [1, 2, 3, 4, 5, 6];
        weight.CopyTo(layer.Weight.Value, 0);
        double[] bias = [0.5, -1, 2];
        bias.CopyTo(layer.Bias.Value, 0);
        double[] output = new double[3];

        layer.Forward([1.0, -1.0], output, 1);

        Assert.Equal([-2.5, -4.0, -1.0], output);
    }

    [Fact]
    public void Parameters_WithPrefix_NamedWeightThenBiasWithShapes()
    {
        var layer = new Linear<float>(4, 3, "policy.0.");

        Assert.Equal(["policy.0.weight", "policy.0.bias"], layer.Parameters.Select(p => p.Name));
        Assert.Equal([4, 3], layer.Weight.Shape);
        Assert.Equal([3], layer.Bias.Shape);
    }

    [Fact]
    public void Backward_RandomLoss_MatchesFiniteDifferences()
    {
        var rng = new Random(1);
        var layer = new Linear<double>(3, 4);
        GradientCheck.RandomizeParameters(layer, rng);

        GradientCheck.AssertBackwardMatchesFiniteDifferences(layer, GradientCheck.RandomArray(rng, 5 * 3), 5, rng);
    }

    [Fact]
    public void Jvp_RandomTangents_MatchesFiniteDifferences()
    {
        var rng = new Random(2);
        var layer = new Linear<double>(3, 4);
        GradientCheck.RandomizeParameters(layer, rng);

        GradientCheck.AssertJvpMatchesFiniteDifferences(layer, GradientCheck.RandomArray(rng, 5 * 3), 5, rng);
    }

    [Fact]
    public void Jvp_EmptyInputTangent_TreatedAsZero()
    {
        var rng = new Random(3);
        var layer = new Linear<double>(3, 2);
        GradientCheck.RandomizeParameters(layer, rng);

        GradientCheck.AssertJvpMatchesFiniteDifferences(layer, GradientCheck.RandomArray(rng, 4 * 3), 4, rng, withInputTangent: false);
    }

    [Fact]
    public void Backward_CalledTwice_AccumulatesGradients()
    {
        var rng = new Random(4);
        var layer = new Linear<double>(2, 2);
        GradientCheck.RandomizeParameters(layer, rng);
        double[] input = GradientCheck.RandomArray(rng, 6);
        double[] gradOutput = GradientCheck.RandomArray(rng, 6);
        layer.Forward(input, new double[6], 3);
        layer.Backward(gradOutput, [], 3);
        double[] once = [.. layer.Weight.Gradient, .. layer.Bias.Gradient];

        layer.Backward(gradOutput, [], 3);

        double[] twice = [.. layer.Weight.Gradient, .. layer.Bias.Gradient];
        for (int i = 0; i < once.Length; i++)
        {
            Assert.Equal(2 * once[i], twice[i], 1e-14);
        }
    }

    [Fact]
    public void Constructor_NonPositiveSize_ThrowsNamingArgument()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Linear<double>(0, 3));
        Assert.Equal("inputSize", error.ParamName);
        Assert.Contains("positive", error.Message);

        error = Assert.Throws<ArgumentOutOfRangeException>(() => new Linear<double>(3, -1));
        Assert.Equal("outputSize", error.ParamName);
    }

    [Fact]
    public void Forward_WrongInputLength_ThrowsWithExpectedLength()
    {
        var layer = new Linear<double>(4, 2);

        var error = Assert.Throws<ArgumentException>(() => layer.Forward(new double[10], new double[6], 3));

        Assert.Equal("input", error.ParamName);
        Assert.Contains("3 × 4 = 12", error.Message);
        Assert.Contains("10", error.Message);
    }

    [Fact]
    public void Forward_WrongOutputLength_ThrowsWithExpectedLength()
    {
        var layer = new Linear<double>(4, 2);

        var error = Assert.Throws<ArgumentException>(() => layer.Forward(new double[12], new double[5], 3));

        Assert.Equal("output", error.ParamName);
        Assert.Contains("= 6", error.Message);
    }

    [Fact]
    public void Forward_NonPositiveBatch_Throws()
    {
        var layer = new Linear<double>(4, 2);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => layer.Forward([], [], 0));

        Assert.Equal("batchSize", error.ParamName);
    }

    [Fact]
    public void Backward_WrongGradInputLength_ThrowsWithExpectedLength()
    {
        var layer = new Linear<double>(4, 2);
        layer.Forward(new double[12], new double[6], 3);

        var error = Assert.Throws<ArgumentException>(() => layer.Backward(new double[6], new double[11], 3));

        Assert.Equal("gradInput", error.ParamName);
        Assert.Contains("= 12", error.Message);
    }

    [Fact]
    public void Backward_BatchDiffersFromForward_ThrowsInvalidOperation()
    {
        var layer = new Linear<double>(4, 2);
        layer.Forward(new double[12], new double[6], 3);

        var error = Assert.Throws<InvalidOperationException>(() => layer.Backward(new double[4], [], 2));

        Assert.Contains("batchSize 3", error.Message);
    }
}
