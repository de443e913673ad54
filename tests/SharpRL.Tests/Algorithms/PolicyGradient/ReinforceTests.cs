using SharpRL.Algorithms.Common;
using SharpRL.Algorithms.PolicyGradient;
using SharpRL.Nn;


namespace SharpRL.Tests.Algorithms.PolicyGradient;

public class ReinforceTests
{
    private static readonly double[] BanditRewards = [1.0, 3.0, -2.0];

    /// <summary>
    /// A linear-softmax policy on the one-state bandit with logits (ln 2, 0, 0), so π = (1/2, 1/4, 1/4) exactly,
    /// and a rollout of 4 one-step episodes with actions (0, 0, 1, 2): the empirical action distribution of the
    /// batch IS π, so the batch gradient equals the expectation E_a~π[∇ ln π(a) (R(a) − b)].
    /// </summary>
    private static Reinforce ExactBatchReinforce(float baseline)
    {
        var options = new ReinforceOptions
        {
            NumEnvs = 4,
            NumSteps = 1,
            BatchSize = 4,
            Policy = new() { PolicyHiddenSizes = [], ValueHiddenSizes = [4] },
        };
        var reinforce = new Reinforce(new OneStateBanditVectorEnv(4, BanditRewards), options, seed: 1);
        Parameter<float> weight = reinforce.Policy.PolicyParameters[0];
        Parameter<float> bias = reinforce.Policy.PolicyParameters[1];
        Array.Clear(weight.Value);
        bias.Value[0] = MathF.Log(2f);
        bias.Value[1] = 0f;
        bias.Value[2] = 0f;

        RolloutBuffer buffer = reinforce.Buffer;
        float[] actions = [0, 0, 1, 2];
        for (int i = 0; i < 4; i++)
        {
            buffer.Observations[i] = 1f;
            buffer.Actions[i] = actions[i];
            buffer.Rewards[i] = (float)BanditRewards[(int)actions[i]];
            buffer.Values[i] = baseline;
            buffer.NextValues[i] = 0f;
            buffer.Terminated[i] = 1f;
            buffer.Truncated[i] = 0f;
        }

        buffer.ComputeAdvantages(0.99f, 1f);
        return reinforce;
    }

    /// <summary>Brute force over the actions: E_a~π[∂ ln π(a)/∂z_k (R(a) − b)] = Σ_a π_a (δ_ak − π_k)(R(a) − b).</summary>
    private static double[] ExpectedGradient(double[] pi, double baseline)
    {
        double[] gradient = new double[pi.Length];
        for (int a = 0; a < pi.Length; a++)
        {
            for (int k = 0; k < pi.Length; k++)
            {
                gradient[k] += pi[a] * ((a == k ? 1 : 0) - pi[k]) * (BanditRewards[a] - baseline);
            }
        }

        return gradient;
    }

    [Theory]
    [InlineData(0.0f)]
    [InlineData(0.7f)]
    [InlineData(-4.0f)]
    public void ComputePolicyGradient_BatchDistributedAsPolicy_EqualsBruteForceExpectation(float baseline)
    {
        Reinforce reinforce = ExactBatchReinforce(baseline);

        reinforce.ComputePolicyGradient();

        // The loss is −g, so the bias gradient is −E[∇_z ln π (R − b)]; the weight sees the same times the observation 1.
        double[] expected = ExpectedGradient([0.5, 0.25, 0.25], baseline);
        float[] biasGradient = reinforce.Policy.PolicyParameters[1].Gradient;
        float[] weightGradient = reinforce.Policy.PolicyParameters[0].Gradient;
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(-expected[k], biasGradient[k], 1e-6);
            Assert.Equal(-expected[k], weightGradient[k], 1e-6);
        }
    }

    [Fact]
    public void ComputePolicyGradient_AnyConstantBaseline_SameGradientAsNoBaseline()
    {
        // Unbiasedness for any b: Σ_a π_a ∇ ln π(a) = ∇ Σ_a π_a = 0, so b drops out of the expectation:
        // the gradient is π_k (R_k − E_π[R]) whatever b is. Here E_π[R] = 0.75.
        float[] Gradient(float baseline)
        {
            Reinforce reinforce = ExactBatchReinforce(baseline);
            reinforce.ComputePolicyGradient();
            return (float[])reinforce.Policy.PolicyParameters[1].Gradient.Clone();
        }

        float[] withoutBaseline = Gradient(0f);
        float[] withBaseline = Gradient(2.5f);

        double[] closedForm = [-0.5 * (1 - 0.75), -0.25 * (3 - 0.75), -0.25 * (-2 - 0.75)];
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(withoutBaseline[k], withBaseline[k], 1e-6);
            Assert.Equal(closedForm[k], withBaseline[k], 1e-6);
        }
    }

    [Fact]
    public void Train_FitsBaselineTowardsReturns()
    {
        // After a few updates on the one-state bandit the baseline approaches E_π[R] (mean of the returns seen).
        var options = new ReinforceOptions
        {
            NumEnvs = 8,
            NumSteps = 4,
            BatchSize = 8,
            LearningRate = Schedule.Constant(1e-4),
            BaselineEpochs = 10,
            BaselineLearningRate = 1e-2,
            Policy = new() { PolicyHiddenSizes = [], ValueHiddenSizes = [4] },
        };
        var reinforce = new Reinforce(new OneStateBanditVectorEnv(8, BanditRewards), options, seed: 2);
        reinforce.Learn(32 * 40);

        float[] value = new float[1];
        reinforce.Policy.ForwardValues([1f], value, 1);
        double meanReturn = reinforce.Buffer.Returns.Average(r => (double)r);
        Assert.InRange(value[0], meanReturn - 0.5, meanReturn + 0.5);
    }

    [Fact]
    public void Learn_ContextBandit_ReachesOptimalReturn()
    {
        // Budget 6,000 steps (188 updates); threshold: mean return of the last 100 episodes ≥ 0.95 (uniform: 0.5).
        var options = new ReinforceOptions
        {
            NumEnvs = 4,
            NumSteps = 8,
            BatchSize = 16,
            LearningRate = Schedule.Constant(1e-2),
            NormalizeAdvantage = true,
            Policy = AlgorithmTestSupport.SmallPolicy,
        };
        var reinforce = new Reinforce(new ContextBanditVectorEnv(4), options, seed: 1);
        reinforce.Learn(6_000);
        Assert.True(reinforce.RecentMeanReturn >= 0.95, $"recent mean return {reinforce.RecentMeanReturn}");
    }

    [Fact]
    public void Constructor_LambdaBelowOne_ThrowsNamingSetting()
    {
        var e = Assert.Throws<ArgumentException>(() => new Reinforce(new ContextBanditVectorEnv(1), new ReinforceOptions { GaeLambda = 0.95, BatchSize = 64 }));
        Assert.Contains("gae_lambda", e.Message, StringComparison.Ordinal);
        Assert.Contains("0.95", e.Message, StringComparison.Ordinal);
    }
}
