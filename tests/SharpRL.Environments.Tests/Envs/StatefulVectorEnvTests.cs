using System.Text.Json.Nodes;
using SharpRL.Envs;
using SharpRL.Envs.Vector;
using SharpRL.Rng;

namespace SharpRL.Environments.Tests.Envs;

/// <summary>The save / record / load / replay check of <see cref="StatefulEnvTests"/> for vector envs and their normalisers.</summary>
public class StatefulVectorEnvTests
{
    [Fact]
    public void LoadState_SyncCartPole_ReplaysIdentically()
    {
        int ended = AssertReplays(() => new SyncVectorEnv(() => Gym.Make("CartPole-v1"), 4), () => new SyncVectorEnv(() => Gym.Make("CartPole-v1"), 4), 45, 200, seed: 3);
        Assert.True(ended >= 4, $"every copy should finish an episode while recording; {ended} ended");
    }

    [Fact]
    public void LoadState_ParallelPendulum_ReplaysIdentically()
    {
        int ended = AssertReplays(() => new ParallelVectorEnv(() => Gym.Make("Pendulum-v1"), 3, 2), () => new ParallelVectorEnv(() => Gym.Make("Pendulum-v1"), 3, 2), 150, 120, seed: 5);
        Assert.Equal(3, ended);
    }

    [Fact]
    public void LoadState_SyncStateIntoParallelEnv_ReplaysIdentically() =>
        AssertReplays(() => new SyncVectorEnv(() => Gym.Make("Acrobot-v1"), 3), () => new ParallelVectorEnv(() => Gym.Make("Acrobot-v1"), 3, 2), 470, 60, seed: 9);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LoadState_NormalizedPendulumStack_ReplaysIdenticallyWithStatisticsAndReturns(bool parallel)
    {
        IVectorEnv Make() => new VectorNormalizeReward(
            new VectorNormalizeObservation(parallel ? new ParallelVectorEnv(() => Gym.Make("Pendulum-v1"), 4, 2) : new SyncVectorEnv(() => Gym.Make("Pendulum-v1"), 4)),
            gamma: 0.9);
        int ended = AssertReplays(Make, Make, 170, 100, seed: 2);
        Assert.Equal(4, ended);

        using IVectorEnv a = Make();
        using IVectorEnv b = Make();
        var observations = new float[4 * 3];
        a.Reset(observations, seed: 1);
        var actions = new float[4];
        Array.Fill(actions, 0.5f);
        for (int t = 0; t < 30; t++)
        {
            a.Step(actions, observations, new double[4], new bool[4], new bool[4]);
        }

        ((IStatefulEnv)b).LoadState(((IStatefulEnv)a).SaveState());
        var (ra, rb) = ((VectorNormalizeReward)a, (VectorNormalizeReward)b);
        Assert.Equal(ra.DiscountedReturns.ToArray(), rb.DiscountedReturns.ToArray());
        Assert.Equal(ra.RewardStatistics.Variance.ToArray(), rb.RewardStatistics.Variance.ToArray());
        var (oa, ob) = ((VectorNormalizeObservation)ra.Env, (VectorNormalizeObservation)rb.Env);
        Assert.Equal(oa.ObservationStatistics.Mean.ToArray(), ob.ObservationStatistics.Mean.ToArray());
        Assert.Equal(oa.ObservationStatistics.Count, ob.ObservationStatistics.Count);
    }

    [Fact]
    public void LoadState_BeforeReset_StillRequiresReset()
    {
        using var saved = new SyncVectorEnv(() => Gym.Make("CartPole-v1"), 2);
        using var loaded = new SyncVectorEnv(() => Gym.Make("CartPole-v1"), 2);
        var observations = new float[8];
        loaded.Reset(observations, seed: 0);
        loaded.LoadState(saved.SaveState());
        Assert.Throws<InvalidOperationException>(() => loaded.Step(new float[2], observations, new double[2], new bool[2], new bool[2]));
    }

    [Fact]
    public void LoadState_OtherNumberOfCopies_RefusedNamingBothCounts()
    {
        using var four = new SyncVectorEnv(() => Gym.Make("CartPole-v1"), 4);
        using var three = new ParallelVectorEnv(() => Gym.Make("CartPole-v1"), 3, 1);
        ArgumentException e = Assert.Throws<ArgumentException>(() => three.LoadState(four.SaveState()));
        Assert.Equal("state", e.ParamName);
        Assert.Contains("4 copies", e.Message, StringComparison.Ordinal);
        Assert.Contains("has 3", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadState_OtherEnvInTheCopies_RefusedNamingBoth()
    {
        using var cartPoles = new SyncVectorEnv(() => Gym.Make("CartPole-v1"), 2);
        using var acrobots = new SyncVectorEnv(() => Gym.Make("Acrobot-v1"), 2);
        JsonObject state = cartPoles.SaveState().AsObject();

        // Same wrapper (TimeLimit) and limit (500): the mismatch is found one level down.
        ArgumentException e = Assert.Throws<ArgumentException>(() => acrobots.LoadState(state));
        Assert.Contains("CartPoleEnv", e.Message, StringComparison.Ordinal);
        Assert.Contains("AcrobotEnv", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadState_WrapperStateIntoBareVectorEnv_Refused()
    {
        using var normalized = new VectorNormalizeObservation(new SyncVectorEnv(() => Gym.Make("CartPole-v1"), 2));
        using var bare = new SyncVectorEnv(() => Gym.Make("CartPole-v1"), 2);
        ArgumentException e = Assert.Throws<ArgumentException>(() => bare.LoadState(normalized.SaveState()));
        Assert.Contains("VectorNormalizeObservation", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SaveState_CopiesNotStateful_ThrowsNotSupportedNamingTheEnv()
    {
        using var env = new VectorNormalizeObservation(new SyncVectorEnv(() => new OpaqueEnv(), 2));
        NotSupportedException e = Assert.Throws<NotSupportedException>(() => env.SaveState());
        Assert.Contains(typeof(OpaqueEnv).FullName!, e.Message, StringComparison.Ordinal);
        Assert.Contains("copy 0", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Returns how many episodes ended while recording.</summary>
    private static int AssertReplays(Func<IVectorEnv> makeSaved, Func<IVectorEnv> makeLoaded, int warmup, int steps, int seed)
    {
        using IVectorEnv env = makeSaved();
        int n = env.NumEnvs;
        int observationSize = env.SingleObservationSpace.FlatSize;
        int actionSize = env.SingleActionSpace.FlatSize;
        var observations = new float[n * observationSize];
        var actions = new float[n * actionSize];
        var rewards = new double[n];
        var terminated = new bool[n];
        var truncated = new bool[n];
        NumpyGenerator actionRandom = NumpyGenerator.Create(seed + 1000);
        void SampleActions()
        {
            for (int i = 0; i < n; i++)
            {
                env.SingleActionSpace.Sample(actions.AsSpan(i * actionSize, actionSize), actionRandom);
            }
        }

        env.Reset(observations, seed);
        for (int t = 0; t < warmup; t++)
        {
            SampleActions();
            env.Step(actions, observations, rewards, terminated, truncated);
        }

        string saved = ((IStatefulEnv)env).SaveState().ToJsonString();
        var recorded = new List<(float[] Actions, float[] Observations, double[] Rewards, bool[] Terminated, bool[] Truncated, float[] Final, EpisodeStatistics[] Completed)>();
        int ended = 0;
        for (int t = 0; t < steps; t++)
        {
            SampleActions();
            env.Step(actions, observations, rewards, terminated, truncated);
            ended += env.CompletedEpisodes.Count;
            recorded.Add(((float[])actions.Clone(), (float[])observations.Clone(), (double[])rewards.Clone(), (bool[])terminated.Clone(), (bool[])truncated.Clone(), env.FinalObservations.ToArray(), [.. env.CompletedEpisodes]));
        }

        using IVectorEnv fresh = makeLoaded();
        var freshObservations = new float[n * observationSize];
        fresh.Reset(freshObservations, seed + 77);
        ((IStatefulEnv)fresh).LoadState(JsonNode.Parse(saved)!);
        for (int t = 0; t < steps; t++)
        {
            var step = recorded[t];
            fresh.Step(step.Actions, freshObservations, rewards, terminated, truncated);
            StatefulEnvTests.AssertBitwiseEqual(step.Observations, freshObservations, t);
            Assert.Equal(step.Rewards, rewards);
            Assert.Equal(step.Terminated, terminated);
            Assert.Equal(step.Truncated, truncated);
            Assert.Equal(step.Completed, fresh.CompletedEpisodes);
            for (int i = 0; i < n; i++)
            {
                if (terminated[i] || truncated[i])
                {
                    StatefulEnvTests.AssertBitwiseEqual(step.Final.AsSpan(i * observationSize, observationSize), fresh.FinalObservations.Slice(i * observationSize, observationSize), t);
                }
            }
        }

        return ended;
    }
}
