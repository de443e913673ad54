using SharpRL.Environments;
using SharpRL.Envs;
using SharpRL.Envs.Vector;
using SharpRL.Experiments;
using SharpRL.Spaces;
using static SharpRL.Tests.Envs.EnvPoolTestSupport;

namespace SharpRL.Tests.Envs;

public class EnvPoolTests
{
    [Theory]
    [InlineData("CartPole-v1", 6, 2, 600)]
    [InlineData("CartPole-v1", 5, 5, 400)]
    [InlineData("Pendulum-v1", 4, 3, 450)]
    [InlineData("Acrobot-v1", 3, 1, 600)]
    public void SyncMode_ClassicControl_BitIdenticalToSyncVectorEnv(string id, int n, int threads, int steps)
    {
        using var sync = new SyncVectorEnv(() => Gym.Make(id), n);
        using var pool = new EnvPool(() => Gym.Make(id), n, threads);
        Assert.True(pool.IsSynchronous);
        int finished = CompareBitForBit(sync, pool, steps, seed: 77);
        Assert.True(finished >= n, $"expected every env to finish an episode (autoresets exercised); {finished} episodes ended");
    }

    [Fact]
    public void SyncMode_NormalizedPendulumStack_BitIdenticalToSync()
    {
        using IVectorEnv sync = new VectorNormalizeReward(new VectorNormalizeObservation(new SyncVectorEnv(() => Gym.Make("Pendulum-v1"), 4)));
        using IVectorEnv pool = new VectorNormalizeReward(new VectorNormalizeObservation(new EnvPool(() => Gym.Make("Pendulum-v1"), 4, 2)));
        Assert.Equal(8, CompareBitForBit(sync, pool, 450, seed: 3));
    }

    [Fact]
    public void AsyncMode_EachEnvsTrajectory_EqualsThatEnvSteppedAloneWithTheSameActions()
    {
        const int n = 8;
        const int seed = 500;
        const int totalSteps = 3000;

        // Unequal step costs (0 to ~50 µs) so the envs finish out of order and batches mix.
        int[] spins = [0, 20_000, 300, 5_000, 0, 60_000, 1_000, 10];
        int made = 0;
        using var pool = new EnvPool(() => new RandomWalkEnv(spins[made++ % n]), n, numThreads: 3, batchSize: 3);
        var recorded = new List<Transition>[n];
        for (int i = 0; i < n; i++)
        {
            recorded[i] = [];
        }

        int[] stepsTaken = new int[n];
        float[] actions = new float[3 * 2];
        var compositions = new HashSet<string>();
        pool.AsyncReset(seed);
        int received = 0;
        while (received < totalSteps)
        {
            EnvPoolBatch batch = pool.Receive();
            compositions.Add(string.Join(",", batch.EnvIds.ToArray()));
            for (int r = 0; r < batch.Count; r++)
            {
                int id = batch.EnvIds[r];
                float[] obs = batch.Observations.Slice(r * 4, 4).ToArray();
                if (batch.FromReset[r])
                {
                    Assert.Empty(recorded[id]);
                    recorded[id].Add(new Transition(obs, 0, false, false, null, null));
                }
                else
                {
                    bool done = batch.Terminated[r] || batch.Truncated[r];
                    EpisodeStatistics? episode = done ? batch.CompletedEpisodes.Single(e => e.EnvIndex == id) : null;
                    recorded[id].Add(new Transition(obs, batch.Rewards[r], batch.Terminated[r], batch.Truncated[r], done ? batch.FinalObservations.Slice(r * 4, 4).ToArray() : null, episode));
                    received++;
                }

                ActionFor(id, stepsTaken[id]++, actions.AsSpan(r * 2, 2));
            }

            Assert.Equal(batch.CompletedEpisodes.Count, Enumerable.Range(0, batch.Count).Count(r => batch.Terminated[r] || batch.Truncated[r]));
            pool.Send(actions, batch.EnvIds);
        }

        Assert.True(compositions.Count > 1, "batches should mix envs differently when their step costs differ");
        int episodes = 0;
        for (int i = 0; i < n; i++)
        {
            // The reference: env i alone, seeded as the pool seeds it, stepped with the actions the pool sent it.
            using var alone = new SyncVectorEnv([new RandomWalkEnv(spins[i])]);
            float[] obs = new float[4];
            double[] reward = new double[1];
            bool[] terminated = new bool[1], truncated = new bool[1];
            float[] action = new float[2];
            alone.Reset(obs, seed + i);
            AssertBitEqual<float>(obs, recorded[i][0].Observation, $"env {i}'s reset observation");
            for (int t = 1; t < recorded[i].Count; t++)
            {
                ActionFor(i, t - 1, action);
                alone.Step(action, obs, reward, terminated, truncated);
                Transition got = recorded[i][t];
                AssertBitEqual<float>(obs, got.Observation, $"env {i}'s observation at step {t}");
                AssertBitEqual<double>(reward, [got.Reward], $"env {i}'s reward at step {t}");
                Assert.Equal(terminated[0], got.Terminated);
                Assert.Equal(truncated[0], got.Truncated);
                if (terminated[0] || truncated[0])
                {
                    AssertBitEqual(alone.FinalObservations, got.FinalObservation, $"env {i}'s final observation at step {t}");
                    Assert.Equal(alone.CompletedEpisodes.Single() with { EnvIndex = i }, got.Episode);
                    episodes++;
                }
            }
        }

        Assert.True(episodes > 50, $"autoresets should be exercised; {episodes} episodes ended");
    }

    [Fact]
    public void Receive_ReturnsTheFirstBReadyEnvsInIdOrder()
    {
        // Worker 0 owns envs 0 and 1, worker 1 owns 2 and 3; env 0 blocks, so worker 0 holds env 1 behind it.
        var envs = new GatedEnv[] { new(0), new(1), new(2), new(3) };
        using var pool = new EnvPool(envs, numThreads: 2, batchSize: 2);
        pool.AsyncReset();
        Assert.Equal(4, pool.InFlight);
        EnvPoolBatch first = pool.Receive();
        Assert.Equal(2, first.Count);
        Assert.True(first.FromReset.ToArray().All(f => f));
        Assert.Equal(first.EnvIds.ToArray().Select(id => (float)id), [first.Observations[1], first.Observations[4]]);
        int[] firstIds = first.EnvIds.ToArray();
        Assert.Equal(firstIds.Order(), firstIds);
        EnvPoolBatch second = pool.Receive();
        Assert.Equal([0, 1, 2, 3], firstIds.Concat(second.EnvIds.ToArray()).Order());
        Assert.Equal(0, pool.InFlight);

        envs[0].Gate.Reset();
        pool.Send([0.5f, 0.25f, -0.25f, -0.5f], [3, 0, 1, 2]);
        Assert.Equal(4, pool.InFlight);
        EnvPoolBatch ready = pool.Receive();
        Assert.Equal([2, 3], ready.EnvIds.ToArray());
        Assert.Equal([1f, 2f, -0.5f, 1f, 3f, 0.5f], ready.Observations.ToArray());
        Assert.Equal([1.0, 1.0], ready.Rewards.ToArray());
        Assert.Equal([false, false], ready.FromReset.ToArray());
        envs[0].Gate.Set();
        EnvPoolBatch rest = pool.Receive();
        Assert.Equal([0, 1], rest.EnvIds.ToArray());
        Assert.Equal([1f, 0f, 0.25f, 1f, 1f, -0.25f], rest.Observations.ToArray());
    }

    [Fact]
    public void Receive_AfterAnEpisodeEnds_ReportsFinalObservationAndStatisticsForThatRow()
    {
        // One worker and B = 1: envs come back in the order they were queued, one per Receive.
        using var pool = new EnvPool([new CountingEnv(2), new CountingEnv(3, truncates: true)], numThreads: 1, batchSize: 1);
        pool.AsyncReset(seed: 10);
        var finals = new List<(int Id, float[] Final, float[] Next, EpisodeStatistics Episode, bool Terminated, bool Truncated)>();
        int steps = 0;
        for (int k = 0; k < 14; k++)
        {
            EnvPoolBatch batch = pool.Receive();
            Assert.Equal(1, batch.Count);
            int id = batch.EnvIds[0];
            Assert.Equal(k < 2, batch.FromReset[0]);
            if (batch.Terminated[0] || batch.Truncated[0])
            {
                finals.Add((id, batch.FinalObservations.ToArray(), batch.Observations.ToArray(), batch.CompletedEpisodes.Single(), batch.Terminated[0], batch.Truncated[0]));
            }
            else
            {
                Assert.Empty(batch.CompletedEpisodes);
            }

            steps += batch.FromReset[0] ? 0 : 1;
            pool.Send([0.5f], [id]);
        }

        Assert.Equal(12, steps);

        // Env 0: rewards 1.5, 2.5, terminated at t = 2; the row then holds the autoreset's observation (reset without a seed).
        (int Id, float[] Final, float[] Next, EpisodeStatistics Episode, bool Terminated, bool Truncated) first0 = finals.First(f => f.Id == 0);
        Assert.True(first0.Terminated && !first0.Truncated);
        Assert.Equal([2f, 0f, 10f], first0.Final);
        Assert.Equal([0f, 1f, -1f], first0.Next);
        Assert.Equal(new EpisodeStatistics(0, 4.0, 2), first0.Episode);

        // Env 1: rewards 1.5, 2.5, 3.5, truncated at t = 3.
        (int Id, float[] Final, float[] Next, EpisodeStatistics Episode, bool Terminated, bool Truncated) first1 = finals.First(f => f.Id == 1);
        Assert.True(first1.Truncated && !first1.Terminated);
        Assert.Equal([3f, 0f, 11f], first1.Final);
        Assert.Equal(new EpisodeStatistics(1, 7.5, 3), first1.Episode);
    }

    [Fact]
    public void Send_BadInput_ThrowsNamingWhatWasWrongAndQueuesNothing()
    {
        using var pool = new EnvPool(() => new CountingEnv(50), 4, numThreads: 2, batchSize: 2);
        Assert.Contains("AsyncReset", Assert.Throws<InvalidOperationException>(() => pool.Send([0f], [0])).Message, StringComparison.Ordinal);
        Assert.Contains("AsyncReset", Assert.Throws<InvalidOperationException>(() => pool.Receive()).Message, StringComparison.Ordinal);
        pool.AsyncReset(seed: 0);
        pool.Receive();
        EnvPoolBatch batch = pool.Receive();
        Assert.Equal(0, pool.InFlight);

        var outOfRange = Assert.Throws<ArgumentOutOfRangeException>(() => pool.Send([0f, 0f], [1, 4]));
        Assert.Equal("envIds", outOfRange.ParamName);
        Assert.Contains("envIds[1] = 4 is not an env id", outOfRange.Message, StringComparison.Ordinal);
        Assert.Contains("0 to 3", outOfRange.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Send([0f], [-1]));
        Assert.Equal(0, pool.InFlight);

        var duplicate = Assert.Throws<ArgumentException>(() => pool.Send([0f, 0f], [2, 2]));
        Assert.Contains("envIds[1] = 2 appears more than once", duplicate.Message, StringComparison.Ordinal);

        var shape = Assert.Throws<ArgumentException>(() => pool.Send([0f, 0f, 0f], [0, 1]));
        Assert.Equal("actions", shape.ParamName);
        Assert.Contains("2 env ids × 1", shape.Message, StringComparison.Ordinal);
        Assert.Contains("got 3", shape.Message, StringComparison.Ordinal);

        var nan = Assert.Throws<ArgumentException>(() => pool.Send([0f, float.NaN], [0, 3]));
        Assert.Equal("actions", nan.ParamName);
        Assert.Contains("env 3", nan.Message, StringComparison.Ordinal);
        Assert.Contains("NaN", nan.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => pool.Send([float.PositiveInfinity], [1]));
        Assert.Equal(0, pool.InFlight);

        pool.Send([0.5f], [1]);
        var pending = Assert.Throws<InvalidOperationException>(() => pool.Send([0f, 0f], [0, 1]));
        Assert.Contains("env 1 (envIds[1]) is already in flight", pending.Message, StringComparison.Ordinal);
        Assert.Equal(1, pool.InFlight);
        var tooFew = Assert.Throws<InvalidOperationException>(() => pool.Receive());
        Assert.Contains("only 1 are in flight", tooFew.Message, StringComparison.Ordinal);
        pool.Send([0.5f], [0]);
        Assert.Equal([0, 1], pool.Receive().EnvIds.ToArray());

        var vectorStep = Assert.Throws<InvalidOperationException>(() => pool.Step(new float[4], new float[12], new double[4], new bool[4], new bool[4]));
        Assert.Contains("batch size", vectorStep.Message, StringComparison.Ordinal);
        _ = batch;
    }

    [Fact]
    public void Send_DiscreteActionOutsideTheSpace_Throws()
    {
        using var pool = new EnvPool(() => Gym.Make("CartPole-v1"), 2, numThreads: 1);
        pool.Reset(new float[8], seed: 0);
        var ex = Assert.Throws<ArgumentException>(() => pool.Send([1f, 2f], [0, 1]));
        Assert.Contains("env 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Discrete", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => pool.Send([0.5f, 1f], [0, 1]));
        Assert.Equal(0, pool.InFlight);
    }

    [Fact]
    public void Constructor_InvalidArguments_Throw()
    {
        Assert.Equal("numThreads", Assert.Throws<ArgumentOutOfRangeException>(() => new EnvPool(() => new CountingEnv(3), 2, numThreads: 3)).ParamName);
        Assert.Equal("numThreads", Assert.Throws<ArgumentOutOfRangeException>(() => new EnvPool(() => new CountingEnv(3), 2, numThreads: 0)).ParamName);
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => new EnvPool(() => new CountingEnv(3), 2, batchSize: 0)).ParamName);
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => new EnvPool(() => new CountingEnv(3), 2, batchSize: 3)).ParamName);
        Assert.Equal("spinCount", Assert.Throws<ArgumentOutOfRangeException>(() => new EnvPool(() => new CountingEnv(3), 2, spinCount: 5000)).ParamName);
        var shared = new CountingEnv(3);
        Assert.Throws<ArgumentException>(() => new EnvPool([shared, shared]));
    }

    [Fact]
    public void Receive_EnvThrows_RethrowsItThenRefusesUntilAsyncReset()
    {
        using var pool = new EnvPool([new FailingEnv(3), new FailingEnv(100)], numThreads: 2, batchSize: 2);
        pool.AsyncReset();
        pool.Receive();
        pool.Send([0f, 0f], [0, 1]);
        pool.Receive();
        pool.Send([0f, 0f], [0, 1]);
        pool.Receive();
        pool.Send([0f, 0f], [0, 1]);
        var failure = Assert.Throws<InvalidDataException>(() => pool.Receive());
        Assert.Contains("simulated failure at step 3", failure.Message, StringComparison.Ordinal);
        var refused = Assert.Throws<InvalidOperationException>(() => pool.Send([0f], [1]));
        Assert.Contains("env 0 threw", refused.Message, StringComparison.Ordinal);
        Assert.Contains("AsyncReset", refused.Message, StringComparison.Ordinal);
        pool.AsyncReset();
        Assert.Equal([true, true], pool.Receive().FromReset.ToArray());
    }

    [Fact]
    public void AsyncReset_WithEnvsInFlight_DiscardsThemAndResets()
    {
        using var pool = new EnvPool(() => new CountingEnv(100), 4, numThreads: 2, batchSize: 2);
        pool.AsyncReset(seed: 1);
        pool.Receive();
        pool.Receive();
        pool.Send([0f, 0f, 0f], [0, 1, 2]);
        pool.AsyncReset(seed: 20);
        Assert.Equal(4, pool.InFlight);
        EnvPoolBatch a = pool.Receive();
        float[] seeds = [a.Observations[2], a.Observations[5]];
        EnvPoolBatch b = pool.Receive();
        seeds = [.. seeds, b.Observations[2], b.Observations[5]];
        Assert.Equal([20f, 21f, 22f, 23f], seeds.Order());
        Assert.True(b.FromReset.ToArray().All(f => f));
    }

    [Fact]
    public void Dispose_StopsEveryWorkerEvenWithStepsInFlight_AndDisposesTheCopies()
    {
        var pools = new List<EnvPool>();
        for (int k = 0; k < 10; k++)
        {
            var envs = new CountingEnv[] { new(1000), new(1000), new(1000) };
            var pool = new EnvPool(envs, numThreads: 3, batchSize: 1);
            Assert.Equal(3, pool.LiveWorkerCount);
            pool.AsyncReset();
            if (k % 2 == 0)
            {
                pool.Receive();
            }

            pool.Dispose();
            pool.Dispose();
            Assert.Equal(0, pool.LiveWorkerCount);
            Assert.All(envs, e => Assert.True(e.Disposed));
            Assert.Throws<ObjectDisposedException>(() => pool.Receive());
            Assert.Throws<ObjectDisposedException>(() => pool.AsyncReset());
            pools.Add(pool);
        }

        Assert.All(pools, p => Assert.Equal(0, p.LiveWorkerCount));
    }

    [Fact]
    public void SendAndReceive_SteadyState_AllocateNothingOnTheLearnerThread()
    {
        using var pool = new EnvPool(() => Gym.Make("Pendulum-v1"), 6, numThreads: 2, batchSize: 3);
        float[] actions = new float[3];
        pool.AsyncReset(seed: 0);
        for (int k = 0; k < 200; k++)
        {
            pool.Send(actions, pool.Receive().EnvIds);
        }

        long allocated = SteadyStateAllocation.Measure(() =>
        {
            for (int k = 0; k < 2000; k++)
            {
                pool.Send(actions, pool.Receive().EnvIds);
            }
        });

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void SaveState_LoadsIntoASyncVectorEnv_AndBothContinueIdentically()
    {
        using var pool = new EnvPool(() => Gym.Make("CartPole-v1"), 3, numThreads: 2);
        using var sync = new SyncVectorEnv(() => Gym.Make("CartPole-v1"), 3);
        float[] obs = new float[12];
        pool.Reset(obs, seed: 4);
        float[] actions = [1, 0, 1];
        for (int t = 0; t < 30; t++)
        {
            pool.Step(actions, obs, new double[3], new bool[3], new bool[3]);
            actions[t % 3] = 1 - actions[t % 3];
        }

        sync.LoadState(pool.SaveState());
        pool.LoadState(sync.SaveState());
        int finished = CompareContinuation(sync, pool, 200);
        Assert.True(finished > 0);

        pool.AsyncReset();
        Assert.Contains("3 envs are in flight", Assert.Throws<InvalidOperationException>(() => pool.SaveState()).Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void PinnedThreads_StepLikeUnpinned()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "pinThreads is Linux only");
        using var sync = new SyncVectorEnv(() => Gym.Make("Pendulum-v1"), 4);
        using var pinned = new EnvPool(() => Gym.Make("Pendulum-v1"), 4, numThreads: 2, pinThreads: true);
        Assert.Equal(4, CompareBitForBit(sync, pinned, 250, seed: 8));
    }

    [Fact]
    public void Benchmark_SmallRun_TimesEveryConfigurationInOrder()
    {
        IReadOnlyList<EnvPoolBenchmarkCase> cases = EnvPoolBenchmark.Run(() => Gym.Make("Pendulum-v1"), 4, [(1, 4), (2, 2)], envSteps: 400, repeats: 1);
        Assert.Equal(["SyncVectorEnv (caller's thread)", "pool W=1 B=4 (sync)", "pool W=2 B=2 (async)"], cases.Select(c => c.Label));
        Assert.All(cases, c => Assert.True(c.Seconds > 0 && c.EnvSteps == 400, c.ToString()));
        Assert.Throws<ArgumentOutOfRangeException>(() => EnvPoolBenchmark.SpinEnvFactory(double.NaN, variable: true));
    }

    [Fact]
    public void VectorBenchmark_RealEnv_TimesBothVectorEnvsOverItsCopies()
    {
        // CartPole (Discrete actions) and Pendulum (a bounded Box) both get an action table they accept.
        foreach (string id in (string[])["CartPole-v1", "Pendulum-v1"])
        {
            VectorEnvBenchmarkResult result = VectorEnvBenchmark.RunEnv(id, () => Gym.Make(id), numEnvs: 4, numThreads: 2, vectorSteps: 300, repeats: 1);
            Assert.Equal((4, 2, 300, id), (result.NumEnvs, result.NumThreads, result.VectorSteps, result.EnvId));
            Assert.True(result.SyncSeconds > 0 && result.ParallelSeconds > 0, result.ToString());
            Assert.StartsWith($"N=4 threads=2 {id}: sync ", result.ToString());
        }
    }

    private static int CompareContinuation(SyncVectorEnv sync, EnvPool pool, int steps)
    {
        float[] obsA = new float[12], obsB = new float[12];
        double[] rewA = new double[3], rewB = new double[3];
        bool[] termA = new bool[3], termB = new bool[3], truncA = new bool[3], truncB = new bool[3];
        var random = SharpRL.Rng.NumpyGenerator.Create(1);
        float[] actions = new float[3];
        int finished = 0;
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < 3; i++)
            {
                sync.SingleActionSpace.Sample(actions.AsSpan(i, 1), random);
            }

            sync.Step(actions, obsA, rewA, termA, truncA);
            pool.Step(actions, obsB, rewB, termB, truncB);
            AssertBitEqual<float>(obsA, obsB, $"observations at step {t}");
            Assert.Equal(termA, termB);
            Assert.Equal(sync.CompletedEpisodes, pool.CompletedEpisodes);
            finished += sync.CompletedEpisodes.Count;
        }

        return finished;
    }

    // A deterministic action per (env, step) in the RandomWalkEnv's Box(-1, 1, 2).
    private static void ActionFor(int env, int step, Span<float> action)
    {
        action[0] = MathF.Sin((env * 7.1f) + (step * 0.37f));
        action[1] = MathF.Cos((env * 1.3f) - (step * 0.11f));
    }

    private sealed record Transition(float[] Observation, double Reward, bool Terminated, bool Truncated, float[]? FinalObservation, EpisodeStatistics? Episode);
}
