using SharpRL.Algorithms;
using SharpRL.Algorithms.AdvantageWeighted;
using SharpRL.Algorithms.Imitation;
using SharpRL.Distributions;
using SharpRL.Environments;
using SharpRL.Envs;
using SharpRL.Spaces;
using SharpRL.Training;

namespace SharpRL.Tests.Algorithms.AdvantageWeighted;

public sealed class AwrTests
{
    [Fact]
    public void AdvantageWeights_BelowAndAboveClip_ExpOrMaxWeight()
    {
        float[] advantages = [-1f, 0f, 1f, 2.5f, 100f];
        float[] weights = new float[5];

        double clipped = AdvantageWeights.Compute(advantages, temperature: 1.0, maxWeight: 10.0, weights);

        Assert.Equal((float)Math.Exp(-1), weights[0]);
        Assert.Equal(1f, weights[1]);
        Assert.Equal((float)Math.E, weights[2]);
        Assert.Equal(10f, weights[3]); // e^2.5 ≈ 12.2 > 10
        Assert.Equal(10f, weights[4]); // no overflow for a huge advantage
        Assert.Equal(0.4, clipped, 12);
    }

    [Fact]
    public void AdvantageWeights_HigherTemperature_FlatterWeights()
    {
        float[] advantages = [-1f, 0f, 1f];
        float[] cold = new float[3], warm = new float[3];
        AdvantageWeights.Compute(advantages, 0.5, 1e9, cold);
        AdvantageWeights.Compute(advantages, 5.0, 1e9, warm);
        Assert.Equal(Math.Exp(4), cold[2] / cold[0], 4);
        Assert.Equal(Math.Exp(0.4), warm[2] / warm[0], 4);
    }

    [Theory]
    [InlineData(1.0)]   // π ∝ μ·(e, 1, e⁻¹): no weight clipped
    [InlineData(0.25)]  // e⁴ ≈ 54.6 is clipped at 20: π ∝ μ·(20, 1, e⁻⁴)
    [InlineData(10.0)]  // nearly μ itself
    public void WeightedRegression_BanditWithKnownAdvantages_ConvergesToClippedExponentialTilt(double temperature)
    {
        // Three arms, behaviour μ = (½, ¼, ¼) given as exact counts, advantages A = (1, 0, −1). The weighted
        // log-likelihood Σ w_i ln π(a_i) over free logits is maximised by π(a) ∝ Σ_{i: a_i = a} w_i =
        // n_a · min(exp(A_a/β), w_max), the sample version of π* ∝ μ exp(A/β).
        int[] counts = [2, 1, 1];
        double[] advantage = [1, 0, -1];
        const double maxWeight = 20;
        double[] actions = [.. counts.SelectMany((n, arm) => Enumerable.Repeat((double)arm, n))];
        float[] weightsF = new float[actions.Length];
        AdvantageWeights.Compute([.. actions.Select(a => (float)advantage[(int)a])], temperature, maxWeight, weightsF);
        double[] weights = [.. weightsF.Select(w => (double)w)];
        var categorical = new Categorical<double>(3);
        double[] logits = new double[3];
        int b = actions.Length;
        double[] parameters = new double[3 * b], grad = new double[3 * b], scratch = new double[2 * b];
        for (int step = 0; step < 3000; step++)
        {
            for (int i = 0; i < b; i++)
            {
                logits.CopyTo(parameters, 3 * i);
            }

            Array.Clear(grad);
            ImitationLoss.NegativeLogLikelihood<double>(categorical, parameters, actions, weights, grad, scratch, b);
            for (int k = 0; k < 3; k++)
            {
                double g = 0;
                for (int i = 0; i < b; i++)
                {
                    g += grad[(3 * i) + k];
                }

                logits[k] -= 2.0 * g;
            }
        }

        double[] expected = [.. Enumerable.Range(0, 3).Select(a => counts[a] * Math.Min(Math.Exp(advantage[a] / temperature), maxWeight))];
        double total = expected.Sum();
        double normalizer = logits.Select(Math.Exp).Sum();
        for (int a = 0; a < 3; a++)
        {
            Assert.Equal(expected[a] / total, Math.Exp(logits[a]) / normalizer, 4);
        }
    }

    [Fact]
    public void PolicyLoss_WeightedRegressionThroughNetwork_GradientMatchesFiniteDifferences()
    {
        using IEnv env = Gym.Make("Pendulum-v1");
        var options = new AwrOptions { StepsPerIteration = 8, BufferSize = 8, BatchSize = 4, Policy = AlgorithmTestSupport.SmallPolicy with { LogStdInit = -0.3f } };
        var awr = new Awr(env, options, seed: 3);
        float[] observations = [0.9f, 0.4f, -1.0f, -0.2f, 0.98f, 3.0f, 0.5f, -0.86f, 0.1f, 1f, 0f, -7f];
        float[] actions = [1.2f, -0.4f, 0.3f, -1.9f];
        float[] weights = [0.5f, 20f, 1f, 3f];
        foreach (var p in awr.Policy.PolicyParameters)
        {
            p.ZeroGradient();
        }

        awr.PolicyLoss(observations, actions, weights, 4, backward: true);

        AlgorithmTestSupport.AssertGradientMatchesFiniteDifferences(awr.Policy.PolicyParameters, () => awr.PolicyLoss(observations, actions, weights, 4, backward: false));
    }

    [Fact]
    public void Learn_SameSeed_SameWeights()
    {
        float[] Train()
        {
            using IEnv env = Gym.Make("CartPole-v1");
            var options = AwrPresets.For("CartPole-v1").Options with { StepsPerIteration = 256, BufferSize = 512, ValueSteps = 5, PolicySteps = 5 };
            var awr = new Awr(env, options, seed: 4);
            awr.Learn(512);
            return [.. awr.Policy.Parameters.SelectMany(p => p.Value)];
        }

        Assert.Equal(Train(), Train());
    }

    [Fact]
    public void ObservationStatistics_UpdatedForNormalizerSamplesThenFrozen()
    {
        using IEnv env = Gym.Make("Pendulum-v1");
        var options = AwrPresets.For("Pendulum-v1").Options with { StepsPerIteration = 100, BufferSize = 400, NormalizerSamples = 250 };
        var awr = new Awr(env, options, seed: 2);
        IActingPolicy acting = ((ILearner)awr).CreateEvaluationPolicy();
        float[] probe = [0.5f, 0.5f, 1f];
        float[] Action()
        {
            float[] action = new float[1];
            acting.Act(probe, action, deterministic: true, new Random(0));
            return action;
        }

        // Collect alone never changes the weights, so a changed action means changed statistics.
        awr.Collect(200);
        float[] at200 = Action();
        awr.Collect(100);   // steps 200..299: statistics take samples up to step 250, then freeze
        float[] at300 = Action();
        awr.Collect(100);
        float[] at400 = Action();
        Assert.NotEqual(at200, at300);
        Assert.Equal(at300, at400);
    }

    [Fact]
    public void Presets_MuJoCo_FollowThePaper()
    {
        AwrPreset hopper = AwrPresets.For("Hopper-v4"), cheetah = AwrPresets.For("HalfCheetah-v4");
        Assert.Equal((2048, 50_000, 200, 1000, 256, 300_000L), (hopper.Options.StepsPerIteration, hopper.Options.BufferSize, hopper.Options.ValueSteps, hopper.Options.PolicySteps, hopper.Options.BatchSize, hopper.Options.NormalizerSamples));
        Assert.Equal(MathF.Log(0.4f), hopper.Options.Policy.LogStdInit);
        Assert.False(hopper.Options.LearnStd);
        Assert.Equal((1e-4, 5e-5), (hopper.Options.PolicyLearningRate, cheetah.Options.PolicyLearningRate));
        Assert.Equal(1_000_000, hopper.TotalTimesteps);
    }

    [Fact]
    public void Constructor_InvalidOption_ClearError()
    {
        using IEnv env = Gym.Make("CartPole-v1");
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Awr(env, new AwrOptions { Temperature = 0 }, 0));
        Assert.Contains("temperature", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void CartPole_Preset_Seed0_Reaches475()
    {
        using IEnv env = Gym.Make("CartPole-v1");
        AwrPreset preset = AwrPresets.For("CartPole-v1");
        var awr = new Awr(env, preset.Options, seed: 0);

        awr.Learn(preset.TotalTimesteps);

        using IEnv evaluationEnv = Gym.Make("CartPole-v1");
        EvaluationResult result = Evaluation.Evaluate(awr.Policy, evaluationEnv, episodes: 20, deterministic: true, seed: 10_000);
        Assert.True(result.Mean >= 475, $"AWR CartPole-v1 seed 0 after {awr.NumTimesteps} steps: mean eval return {result.Mean}");
    }
}
