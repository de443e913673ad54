using SharpRL.Algorithms.Common;
using SharpRL.Algorithms.PolicyGradient;
using SharpRL.Algorithms.ProximalPolicy;
using SharpRL.Algorithms.TrustRegion;

using static SharpRL.Tests.Algorithms.AlgorithmTestSupport;

namespace SharpRL.Tests.Algorithms;

/// <summary>Steady-state updates allocate nothing: buffers are sized once, and the second call of each update must not grow them.</summary>
public class PolicyGradientAllocationTests
{
    private static long AllocatedBytes(Action update)
    {
        update();
        update();
        long before = GC.GetAllocatedBytesForCurrentThread();
        update();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Updates_SteadyState_AllocateNothing(bool continuous)
    {
        Reinforce reinforce = Collected(new Reinforce(new ContextBanditVectorEnv(4, continuous), new ReinforceOptions { NumEnvs = 4, NumSteps = 8, BatchSize = 8, Policy = SmallPolicy }));
        Assert.Equal(0, AllocatedBytes(() => reinforce.ComputePolicyGradient()));

        A2c a2c = Collected(new A2c(new ContextBanditVectorEnv(4, continuous), new A2cOptions { NumEnvs = 4, NumSteps = 8, Policy = SmallPolicy }));
        Assert.Equal(0, AllocatedBytes(() => a2c.ComputeGradients()));

        PpoKl ppoKl = Collected(new PpoKl(new ContextBanditVectorEnv(4, continuous), new PpoKlOptions { NumEnvs = 4, NumSteps = 8, BatchSize = 16, Policy = SmallPolicy }));
        int[] indices = [.. Enumerable.Range(0, 16)];
        Assert.Equal(0, AllocatedBytes(() =>
        {
            ppoKl.Batch.Gather(ppoKl.Buffer, indices, ppoKl.Options.NormalizeAdvantage);
            ppoKl.ComputeGradients(1f);
            ppoKl.RolloutMeanKl();
        }));

        Trpo trpo = Collected(new Trpo(new ContextBanditVectorEnv(4, continuous), new TrpoOptions { NumEnvs = 4, NumSteps = 8, BatchSize = 8, Policy = SmallPolicy }));
        trpo.Natural.Gather(normalizeAdvantage: true);
        float[] gradient = new float[trpo.Natural.ParameterCount];
        float[] direction = new float[trpo.Natural.ParameterCount];
        Assert.Equal(0, AllocatedBytes(() =>
        {
            double surrogate = trpo.Natural.Surrogate(0.01, gradient, out _);
            trpo.LineSearch(gradient, 1e-3, surrogate);
        }));
        Assert.Equal(0, AllocatedBytes(() => trpo.Natural.SolveFisher(gradient, direction, 0.1, 10, 1e-5)));

        var critic = new ValueRegression(trpo.Policy, trpo.Buffer, batchSize: 8, learningRate: 1e-3);
        var random = new Random(0);
        Assert.Equal(0, AllocatedBytes(() => critic.Fit(2, 1e-3, random)));
    }
}
