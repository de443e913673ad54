using SharpRL.Environments.ClassicControl;
using SharpRL.Envs;
using SharpRL.Envs.Wrappers;

namespace SharpRL.Environments.Tests.ClassicControl;

/// <summary>Gym.Make passes Gymnasium's classic-control constructor options, as gymnasium.make(id, **kwargs) does.</summary>
public class MakeOptionsTests
{
    [Fact]
    public void CartPole_SuttonBartoReward_FromTheIdOrADictionary_PaysZeroPerStepAndMinusOneAtTheEnd()
    {
        foreach (IEnv env in (IEnv[])[Gym.Make("CartPole-v1[sutton_barto_reward=true]"), Gym.Make("CartPole-v1", new Dictionary<string, object> { ["sutton_barto_reward"] = true })])
        {
            using (env)
            {
                var observation = new float[4];
                env.Reset(observation, seed: 0);
                var rewards = new List<double>();
                StepResult result;
                do
                {
                    result = env.Step([1f], observation);
                    rewards.Add(result.Reward);
                }
                while (!result.Done);

                Assert.True(result.Terminated);
                Assert.All(rewards.SkipLast(1), r => Assert.Equal(0.0, r));
                Assert.Equal(-1.0, rewards[^1]);
            }
        }
    }

    [Fact]
    public void Pendulum_G_AndMountainCarGoalVelocity_ReachTheEnv()
    {
        using IEnv pendulum = Gym.Make("Pendulum-v1", new Dictionary<string, object> { ["g"] = 9.81 });
        using IEnv standard = Gym.Make("Pendulum-v1");
        var a = new float[3];
        var b = new float[3];
        pendulum.Reset(a, seed: 4);
        standard.Reset(b, seed: 4);
        Assert.Equal(a, b);
        pendulum.Step([0f], a);
        standard.Step([0f], b);

        // Same start and torque, weaker gravity: the angular velocity differs.
        Assert.NotEqual(a[2], b[2]);

        using IEnv car = Gym.Make("MountainCarContinuous-v0[goal_velocity=0.05]");
        Assert.IsType<ContinuousMountainCarEnv>(((Wrapper)car).Unwrapped);
    }

    [Fact]
    public void UnknownOrMistypedOption_IsRefusedNamingTheKnownOnes()
    {
        var unknown = Assert.Throws<ArgumentException>(() => Gym.Make("CartPole-v1", new Dictionary<string, object> { ["gravity"] = 3.0 }));
        Assert.Contains("CartPole-v1 has no option 'gravity'; its options are sutton_barto_reward", unknown.Message, StringComparison.Ordinal);
        var mistyped = Assert.Throws<ArgumentException>(() => Gym.Make("Pendulum-v1[g=heavy]"));
        Assert.Contains("option 'g' must be a number", mistyped.Message, StringComparison.Ordinal);
    }
}
