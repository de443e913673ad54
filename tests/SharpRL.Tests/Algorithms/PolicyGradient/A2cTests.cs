using SharpRL.Algorithms.Common;
using SharpRL.Algorithms.PolicyGradient;
using SharpRL.Algorithms.ProximalPolicy;
using SharpRL.Nn;

using A2c = SharpRL.Algorithms.PolicyGradient.A2c;
using static SharpRL.Tests.Algorithms.AlgorithmTestSupport;

namespace SharpRL.Tests.Algorithms.PolicyGradient;

public class A2cTests
{
    [Fact]
    public void Train_SameBatchAsPpoWithOneEpochOneMinibatch_SameParameterUpdate()
    {
        // Huang et al. 2022: PPO with one epoch, one minibatch = the whole rollout, λ = 1 and no advantage
        // normalisation is A2C. At θ = θ_old the ratio is 1, the clip is inactive and ∇(r Â) = Â ∇ ln π,
        // so with the same optimiser (Adam, ε 1e-5) both take the same step from the same batch.
        const int envs = 4, steps = 8;
        var a2cOptions = new A2cOptions
        {
            NumEnvs = envs,
            NumSteps = steps,
            LearningRate = Schedule.Constant(1e-3),
            GaeLambda = 1.0,
            EntCoef = 0.01,
            VfCoef = 0.5,
            MaxGradNorm = 0.5,
            NormalizeAdvantage = false,
            UseRmsProp = false,
            AdamEpsilon = 1e-5,
            Policy = SmallPolicy,
        };
        var ppoOptions = new PpoOptions
        {
            NumEnvs = envs,
            NumSteps = steps,
            BatchSize = envs * steps,
            NumEpochs = 1,
            LearningRate = Schedule.Constant(1e-3),
            GaeLambda = 1.0,
            EntCoef = 0.01,
            VfCoef = 0.5,
            MaxGradNorm = 0.5,
            NormalizeAdvantage = false,
            AdamEpsilon = 1e-5,
            Policy = SmallPolicy,
        };
        var a2c = new A2c(new WalkVectorEnv(envs), a2cOptions, seed: 5);
        var ppo = new Ppo(new WalkVectorEnv(envs), ppoOptions, seed: 5);
        float[] before = Flatten(a2c.Policy.Parameters);
        Assert.Equal(before, Flatten(ppo.Policy.Parameters));

        a2c.Learn(envs * steps);
        ppo.Learn(envs * steps);

        // Same seed, same initial networks: the two rollouts are the same batch.
        Assert.Equal(a2c.Buffer.Actions, ppo.Buffer.Actions);
        Assert.Equal(a2c.Buffer.Advantages, ppo.Buffer.Advantages);
        Assert.Contains(a2c.Buffer.Truncated.Concat(a2c.Buffer.Terminated), done => done == 1f);
        float[] a2cStep = Subtract(Flatten(a2c.Policy.Parameters), before);
        float[] ppoStep = Subtract(Flatten(ppo.Policy.Parameters), before);

        // Adam's first step is ≈ lr · sign(g) = 1e-3 per coordinate; the two sum the batch in different orders,
        // so the gradients differ by float rounding only. 1e-6 is 0.1 % of a step.
        Assert.True(a2cStep.Max(x => Math.Abs(x)) > 5e-4, "the update should not be trivially zero");
        for (int i = 0; i < a2cStep.Length; i++)
        {
            Assert.True(Math.Abs(a2cStep[i] - ppoStep[i]) <= 1e-6, $"parameter {i}: A2C step {a2cStep[i]}, PPO step {ppoStep[i]}");
        }
    }

    [Fact]
    public void ComputeGradients_SameBatchAsPpoFirstMinibatch_SameGradient()
    {
        // The gradient itself, not only Adam's (scale-invariant) step: PPO's loss on the whole rollout at
        // θ = θ_old, without advantage normalisation, has exactly A2C's gradient.
        var a2cOptions = new A2cOptions { NumEnvs = 4, NumSteps = 8, EntCoef = 0.01, VfCoef = 0.5, Policy = SmallPolicy };
        var ppoOptions = new PpoOptions { NumEnvs = 4, NumSteps = 8, BatchSize = 32, GaeLambda = 1.0, EntCoef = 0.01, VfCoef = 0.5, NormalizeAdvantage = false, Policy = SmallPolicy };
        var a2c = new A2c(new WalkVectorEnv(4), a2cOptions, seed: 9);
        var ppo = new Ppo(new WalkVectorEnv(4), ppoOptions, seed: 9);
        a2c.CollectRollout();
        ppo.CollectRollout();
        a2c.Buffer.ComputeAdvantages(0.99f, 1f);
        ppo.Buffer.ComputeAdvantages(0.99f, 1f);

        a2c.ComputeGradients();
        ppo.Batch.Gather(ppo.Buffer, Enumerable.Range(0, 32).ToArray(), ppo.Options.NormalizeAdvantage);
        ppo.ComputeGradients(0.2f, 0.2f);

        float[] a2cGradient = [.. a2c.Policy.Parameters.SelectMany(p => p.Gradient)];
        float[] ppoGradient = [.. ppo.Policy.Parameters.SelectMany(p => p.Gradient)];
        float scale = a2cGradient.Max(x => Math.Abs(x));
        Assert.True(scale > 1e-3, "the gradient should not be trivially zero");
        for (int i = 0; i < a2cGradient.Length; i++)
        {
            Assert.True(Math.Abs(a2cGradient[i] - ppoGradient[i]) <= 1e-5 * scale, $"gradient {i}: A2C {a2cGradient[i]}, PPO {ppoGradient[i]}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ComputeGradients_MatchesFiniteDifferencesOfLoss(bool sharedTrunk)
    {
        // Float32 networks: central differences with h = 1e-3; tolerance 2e-2 · max(1, |g|) as in the PPO test.
        var options = new A2cOptions { NumEnvs = 4, NumSteps = 8, EntCoef = 0.01, Policy = SmallPolicy with { SharedTrunk = sharedTrunk } };
        A2c a2c = Collected(new A2c(new WalkVectorEnv(4), options, seed: 3));

        a2c.ComputeGradients();
        AlgorithmTestSupport.AssertGradientMatchesFiniteDifferences(a2c.Policy.Parameters, () => a2c.ComputeGradients().Loss);
    }

    [Fact]
    public void Constructor_Defaults_AreSb3A2cWithRmsProp()
    {
        var a2c = new A2c(new ContextBanditVectorEnv(1), new A2cOptions());
        var rmsProp = Assert.IsType<RmsProp<float>>(a2c.Optimizer);
        Assert.Equal(0.99, rmsProp.Alpha);
        Assert.Equal(1e-5, rmsProp.Epsilon);
        Assert.Equal(7e-4, rmsProp.LearningRate);
        Assert.Equal(5, a2c.Options.NumSteps);
        Assert.Equal(1.0, a2c.Options.GaeLambda);
        Assert.False(a2c.Options.NormalizeAdvantage);
        Assert.Equal(0.5, a2c.Options.MaxGradNorm);
        Assert.Equal(0.5, a2c.Options.VfCoef);
        Assert.Equal(0.0, a2c.Options.EntCoef);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Learn_ContextBandit_ReachesOptimalReturn(bool useRmsProp)
    {
        // Budget 8,000 steps (400 updates of 20 transitions); threshold: mean return of the last 100 episodes ≥ 0.95.
        var options = new A2cOptions { NumEnvs = 4, LearningRate = Schedule.Constant(1e-2), UseRmsProp = useRmsProp, Policy = SmallPolicy };
        var a2c = new A2c(new ContextBanditVectorEnv(4), options, seed: 1);
        a2c.Learn(8_000);
        Assert.True(a2c.RecentMeanReturn >= 0.95, $"recent mean return {a2c.RecentMeanReturn}");
    }

    private static float[] Flatten(IReadOnlyList<Parameter<float>> parameters) => [.. parameters.SelectMany(p => p.Value)];

    private static float[] Subtract(float[] a, float[] b) => [.. a.Select((x, i) => x - b[i])];
}
