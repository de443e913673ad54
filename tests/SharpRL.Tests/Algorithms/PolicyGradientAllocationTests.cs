using SharpRL.Algorithms.Common;
using SharpRL.Algorithms.PolicyGradient;
using SharpRL.Algorithms.ProximalPolicy;
using SharpRL.Algorithms.TrustRegion;

using static SharpRL.Tests.Algorithms.AlgorithmTestSupport;

namespace SharpRL.Tests.Algorithms;

/// <summary>Steady-state updates allocate nothing: buffers are sized once, and the second call of each update must not grow them.</summary>
public class PolicyGradientAllocationTests
{
    public static TheoryData<string, bool> Algorithms
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (string name in new[] { "ppo", "ppo-kl", "ppo-mc", "reinforce", "a2c", "npg", "trpo" })
            {
                data.Add(name, false);
                data.Add(name, true);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Learn_SteadyStateIteration_AllocatesNothing(string name, bool continuous)
    {
        // A whole iteration (rollout, GAE, update, logging) after two warm-up iterations: 0 bytes on this thread.
        using OnPolicyAlgorithm agent = Create(name, continuous);
        int rollout = agent.Options.RolloutSize;
        agent.Learn(2 * rollout);

        long before = GC.GetAllocatedBytesForCurrentThread();
        agent.Learn(agent.NumTimesteps + rollout);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(3 * rollout, agent.NumTimesteps);
        Assert.Equal(0, allocated);
    }

    private static OnPolicyAlgorithm Create(string name, bool continuous)
    {
        var env = new ContextBanditVectorEnv(4, continuous);
        return name switch
        {
            "ppo" => new Ppo(env, new PpoOptions { NumEnvs = 4, NumSteps = 8, BatchSize = 16, NumEpochs = 2, EntCoef = 0.01, Policy = SmallPolicy }),
            "ppo-kl" => new PpoKl(env, new PpoKlOptions { NumEnvs = 4, NumSteps = 8, BatchSize = 16, NumEpochs = 2, EntCoef = 0.01, Policy = SmallPolicy }),
            "ppo-mc" => new Ppo(env, new PpoOptions { NumEnvs = 4, NumSteps = 8, BatchSize = 16, NumEpochs = 2, GaeLambda = 1.0, ClipRangeVf = 0.2, TargetKl = 0.5, Policy = SmallPolicy with { SharedTrunk = true } }),
            "reinforce" => new Reinforce(env, new ReinforceOptions { NumEnvs = 4, NumSteps = 8, BatchSize = 8, EntCoef = 0.01, Policy = SmallPolicy }),
            "a2c" => new A2c(env, new A2cOptions { NumEnvs = 4, NumSteps = 8, EntCoef = 0.01, Policy = SmallPolicy }),
            "npg" => new Npg(env, new NpgOptions { NumEnvs = 4, NumSteps = 8, BatchSize = 8, EntCoef = 0.01, Policy = SmallPolicy }),
            "trpo" => new Trpo(env, new TrpoOptions { NumEnvs = 4, NumSteps = 8, BatchSize = 8, Policy = SmallPolicy }),
            _ => throw new ArgumentException($"Unknown algorithm '{name}'.", nameof(name)),
        };
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Updates_SteadyState_AllocateNothing(bool continuous)
    {
        Reinforce reinforce = Collected(new Reinforce(new ContextBanditVectorEnv(4, continuous), new ReinforceOptions { NumEnvs = 4, NumSteps = 8, BatchSize = 8, Policy = SmallPolicy }));
        Assert.Equal(0, SteadyStateAllocation.Measure(() => reinforce.ComputePolicyGradient()));

        A2c a2c = Collected(new A2c(new ContextBanditVectorEnv(4, continuous), new A2cOptions { NumEnvs = 4, NumSteps = 8, Policy = SmallPolicy }));
        Assert.Equal(0, SteadyStateAllocation.Measure(() => a2c.ComputeGradients()));

        Ppo ppo = Collected(new Ppo(new ContextBanditVectorEnv(4, continuous), new PpoOptions { NumEnvs = 4, NumSteps = 8, BatchSize = 16, EntCoef = 0.01, Policy = SmallPolicy }));
        int[] ppoIndices = [.. Enumerable.Range(0, 16)];
        Assert.Equal(0, SteadyStateAllocation.Measure(() =>
        {
            ppo.Batch.Gather(ppo.Buffer, ppoIndices, ppo.Options.NormalizeAdvantage);
            ppo.ComputeGradients(0.2f, 0.28f);
        }));

        PpoKl ppoKl = Collected(new PpoKl(new ContextBanditVectorEnv(4, continuous), new PpoKlOptions { NumEnvs = 4, NumSteps = 8, BatchSize = 16, Policy = SmallPolicy }));
        int[] indices = [.. Enumerable.Range(0, 16)];
        Assert.Equal(0, SteadyStateAllocation.Measure(() =>
        {
            ppoKl.Batch.Gather(ppoKl.Buffer, indices, ppoKl.Options.NormalizeAdvantage);
            ppoKl.ComputeGradients(1f);
            ppoKl.RolloutMeanKl();
        }));

        Trpo trpo = Collected(new Trpo(new ContextBanditVectorEnv(4, continuous), new TrpoOptions { NumEnvs = 4, NumSteps = 8, BatchSize = 8, Policy = SmallPolicy }));
        trpo.Natural.Gather(normalizeAdvantage: true);
        float[] gradient = new float[trpo.Natural.ParameterCount];
        float[] direction = new float[trpo.Natural.ParameterCount];
        Assert.Equal(0, SteadyStateAllocation.Measure(() =>
        {
            double surrogate = trpo.Natural.Surrogate(0.01, gradient, out _);
            trpo.LineSearch(gradient, 1e-3, surrogate);
        }));
        Assert.Equal(0, SteadyStateAllocation.Measure(() => trpo.Natural.SolveFisher(gradient, direction, 0.1, 10, 1e-5)));

        var critic = new ValueRegression(trpo.Policy, trpo.Buffer, batchSize: 8, learningRate: 1e-3);
        var random = new Random(0);
        Assert.Equal(0, SteadyStateAllocation.Measure(() => critic.Fit(2, 1e-3, random)));
    }
}
