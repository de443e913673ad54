using SharpRL.Algorithms.OffPolicy;
using SharpRL.Rng;
using SharpRL.Distributions;
using SharpRL.Nn;
using SharpRL.Policies;

namespace SharpRL.Tests.Algorithms.OffPolicy;

/// <summary>The off-policy policies' gradients against central finite differences, in double precision.</summary>
public class OffPolicyGradientTests
{
    private const int Batch = 5;
    private const int ObservationSize = 3;
    private const int ActionSize = 2;
    private const double H = 1e-6;

    private static double[] RandomArray(int length, Random random, double scale = 1)
        => [.. Enumerable.Range(0, length).Select(_ => scale * ((2 * random.NextDouble()) - 1))];

    private static QCritic<double> NewCritic(Random random)
    {
        var critic = new QCritic<double>(ObservationSize, ActionSize, [6, 5], Activation.Tanh, count: 2);
        foreach (Mlp<double> q in critic.Networks)
        {
            FanInUniformInit.Apply(q, random);
        }

        return critic;
    }

    private static void AssertClose(double expected, double actual, string what)
        => Assert.True(Math.Abs(expected - actual) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"{what}: numeric {expected}, analytic {actual}");

    [Fact]
    public void QCriticBackward_ActionGradient_MatchesCentralDifferences()
    {
        var random = new Random(1);
        QCritic<double> critic = NewCritic(random);
        double[] s = RandomArray(Batch * ObservationSize, random), a = RandomArray(Batch * ActionSize, random);
        double[] weights = RandomArray(Batch, random);
        var q = new double[Batch];

        // L = Σ_b w_b Q_1(s_b, a_b): ∂L/∂a_b = w_b ∂Q_1/∂a_b.
        double Loss()
        {
            critic.Forward(1, s, a, q, Batch);
            return q.Select((v, b) => v * weights[b]).Sum();
        }

        Loss();
        var gradA = new double[Batch * ActionSize];
        critic.Backward(1, weights, gradA, Batch);
        for (int k = 0; k < a.Length; k++)
        {
            double saved = a[k];
            a[k] = saved + H;
            double plus = Loss();
            a[k] = saved - H;
            double minus = Loss();
            a[k] = saved;
            AssertClose((plus - minus) / (2 * H), gradA[k], $"∂L/∂a[{k}]");
        }
    }

    [Fact]
    public void DeterministicActorGradient_ThroughCritic_MatchesCentralDifferences()
    {
        var random = new Random(2);
        QCritic<double> critic = NewCritic(random);
        var actor = new DeterministicActor<double>(ObservationSize, ActionSize, [7, 4], Activation.Relu);
        FanInUniformInit.Apply(actor.Network, random);
        double[] s = RandomArray(Batch * ObservationSize, random, 2);
        var a = new double[Batch * ActionSize];
        var q = new double[Batch];

        // L(θ) = −mean_b Q_0(s_b, μ_θ(s_b)), the DDPG/TD3 actor loss.
        double Loss()
        {
            actor.Forward(s, a, Batch);
            critic.Forward(0, s, a, q, Batch);
            return -q.Average();
        }

        Loss();
        foreach (Parameter<double> p in actor.Parameters)
        {
            p.ZeroGradient();
        }

        var gradQ = Enumerable.Repeat(-1.0 / Batch, Batch).ToArray();
        var gradA = new double[Batch * ActionSize];
        critic.Backward(0, gradQ, gradA, Batch);
        actor.Backward(gradA, [], Batch);
        AssertParameterGradients(actor.Parameters, Loss);
    }

    [Fact]
    public void SquashedActorGradient_ReparameterisedLoss_MatchesCentralDifferences()
    {
        var random = new Random(3);
        var actor = new SquashedGaussianActor<double>(ObservationSize, ActionSize, [6], Activation.Tanh);
        FanInUniformInit.Apply(actor.Network, random);
        double[] s = RandomArray(Batch * ObservationSize, random, 2);
        var epsilon = new double[Batch * ActionSize];
        StandardNormal.Fill<double>(epsilon, random);
        double[] c = RandomArray(Batch * ActionSize, random), alpha = RandomArray(Batch, random);
        var a = new double[Batch * ActionSize];
        var logProb = new double[Batch];

        // L(θ) = Σ c·a + Σ α_b ln π(a_b|s_b) with ε fixed: the shape of SAC's actor loss.
        double Loss()
        {
            actor.Forward(s, epsilon, a, logProb, Batch);
            return a.Select((v, k) => v * c[k]).Sum() + logProb.Select((v, b) => v * alpha[b]).Sum();
        }

        Loss();
        foreach (Parameter<double> p in actor.Parameters)
        {
            p.ZeroGradient();
        }

        actor.Backward(c, alpha, Batch);
        AssertParameterGradients(actor.Parameters, Loss);
    }

    [Fact]
    public void SquashedActorGradient_LogStdOutsideClamp_IsZero()
    {
        var actor = new SquashedGaussianActor<double>(1, 1, [1], Activation.Relu);
        Mlp<double> net = actor.Network;
        net.Layers[0].Weight.Value[0] = 1;
        net.Layers[1].Weight.Value[0] = 1;
        net.Layers[1].Weight.Value[1] = 1;
        net.Layers[1].Bias.Value[1] = 5; // raw log σ = relu(s) + 5 > 2: clamped
        var a = new double[1];
        var logProb = new double[1];
        actor.Forward([0.5], [0.3], a, logProb, 1);
        net.Layers[1].Bias.ZeroGradient();
        actor.Backward([1.0], [1.0], 1);
        Assert.Equal(0.0, net.Layers[1].Bias.Gradient[1]);
        Assert.NotEqual(0.0, net.Layers[1].Bias.Gradient[0]);

        // At the clamp the sample uses σ = e²: ln π = −ε²/2 − 2 − ½ ln 2π − ln(1 − tanh² u).
        double u = 0.5 + (Math.Exp(2) * 0.3);
        Assert.Equal(Math.Tanh(u), a[0], 12);
        Assert.Equal((-0.045) - 2 - (0.5 * Math.Log(2 * Math.PI)) - Math.Log(1 - (Math.Tanh(u) * Math.Tanh(u))), logProb[0], 9);
    }

    [Theory]
    [InlineData(0.3, -0.2, 0.4)]
    [InlineData(-1.5, 0.5, -2.0)]
    [InlineData(2.0, -3.0, 4.0)]
    public void SquashedLogProb_MatchesChangeOfVariablesWithNumericalJacobian(double mu0, double logStd0, double u0)
    {
        double[] mean = [mu0, -0.7 * mu0];
        double[] logStd = [logStd0, 0.5 * logStd0];
        double[] u = [u0, 1.1];

        // p_A(a) = p_U(atanh a) |det ∂u/∂a|: the Jacobian of atanh by central differences on a = tanh u.
        double logDensityU = 0, logDet = 0;
        for (int j = 0; j < 2; j++)
        {
            double std = Math.Exp(logStd[j]);
            double z = (u[j] - mean[j]) / std;
            logDensityU += (-0.5 * z * z) - logStd[j] - (0.5 * Math.Log(2 * Math.PI));
            double action = Math.Tanh(u[j]);
            double h = 1e-6 * (1 - Math.Abs(action));
            double jacobian = (Math.Atanh(action + h) - Math.Atanh(action - h)) / (2 * h);
            logDet += Math.Log(jacobian);
        }

        Assert.Equal(logDensityU + logDet, SquashedDiagGaussian.LogProb<double>(mean, logStd, u), 6);

        // The actor's sampling forward gives the same value for the same u (ε = (u − μ)/σ).
        var actor = new SquashedGaussianActor<double>(1, 2, [1], Activation.Relu);
        ((double[])[mean[0], mean[1], logStd[0], logStd[1]]).CopyTo(actor.Network.Layers[1].Bias.Value, 0);
        double[] epsilon = [(u[0] - mean[0]) / Math.Exp(logStd[0]), (u[1] - mean[1]) / Math.Exp(logStd[1])];
        var a = new double[2];
        var logProb = new double[1];
        actor.Forward([0.0], epsilon, a, logProb, 1);
        Assert.Equal(logDensityU + logDet, logProb[0], 6);
    }

    [Fact]
    public void LogOneMinusTanhSquared_StableForm_MatchesLiteralAndStaysFinite()
    {
        foreach (double u in new[] { -5.0, -0.3, 0.0, 0.7, 4.0 })
        {
            Assert.Equal(Math.Log(1 - (Math.Tanh(u) * Math.Tanh(u))), SquashedDiagGaussian.LogOneMinusTanhSquared(u), 10);
        }

        // In float32 tanh(12) rounds to 1 and the literal form is −∞; the stable one is 2(ln 2 − 12 − softplus(−24)).
        float stable = SquashedDiagGaussian.LogOneMinusTanhSquared(12f);
        Assert.True(float.IsFinite(stable));
        Assert.Equal(2 * (Math.Log(2) - 12), stable, 4);
    }

    [Fact]
    public void SquashedEntropy_MonteCarloOfLogProb_MatchesQuadrature()
    {
        const double mu = 0.4, logStd = -0.2;
        double std = Math.Exp(logStd);

        // H[tanh(U)] = H[U] + E[ln(1 − tanh² U)], the expectation by Simpson's rule over μ ± 12σ.
        const int intervals = 4000;
        double lower = mu - (12 * std), width = 24 * std / intervals, expectation = 0;
        for (int i = 0; i <= intervals; i++)
        {
            double u = lower + (i * width);
            double density = Math.Exp(-0.5 * ((u - mu) / std) * ((u - mu) / std)) / (std * Math.Sqrt(2 * Math.PI));
            double weight = i == 0 || i == intervals ? 1 : (i % 2 == 1 ? 4 : 2);
            expectation += weight * density * Math.Log(1 - (Math.Tanh(u) * Math.Tanh(u)));
        }

        double entropy = logStd + (0.5 * (1 + Math.Log(2 * Math.PI))) + (expectation * width / 3);

        // −mean ln π(a) over the actor's own samples estimates the entropy.
        const int samples = 200_000;
        var actor = new SquashedGaussianActor<double>(1, 1, [1], Activation.Relu);
        ((double[])[mu, logStd]).CopyTo(actor.Network.Layers[1].Bias.Value, 0);
        var observations = new double[samples];
        var epsilon = new double[samples];
        StandardNormal.Fill<double>(epsilon, new SerializableRandom(7));
        var actions = new double[samples];
        var logProb = new double[samples];
        actor.Forward(observations, epsilon, actions, logProb, samples);
        double mean = -logProb.Average();
        double standardError = Math.Sqrt(logProb.Select(v => (v + mean) * (v + mean)).Sum() / (samples - 1) / samples);
        Assert.True(Math.Abs(mean - entropy) < 4 * standardError, $"Monte Carlo {mean:F5} ± {standardError:F5}, quadrature {entropy:F5}");
    }

    private static void AssertParameterGradients(IReadOnlyList<Parameter<double>> parameters, Func<double> loss)
    {
        foreach (Parameter<double> p in parameters)
        {
            double[] analytic = (double[])p.Gradient.Clone();
            for (int j = 0; j < p.Length; j++)
            {
                double saved = p.Value[j];
                p.Value[j] = saved + H;
                double plus = loss();
                p.Value[j] = saved - H;
                double minus = loss();
                p.Value[j] = saved;
                AssertClose((plus - minus) / (2 * H), analytic[j], $"{p.Name}[{j}]");
            }
        }
    }
}
