using SharpRL.Algorithms.OffPolicy;
using SharpRL.Envs.Vector;

namespace SharpRL.Tests.Algorithms.OffPolicy;

/// <summary>Steady-state off-policy training allocates nothing: env steps, buffer writes, sampling and updates reuse their buffers.</summary>
public class OffPolicyAllocationTests
{
    [Fact]
    public void Td3AndSac_StepsAndUpdates_AllocateNothing()
    {
        // One long episode, so no episode ends (and no log dumps) inside the measured steps.
        using var env = new SyncVectorEnv([new ConstantRewardEnv(100_000), new ConstantRewardEnv(100_000)]);
        using var td3 = new Td3(env, new Td3Options { NumEnvs = 2, HiddenSizes = [32, 32], BatchSize = 64, LearningStarts = 64, NoiseType = ActionNoiseKind.OrnsteinUhlenbeck }, seed: 1);
        td3.Learn(200);
        long steps = td3.NumTimesteps;
        Assert.Equal(0, SteadyStateAllocation.Measure(() => td3.Learn(steps += 20)));
        Assert.Equal(0, SteadyStateAllocation.Measure(() => td3.Train(4)));

        using var env2 = new SyncVectorEnv([new ConstantRewardEnv(100_000), new ConstantRewardEnv(100_000)]);
        using var sac = new Sac(env2, new SacOptions { NumEnvs = 2, HiddenSizes = [32, 32], BatchSize = 64, LearningStarts = 64 }, seed: 2);
        sac.Learn(200);
        steps = sac.NumTimesteps;
        Assert.Equal(0, SteadyStateAllocation.Measure(() => sac.Learn(steps += 20)));
        Assert.Equal(0, SteadyStateAllocation.Measure(() => sac.Train(4)));
    }
}
