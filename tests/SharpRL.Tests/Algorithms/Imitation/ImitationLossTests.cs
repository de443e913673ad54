using SharpRL.Algorithms.Imitation;
using SharpRL.Distributions;
using SharpRL.Policies;
using SharpRL.Spaces;

namespace SharpRL.Tests.Algorithms.Imitation;

public sealed class ImitationLossTests
{
    private const double H = 1e-6;

    [Fact]
    public void NegativeLogLikelihood_Categorical_GradientMatchesCentralDifferences()
    {
        var distribution = new Categorical<double>(3);
        double[] parameters = [0.3, -1.2, 0.8, 2.0, 0.1, -0.5];
        double[] actions = [2, 0];
        double[] weights = [1.5, 0.25];
        AssertNllGradient(distribution, parameters, actions, weights, 2);
        AssertNllGradient(distribution, parameters, actions, [], 2);
    }

    [Fact]
    public void NegativeLogLikelihood_DiagGaussian_GradientMatchesCentralDifferences()
    {
        var distribution = new DiagGaussian<double>(2);
        // Rows [μ₁, μ₂, log σ₁, log σ₂].
        double[] parameters = [0.2, -0.7, -0.3, 0.4, 1.1, 0.5, 0.0, -1.0];
        double[] actions = [0.5, 0.1, 0.9, 0.2];
        AssertNllGradient(distribution, parameters, actions, [2.0, 0.5], 2);
        AssertNllGradient(distribution, parameters, actions, [], 2);
    }

    [Fact]
    public void NegativeLogLikelihood_KnownValue_IsMeanOfMinusLogProb()
    {
        var distribution = new Categorical<double>(2);
        double[] grad = new double[4];
        // Logits (0, 0): ln π = ln ½ for either action.
        double loss = ImitationLoss.NegativeLogLikelihood<double>(distribution, [0, 0, 0, 0], [0, 1], [], grad, new double[4], 2);
        Assert.Equal(Math.Log(2), loss, 12);
        // ∂L/∂z = (p − onehot)/B.
        Assert.Equal([-0.25, 0.25, 0.25, -0.25], grad);
    }

    [Fact]
    public void MeanSquaredError_GradientMatchesCentralDifferencesAndIgnoresLogStd()
    {
        // Gaussian rows [μ₁, μ₂, log σ₁, log σ₂]: only μ enters ‖μ − a‖².
        double[] parameters = [0.2, -0.7, -0.3, 0.4, 1.1, 0.5, 0.0, -1.0];
        double[] actions = [0.5, 0.1, 0.9, 0.2];
        double[] grad = new double[parameters.Length];
        double loss = ImitationLoss.MeanSquaredError<double>(parameters, 4, actions, grad, 2);

        Assert.Equal((((0.2 - 0.5) * (0.2 - 0.5)) + ((-0.7 - 0.1) * (-0.7 - 0.1)) + ((1.1 - 0.9) * (1.1 - 0.9)) + ((0.5 - 0.2) * (0.5 - 0.2))) / 2, loss, 12);
        for (int k = 0; k < parameters.Length; k++)
        {
            double numeric = CentralDifference(parameters, k, p => ImitationLoss.MeanSquaredError<double>(p, 4, actions, new double[p.Length], 2));
            Assert.Equal(numeric, grad[k], 8);
        }

        Assert.Equal(0.0, grad[2]);
        Assert.Equal(0.0, grad[7]);
    }

    [Fact]
    public void NegativeLogLikelihood_ThroughPolicyNetwork_GradientMatchesFiniteDifferences()
    {
        var box = new Box(-1f, 1f, 2);
        var policy = new ActorCriticPolicy(new Box(-5f, 5f, 3), box, AlgorithmTestSupport.SmallPolicy with { LogStdInit = -0.5f }, new Random(1));
        float[] observations = [0.1f, -0.4f, 0.9f, -1.2f, 0.3f, 0.05f, 0.7f, 0.7f, -0.2f];
        float[] actions = [0.3f, -0.6f, 0.9f, 0.1f, -0.2f, -0.8f];
        float[] weights = [1f, 2f, 0.5f];
        double Loss()
        {
            ReadOnlySpan<float> parameters = policy.ForwardDistribution(observations, 3);
            return ImitationLoss.NegativeLogLikelihood(policy.Distribution, parameters, actions, weights, new float[parameters.Length], new float[6], 3);
        }

        foreach (var p in policy.PolicyParameters)
        {
            p.ZeroGradient();
        }

        ReadOnlySpan<float> parameters = policy.ForwardDistribution(observations, 3);
        float[] grad = new float[parameters.Length];
        ImitationLoss.NegativeLogLikelihood(policy.Distribution, parameters, actions, weights, grad, new float[6], 3);
        policy.BackwardDistribution(grad, 3);

        AlgorithmTestSupport.AssertGradientMatchesFiniteDifferences(policy.PolicyParameters, Loss);
    }

    private static void AssertNllGradient(IDistribution<double> distribution, double[] parameters, double[] actions, double[] weights, int batch)
    {
        double[] grad = new double[parameters.Length];
        ImitationLoss.NegativeLogLikelihood<double>(distribution, parameters, actions, weights, grad, new double[2 * batch], batch);
        for (int k = 0; k < parameters.Length; k++)
        {
            double numeric = CentralDifference(parameters, k, p => ImitationLoss.NegativeLogLikelihood<double>(distribution, p, actions, weights, new double[p.Length], new double[2 * batch], batch));
            Assert.True(Math.Abs(numeric - grad[k]) < 1e-7, $"parameter {k}: analytic {grad[k]}, numeric {numeric}");
        }
    }

    private static double CentralDifference(double[] parameters, int k, Func<double[], double> loss)
    {
        double[] plus = (double[])parameters.Clone();
        double[] minus = (double[])parameters.Clone();
        plus[k] += H;
        minus[k] -= H;
        return (loss(plus) - loss(minus)) / (2 * H);
    }
}
