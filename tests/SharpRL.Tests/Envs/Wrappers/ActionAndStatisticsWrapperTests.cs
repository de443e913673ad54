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

    // Gymnasium 1.x RescaleAction(env, -1, 1) on these boxes, run with NumPy 1.24.2: gradient and intercept are
    // stored as float32 and (a − intercept)/gradient is taken in float32. A float64 low + (high − low)·(a + 1)/2
    // gives one ulp more for each of these actions.
    [Theory]
    [InlineData(-0.4f, 0.4f, -0.4072537422180176f, -0.16290149092674255f)]
    [InlineData(-3f, 3f, -0.45280057191848755f, -1.3584016561508179f)]
    [InlineData(0f, 5f, -0.1358797550201416f, 2.1603004932403564f)]
    public void RescaleAction_MapsAsGymnasiumDoesInFloat32(float low, float high, float action, float expected)
    {
        var inner = new ActionEchoEnv(new Box(low, high, 1));
        using var env = new RescaleAction(inner, -1f, 1f);
        float[] obs = new float[1];
        env.Reset(obs);
        env.Step([action], obs);
        Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(inner.LastAction));
    }

    [Fact]
    public void ActionWrappers_NonBoxOrUnboundedActionSpace_Throw()
    {
        Assert.Equal("env", Assert.Throws<ArgumentException>(() => new ClipAction(new TwoArmedBandit())).ParamName);
        Assert.Equal("env", Assert.Throws<ArgumentException>(() => new RescaleAction(new TwoArmedBandit())).ParamName);
        Assert.Equal("env", Assert.Throws<ArgumentException>(() => new RescaleAction(new ClipAction(new CountingEnv(3)))).ParamName);
        Assert.Throws<ArgumentException>(() => new RescaleAction(new CountingEnv(3), 1f, 1f));
    }

    // Keeps the action it was last given; observation and reward are zero.
    private sealed class ActionEchoEnv(Box actionSpace) : IEnv
    {
        public Space ObservationSpace { get; } = new Box(-1, 1, 1);

        public Space ActionSpace => actionSpace;

        public EnvSpec? Spec => null;

        public float LastAction { get; private set; } = float.NaN;

        public void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
            => observation.Clear();

        public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
        {
            LastAction = action[0];
            observation.Clear();
            return new StepResult(0.0, Terminated: false, Truncated: false);
        }

        public void Dispose()
        {
        }
    }
}
