using SharpRL.Algorithms.Imitation;
using SharpRL.Datasets;
using SharpRL.Environments;
using SharpRL.Envs;
using SharpRL.Logging;
using SharpRL.Rng;
using SharpRL.Spaces;
using SharpRL.Training;

namespace SharpRL.Tests.Algorithms.Imitation;

public sealed class BehaviorCloningTests
{
    // A known linear-Gaussian expert a = W s + b + σ ε, s ~ N(0, I): W is stored (in × out) as Linear stores it.
    private static readonly double[,] TrueWeight = { { 0.5, 0.8 }, { -1.0, 0.2 } };
    private static readonly double[] TrueBias = [0.3, -0.2];
    private static readonly double[] TrueStd = [0.4, 0.2];

    [Fact]
    public void Fit_LinearGaussianExpert_NllRecoversWeightsBiasAndStd()
    {
        TransitionSet data = LinearGaussianData(4000, seed: 1);
        var bc = new BehaviorCloning(data.ObservationSpace, data.ActionSpace, LinearOptions(BehaviorCloningLoss.NegativeLogLikelihood), seed: 0);

        BehaviorCloningResult result = bc.Fit(data);

        float[] weight = bc.Policy.PolicyNetwork.Parameters[0].Value;
        float[] bias = bc.Policy.PolicyNetwork.Parameters[1].Value;
        for (int i = 0; i < 2; i++)
        {
            for (int j = 0; j < 2; j++)
            {
                Assert.True(Math.Abs(weight[(i * 2) + j] - TrueWeight[i, j]) < 0.05, $"W[{i},{j}] = {weight[(i * 2) + j]}, expected {TrueWeight[i, j]}");
            }

            Assert.True(Math.Abs(bias[i] - TrueBias[i]) < 0.05, $"b[{i}] = {bias[i]}, expected {TrueBias[i]}");
            double std = Math.Exp(bc.Policy.LogStd!.Value[i]);
            Assert.True(Math.Abs(std - TrueStd[i]) < 0.03, $"σ[{i}] = {std}, expected {TrueStd[i]}");
        }

        Assert.Equal(result.ValidationLosses.Min(), result.BestValidationLoss);
    }

    [Fact]
    public void Fit_LinearGaussianExpert_SquaredLossRecoversTheMean()
    {
        TransitionSet data = LinearGaussianData(4000, seed: 2);
        var bc = new BehaviorCloning(data.ObservationSpace, data.ActionSpace, LinearOptions(BehaviorCloningLoss.MeanSquaredError), seed: 0);

        BehaviorCloningResult result = bc.Fit(data);

        float[] weight = bc.Policy.PolicyNetwork.Parameters[0].Value;
        float[] bias = bc.Policy.PolicyNetwork.Parameters[1].Value;
        for (int k = 0; k < 4; k++)
        {
            Assert.True(Math.Abs(weight[k] - TrueWeight[k / 2, k % 2]) < 0.05, $"W[{k}] = {weight[k]}");
        }

        Assert.True(Math.Abs(bias[0] - TrueBias[0]) < 0.05 && Math.Abs(bias[1] - TrueBias[1]) < 0.05, $"b = [{bias[0]}, {bias[1]}]");
        // The irreducible squared error is Σ σ² = 0.2: the held-out loss must be close to it.
        Assert.InRange(result.BestValidationLoss, 0.17, 0.23);
    }

    [Fact]
    public void Fit_NoImprovement_StopsAfterPatienceAndKeepsBestEpoch()
    {
        TransitionSet data = LinearGaussianData(400, seed: 3);
        var logger = new MetricsLogger(new MemoryMetricsSink());
        var options = LinearOptions(BehaviorCloningLoss.NegativeLogLikelihood) with { LearningRate = 0.05, MaxEpochs = 500, Patience = 3 };
        var bc = new BehaviorCloning(data.ObservationSpace, data.ActionSpace, options, seed: 0, logger);

        BehaviorCloningResult result = bc.Fit(data);

        Assert.True(result.StoppedEarly);
        Assert.Equal(result.BestEpoch + options.Patience, result.Epochs);
        Assert.Equal(result.ValidationLosses[result.BestEpoch - 1], result.BestValidationLoss);
        Assert.Equal(result.Epochs, result.ValidationLosses.Count);
        var sink = Assert.IsType<MemoryMetricsSink>(logger.Sinks[0]);
        Assert.Equal(result.ValidationLosses, sink.Series(BehaviorCloning.ValidationLossKey).Select(p => p.Value));
    }

    [Fact]
    public void Fit_SameSeed_SameWeights()
    {
        TransitionSet data = LinearGaussianData(300, seed: 4);
        var options = LinearOptions(BehaviorCloningLoss.NegativeLogLikelihood) with { MaxEpochs = 5 };
        var a = new BehaviorCloning(data.ObservationSpace, data.ActionSpace, options, seed: 9);
        var b = new BehaviorCloning(data.ObservationSpace, data.ActionSpace, options, seed: 9);
        a.Fit(data);
        b.Fit(data);
        Assert.Equal(a.Policy.PolicyParameters.SelectMany(p => p.Value), b.Policy.PolicyParameters.SelectMany(p => p.Value));
    }

    [Fact]
    public void Constructor_SquaredLossWithDiscreteActions_Refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new BehaviorCloning(new Box(-1f, 1f, 2), new Discrete(2), new BehaviorCloningOptions { Loss = BehaviorCloningLoss.MeanSquaredError }, 0));
        Assert.Contains("Box actions", error.Message, StringComparison.Ordinal);
    }

    internal static TransitionSet LinearGaussianData(int count, int seed)
    {
        NumpyGenerator random = NumpyGenerator.Create(seed);
        float[] observations = new float[count * 2];
        float[] actions = new float[count * 2];
        for (int n = 0; n < count; n++)
        {
            observations[2 * n] = (float)random.StandardNormal();
            observations[(2 * n) + 1] = (float)random.StandardNormal();
            for (int j = 0; j < 2; j++)
            {
                double mean = TrueBias[j] + (observations[2 * n] * TrueWeight[0, j]) + (observations[(2 * n) + 1] * TrueWeight[1, j]);
                actions[(2 * n) + j] = (float)(mean + (TrueStd[j] * random.StandardNormal()));
            }
        }

        var unbounded = new Box(float.NegativeInfinity, float.PositiveInfinity, 2);
        return new TransitionSet(unbounded, unbounded, observations, actions);
    }

    private static BehaviorCloningOptions LinearOptions(BehaviorCloningLoss loss) => new()
    {
        Loss = loss,
        Policy = new() { PolicyHiddenSizes = [], ValueHiddenSizes = [4] },
        LearningRate = 1e-2,
        BatchSize = 128,
        MaxEpochs = 300,
        Patience = 20,
    };
}
