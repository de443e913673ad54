using SharpRL.Envs;
using SharpRL.Envs.Vector;
using SharpRL.Rng;

namespace SharpRL.Environments.Tests.MuJoCo;

public class MuJoCoVectorTests
{
    [SkippableFact]
    public void ParallelVectorEnv_TwoThreads_StepsLikeTheSerialVectorEnvAndReportsInfoPerCopy()
    {
        MuJoCoRequirement.Require();
        const int copies = 4;
        using var serial = new SyncVectorEnv(() => Gym.Make("Hopper-v5"), copies);
        using var parallel = new ParallelVectorEnv(() => Gym.Make("Hopper-v5"), copies, numThreads: 2);
        int n = serial.SingleObservationSpace.FlatSize;
        int m = serial.SingleActionSpace.FlatSize;
        var observationsA = new float[copies * n];
        var observationsB = new float[copies * n];
        var actions = new float[copies * m];
        var rewardsA = new double[copies];
        var rewardsB = new double[copies];
        var terminatedA = new bool[copies];
        var terminatedB = new bool[copies];
        var truncatedA = new bool[copies];
        var truncatedB = new bool[copies];
        serial.Reset(observationsA, seed: 5);
        parallel.Reset(observationsB, seed: 5);
        Assert.Equal(observationsA, observationsB);
        Assert.Equal(6, parallel.InfoKeys.Count);
        var random = NumpyGenerator.Create(0);
        var infoA = new double[6];
        var infoB = new double[6];
        int episodes = 0;
        for (int t = 0; t < 300; t++)
        {
            for (int i = 0; i < copies; i++)
            {
                serial.SingleActionSpace.Sample(actions.AsSpan(i * m, m), random);
            }

            serial.Step(actions, observationsA, rewardsA, terminatedA, truncatedA);
            parallel.Step(actions, observationsB, rewardsB, terminatedB, truncatedB);
            episodes += serial.CompletedEpisodes.Count;
            Assert.Equal(observationsA, observationsB);
            Assert.Equal(rewardsA, rewardsB);
            Assert.Equal(terminatedA, terminatedB);
            for (int i = 0; i < copies; i++)
            {
                serial.GetInfo(i, infoA);
                parallel.GetInfo(i, infoB);
                Assert.Equal(infoA, infoB);

                // The info is the step's, before an autoreset: its reward terms add up to the step's reward.
                Assert.Equal(rewardsA[i], infoA[3] + infoA[5] + infoA[4]);
            }
        }

        Assert.True(episodes > 0, "random Hopper episodes end within 300 steps, so autoresets were exercised");
    }
}
