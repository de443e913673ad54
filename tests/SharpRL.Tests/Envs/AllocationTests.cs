using SharpRL.Envs;
using SharpRL.Envs.Vector;
using SharpRL.Envs.Wrappers;

namespace SharpRL.Tests.Envs;

public class AllocationTests
{
    [Fact]
    public void WrappedEnvStep_SteadyState_AllocatesNothing()
    {
        using IEnv env = new RecordEpisodeStatistics(new NormalizeReward(new NormalizeObservation(new ClipAction(new RescaleAction(new RandomWalkEnv(), 0f, 1f)))), bufferLength: 3);
        float[] obs = new float[4];
        float[] action = [0.25f, 0.75f];
        env.Reset(obs, seed: 1);
        long allocated = SteadyStateAllocation.Measure(() =>
        {
            for (int step = 0; step < 300; step++)
            {
                if (env.Step(action, obs).Done)
                {
                    env.Reset(obs);
                }
            }
        });
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void NormalizedVectorEnvStep_SteadyState_AllocatesNothing()
    {
        const int n = 4;
        using IVectorEnv env = new VectorNormalizeReward(new VectorNormalizeObservation(new ParallelVectorEnv(() => new RandomWalkEnv(), n, 2)));
        float[] obs = new float[n * 4];
        float[] actions = new float[n * 2];
        double[] rewards = new double[n];
        bool[] terminated = new bool[n];
        bool[] truncated = new bool[n];
        env.Reset(obs, seed: 1);
        long allocated = SteadyStateAllocation.Measure(() =>
        {
            for (int step = 0; step < 200; step++)
            {
                env.Step(actions, obs, rewards, terminated, truncated);
            }
        });
        Assert.Equal(0, allocated);
    }
}
