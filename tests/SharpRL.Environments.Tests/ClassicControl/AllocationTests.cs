using SharpRL.Envs;

namespace SharpRL.Environments.Tests.ClassicControl;

public class AllocationTests
{
    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Acrobot-v1")]
    [InlineData("MountainCar-v0")]
    [InlineData("MountainCarContinuous-v0")]
    [InlineData("Pendulum-v1")]
    public void StepAndUnseededReset_SteadyState_AllocateNothing(string id)
    {
        using IEnv env = Gym.Make(id, maxEpisodeSteps: 50);
        var observation = new float[env.ObservationSpace.FlatSize];
        float[] action = [env.ActionSpace is SharpRL.Spaces.Discrete ? 1f : 0.5f];
        env.Reset(observation, seed: 0);
        Run(env, action, observation, 500);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(env, action, observation, 5000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void Run(IEnv env, float[] action, float[] observation, int steps)
    {
        for (int t = 0; t < steps; t++)
        {
            if (env.Step(action, observation).Done)
            {
                env.Reset(observation);
            }
        }
    }
}
