using SharpRL.Environments;
using SharpRL.Envs.Vector;
using static SharpRL.Tests.Envs.EnvPoolTestSupport;

namespace SharpRL.Tests.Envs;

public class EnvPoolMuJoCoTests
{
    [SkippableTheory]
    [InlineData("Hopper-v4")]
    [InlineData("HalfCheetah-v4")]
    public void SyncMode_MuJoCo_BitIdenticalToSyncVectorEnvIncludingInfo(string id)
    {
        RequireMuJoCo();
        const int n = 4;
        using var sync = new SyncVectorEnv(() => Gym.Make(id), n);
        using var pool = new EnvPool(() => Gym.Make(id), n, numThreads: 2);
        Assert.NotEmpty(pool.InfoKeys);

        // Random Hopper episodes end within a few dozen steps; HalfCheetah's never terminate, so 300 steps
        // check the physics under threads without autoresets, Hopper's check the autoresets.
        int finished = CompareBitForBit(sync, pool, 300, seed: 11);
        if (id == "Hopper-v4")
        {
            Assert.True(finished >= n, $"random Hopper episodes should end within 300 steps; {finished} ended");
        }
    }
}
