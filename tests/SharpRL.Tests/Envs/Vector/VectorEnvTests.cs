using SharpRL.Envs;
using SharpRL.Envs.Vector;
using SharpRL.Tests.Envs;

namespace SharpRL.Tests.Envs.Vector;

public class VectorEnvTests
{
    public static TheoryData<string> Kinds => new() { "sync", "parallel" };

    private static IVectorEnv Make(string kind, IReadOnlyList<IEnv> envs, int? threads = null) =>
        kind == "sync" ? new SyncVectorEnv(envs) : new ParallelVectorEnv(envs, threads ?? envs.Count);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Step_EpisodesEndAtKnownSteps_AutoresetsAndKeepsFinalObservation(string kind)
    {
        var envs = new CountingEnv[] { new(episodeLength: 2), new(episodeLength: 3, truncates: true) };
        using IVectorEnv vec = Make(kind, envs);
        float[] obs = new float[6];
        float[] actions = [0.5f, -0.5f];
        double[] rewards = new double[2];
        bool[] terminated = new bool[2];
        bool[] truncated = new bool[2];

        vec.Reset(obs, seed: 10);
        Assert.Equal(new float[] { 0, 0, 10, 0, 0, 11 }, obs);
        Assert.Empty(vec.CompletedEpisodes);

        // Step 1: nobody finishes.
        vec.Step(actions, obs, rewards, terminated, truncated);
        Assert.Equal(new float[] { 1, 0, 10, 1, 0, 11 }, obs);
        Assert.Equal(new[] { 1.5, 0.5 }, rewards);
        Assert.Equal(new[] { false, false }, terminated);
        Assert.Equal(new[] { false, false }, truncated);
        Assert.Empty(vec.CompletedEpisodes);

        // Step 2: copy 0 terminates at t = 2; its row already holds the next episode's first observation,
        // reset without a seed (−1), and the final observation is kept.
        vec.Step(actions, obs, rewards, terminated, truncated);
        Assert.Equal(new float[] { 0, 1, -1, 2, 0, 11 }, obs);
        Assert.Equal(new[] { 2.5, 1.5 }, rewards);
        Assert.Equal(new[] { true, false }, terminated);
        Assert.Equal(new[] { false, false }, truncated);
        Assert.Equal(new float[] { 2, 0, 10 }, vec.FinalObservations[..3].ToArray());
        Assert.Equal([new EpisodeStatistics(0, 4.0, 2)], vec.CompletedEpisodes);

        // Step 3: copy 1 is truncated at t = 3.
        vec.Step(actions, obs, rewards, terminated, truncated);
        Assert.Equal(new float[] { 1, 1, -1, 0, 1, -1 }, obs);
        Assert.Equal(new[] { 1.5, 2.5 }, rewards);
        Assert.Equal(new[] { false, false }, terminated);
        Assert.Equal(new[] { false, true }, truncated);
        Assert.Equal(new float[] { 3, 0, 11 }, vec.FinalObservations[3..].ToArray());
        Assert.Equal([new EpisodeStatistics(1, 4.5, 3)], vec.CompletedEpisodes);

        // Step 4: copy 0 finishes its second episode; its statistics start from the autoreset.
        vec.Step(actions, obs, rewards, terminated, truncated);
        Assert.Equal([new EpisodeStatistics(0, 4.0, 2)], vec.CompletedEpisodes);
        Assert.Equal(2, envs[1].ResetCount);
        Assert.Equal(3, envs[0].ResetCount);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Reset_WithSeed_SeedsCopyIWithSeedPlusI(string kind)
    {
        using IVectorEnv vec = Make(kind, [new CountingEnv(5), new CountingEnv(5), new CountingEnv(5)]);
        float[] obs = new float[9];
        vec.Reset(obs, seed: 42);
        Assert.Equal(new float[] { 42, 43, 44 }, new[] { obs[2], obs[5], obs[8] });
        vec.Reset(obs);
        Assert.Equal(new float[] { -1, -1, -1 }, new[] { obs[2], obs[5], obs[8] });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void ParallelStep_SameSeeds_BitIdenticalToSync(int threads)
    {
        const int n = 7;
        const int steps = 400;
        using var sync = new SyncVectorEnv(() => new RandomWalkEnv(), n);
        using var parallel = new ParallelVectorEnv(() => new RandomWalkEnv(), n, threads);
        Assert.Equal(threads, parallel.NumThreads);
        var actionRandom = new Random(7);
        float[] actions = new float[n * 2];
        var a = new Buffers(n, 4);
        var b = new Buffers(n, 4);
        sync.Reset(a.Observations, seed: 123);
        parallel.Reset(b.Observations, seed: 123);
        Assert.Equal(a.Observations, b.Observations);
        int episodes = 0;
        for (int step = 0; step < steps; step++)
        {
            for (int k = 0; k < actions.Length; k++)
            {
                actions[k] = (float)((actionRandom.NextDouble() * 2) - 1);
            }

            sync.Step(actions, a.Observations, a.Rewards, a.Terminated, a.Truncated);
            parallel.Step(actions, b.Observations, b.Rewards, b.Terminated, b.Truncated);
            Assert.Equal(a.Observations, b.Observations);
            Assert.Equal(a.Rewards, b.Rewards);
            Assert.Equal(a.Terminated, b.Terminated);
            Assert.Equal(a.Truncated, b.Truncated);
            Assert.Equal(sync.CompletedEpisodes, parallel.CompletedEpisodes);
            for (int i = 0; i < n; i++)
            {
                if (a.Terminated[i] || a.Truncated[i])
                {
                    Assert.Equal(sync.FinalObservations.Slice(i * 4, 4).ToArray(), parallel.FinalObservations.Slice(i * 4, 4).ToArray());
                }
            }

            episodes += sync.CompletedEpisodes.Count;
        }

        Assert.True(episodes > 50, $"expected many finished episodes over {steps} steps; got {episodes}");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void CompletedEpisodes_ReturnAndLength_MatchSumOfRawRewards(string kind)
    {
        const int n = 3;
        using IVectorEnv vec = Make(kind, [new RandomWalkEnv(), new RandomWalkEnv(), new RandomWalkEnv()]);
        var buffers = new Buffers(n, 4);
        float[] actions = new float[n * 2];
        double[] runningReturn = new double[n];
        int[] runningLength = new int[n];
        vec.Reset(buffers.Observations, seed: 5);
        int checkedEpisodes = 0;
        for (int step = 0; step < 300; step++)
        {
            vec.Step(actions, buffers.Observations, buffers.Rewards, buffers.Terminated, buffers.Truncated);
            var expected = new List<EpisodeStatistics>();
            for (int i = 0; i < n; i++)
            {
                runningReturn[i] += buffers.Rewards[i];
                runningLength[i]++;
                if (buffers.Terminated[i] || buffers.Truncated[i])
                {
                    expected.Add(new EpisodeStatistics(i, runningReturn[i], runningLength[i]));
                    runningReturn[i] = 0;
                    runningLength[i] = 0;
                }
            }

            Assert.Equal(expected, vec.CompletedEpisodes);
            checkedEpisodes += expected.Count;
        }

        Assert.True(checkedEpisodes > 10);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Step_WrongBufferLengths_ThrowNamingTheBuffer(string kind)
    {
        using IVectorEnv vec = Make(kind, [new CountingEnv(5), new CountingEnv(5)]);
        float[] obs = new float[6];
        double[] rewards = new double[2];
        bool[] flags = new bool[2];

        Assert.Equal("observations", Assert.Throws<ArgumentException>(() => vec.Reset(new float[5])).ParamName);
        Assert.Throws<InvalidOperationException>(() => vec.Step(new float[2], obs, rewards, flags, new bool[2]));
        vec.Reset(obs, seed: 0);
        Assert.Equal("actions", Assert.Throws<ArgumentException>(() => vec.Step(new float[3], obs, rewards, flags, new bool[2])).ParamName);
        Assert.Equal("observations", Assert.Throws<ArgumentException>(() => vec.Step(new float[2], new float[7], rewards, flags, new bool[2])).ParamName);
        Assert.Equal("rewards", Assert.Throws<ArgumentException>(() => vec.Step(new float[2], obs, new double[1], flags, new bool[2])).ParamName);
        Assert.Equal("terminated", Assert.Throws<ArgumentException>(() => vec.Step(new float[2], obs, rewards, new bool[3], new bool[2])).ParamName);
        Assert.Equal("truncated", Assert.Throws<ArgumentException>(() => vec.Step(new float[2], obs, rewards, flags, new bool[1])).ParamName);
        var message = Assert.Throws<ArgumentException>(() => vec.Step(new float[3], obs, rewards, flags, new bool[2])).Message;
        Assert.Contains("got 3", message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Step_ActionOutsideSpace_RejectedByTheCopy(string kind)
    {
        using IVectorEnv vec = Make(kind, [new CountingEnv(5), new CountingEnv(5)]);
        float[] obs = new float[6];
        vec.Reset(obs, seed: 0);
        var ex = Assert.Throws<ArgumentException>(() => vec.Step([0f, 3f], obs, new double[2], new bool[2], new bool[2]));
        Assert.Equal("action", ex.ParamName);
    }

    [Fact]
    public void Constructor_InvalidArguments_Throw()
    {
        var shared = new CountingEnv(3);
        Assert.Throws<ArgumentException>(() => new SyncVectorEnv([shared, shared]));
        Assert.Throws<ArgumentException>(() => new SyncVectorEnv(() => shared, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SyncVectorEnv(() => new CountingEnv(3), 0));
        Assert.Throws<ArgumentException>(() => new SyncVectorEnv([new CountingEnv(3), new RandomWalkEnv()]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParallelVectorEnv(() => new CountingEnv(3), 2, numThreads: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParallelVectorEnv(() => new CountingEnv(3), 2, numThreads: 0));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Dispose_DisposesCopiesAndRefusesFurtherUse(string kind)
    {
        var envs = new CountingEnv[] { new(3), new(3) };
        IVectorEnv vec = Make(kind, envs);
        vec.Reset(new float[6], seed: 1);
        vec.Dispose();
        vec.Dispose();
        Assert.All(envs, e => Assert.True(e.Disposed));
        Assert.Throws<ObjectDisposedException>(() => vec.Reset(new float[6]));
    }

    [Fact]
    public void ParallelDispose_StopsEveryWorkerThread()
    {
        var vec = new ParallelVectorEnv(() => new RandomWalkEnv(), 6, numThreads: 3);
        vec.Reset(new float[24], seed: 0);
        Assert.Equal(2, vec.LiveWorkerCount);
        vec.Dispose();
        Assert.Equal(0, vec.LiveWorkerCount);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Step_SteadyState_AllocatesNothingOnTheCallerThread(string kind)
    {
        const int n = 4;
        using IVectorEnv vec = Make(kind, [new RandomWalkEnv(), new RandomWalkEnv(), new RandomWalkEnv(), new RandomWalkEnv()], threads: 2);
        var buffers = new Buffers(n, 4);
        float[] actions = new float[n * 2];
        vec.Reset(buffers.Observations, seed: 3);

        long allocated = SteadyStateAllocation.Measure(() =>
        {
            for (int step = 0; step < 200; step++)
            {
                vec.Step(actions, buffers.Observations, buffers.Rewards, buffers.Terminated, buffers.Truncated);
            }
        });

        Assert.Equal(0, allocated);
    }

    private sealed class Buffers(int n, int observationSize)
    {
        public float[] Observations { get; } = new float[n * observationSize];

        public double[] Rewards { get; } = new double[n];

        public bool[] Terminated { get; } = new bool[n];

        public bool[] Truncated { get; } = new bool[n];
    }
}
