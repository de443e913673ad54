using SharpRL.Environments.Toy;
using SharpRL.Envs;
using SharpRL.Envs.Wrappers;
using SharpRL.Spaces;

namespace SharpRL.Tests.Envs.Wrappers;

public class ActionAndStatisticsWrapperTests
{
    [Fact]
    public void RecordEpisodeStatistics_FinishedEpisodes_RecordsReturnLengthAndTime()
    {
        using var env = new RecordEpisodeStatistics(new CountingEnv(episodeLength: 3), bufferLength: 2);
        float[] obs = new float[3];
        Assert.Null(env.LastEpisode);
        for (int episode = 0; episode < 3; episode++)
        {
            env.Reset(obs);
            env.Step([0.5f], obs);
            env.Step([0.5f], obs);
            Assert.Equal(3.0 + 1.0, env.CurrentReturn);
            Assert.Equal(2, env.CurrentLength);
            Assert.Null(episode == 0 ? env.LastEpisode : null);
            env.Step([0.5f], obs);
        }

        EpisodeRecord last = env.LastEpisode!.Value;
        Assert.Equal(1.5 + 2.5 + 3.5, last.Return);
        Assert.Equal(3, last.Length);
        Assert.True(last.Elapsed >= TimeSpan.Zero && last.Elapsed < TimeSpan.FromMinutes(1));
        Assert.Equal(3, env.EpisodeCount);
        Assert.Equal(2, env.RecentEpisodes.Count);
    }

    [Fact]
    public void ClipAction_OutOfBoundsAction_ClippedIntoTheBox()
    {
        using var env = new ClipAction(new CountingEnv(episodeLength: 5));
        Assert.Equal(new Box(float.NegativeInfinity, float.PositiveInfinity, 1), env.ActionSpace);
        float[] obs = new float[3];
        env.Reset(obs);
        Assert.Equal(1 + 1.0, env.Step([5f], obs).Reward);
        Assert.Equal(2 - 1.0, env.Step([-7f], obs).Reward);
        Assert.Equal(3 + 0.25, env.Step([0.25f], obs).Reward);
        Assert.Equal("action", Assert.Throws<ArgumentException>(() => env.Step([float.NaN], obs)).ParamName);
        Assert.Equal("action", Assert.Throws<ArgumentException>(() => env.Step([0f, 0f], obs)).ParamName);
    }

    [Fact]
    public void RescaleAction_ZeroOneRange_MapsAffinelyOntoEnvBounds()
    {
        using var env = new RescaleAction(new CountingEnv(episodeLength: 5), 0f, 1f);
        Assert.Equal(new Box(0f, 1f, 1), env.ActionSpace);
        float[] obs = new float[3];
        env.Reset(obs);
        Assert.Equal(1 + 1.0, env.Step([1f], obs).Reward);
        Assert.Equal(2 - 1.0, env.Step([0f], obs).Reward);
        Assert.Equal(3 - 0.5, env.Step([0.25f], obs).Reward);
        Assert.Equal("action", Assert.Throws<ArgumentException>(() => env.Step([1.5f], obs)).ParamName);
    }

    [Fact]
    public void ActionWrappers_NonBoxOrUnboundedActionSpace_Throw()
    {
        Assert.Equal("env", Assert.Throws<ArgumentException>(() => new ClipAction(new TwoArmedBandit())).ParamName);
        Assert.Equal("env", Assert.Throws<ArgumentException>(() => new RescaleAction(new TwoArmedBandit())).ParamName);
        Assert.Equal("env", Assert.Throws<ArgumentException>(() => new RescaleAction(new ClipAction(new CountingEnv(3)))).ParamName);
        Assert.Throws<ArgumentException>(() => new RescaleAction(new CountingEnv(3), 1f, 1f));
    }
}
