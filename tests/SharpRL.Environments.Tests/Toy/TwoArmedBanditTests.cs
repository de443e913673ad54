using SharpRL.Environments.Toy;
using SharpRL.Envs;

namespace SharpRL.Environments.Tests.Toy;

public class TwoArmedBanditTests
{
    [Theory]
    [InlineData(0, 100.0)]
    [InlineData(1, 1.0)]
    public void Step_EachArm_PaysItsRewardAndTerminates(int arm, double expected)
    {
        using var env = new TwoArmedBandit();
        float[] obs = new float[1];
        env.Reset(obs, seed: 0);
        Assert.Equal(1f, obs[0]);
        StepResult r = env.Step([arm], obs);
        Assert.Equal(new StepResult(expected, Terminated: true, Truncated: false), r);
        Assert.Equal(1f, obs[0]);
    }

    [Fact]
    public void Step_AfterTheOneStepEpisode_Throws()
    {
        using var env = new TwoArmedBandit();
        float[] obs = new float[1];
        Assert.Throws<InvalidOperationException>(() => env.Step([0f], obs));
        env.Reset(obs);
        env.Step([0f], obs);
        Assert.Throws<InvalidOperationException>(() => env.Step([0f], obs));
        env.Reset(obs);
        Assert.Equal(1.0, env.Step([1f], obs).Reward);
    }

    [Fact]
    public void Step_ActionOutsideDiscrete2_Throws()
    {
        using var env = new TwoArmedBandit(5, 7);
        float[] obs = new float[1];
        env.Reset(obs);
        Assert.Equal("action", Assert.Throws<ArgumentException>(() => env.Step([2f], obs)).ParamName);
        Assert.Equal("action", Assert.Throws<ArgumentException>(() => env.Step([-1f], obs)).ParamName);
        Assert.Equal(new[] { 5.0, 7.0 }, env.Rewards);
    }
}
