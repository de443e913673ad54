namespace SharpRL.Cluster.Tests;

/// <summary>Synchronous distributed rollouts on loopback silos against one process.</summary>
public class SyncClusterTests
{
    [Theory]
    [Trait("Category", "Slow")]
    [InlineData("ppo", 2)]
    [InlineData("ppo", 3)]
    [InlineData("a2c", 2)]
    [InlineData("trpo", 3)]
    public async Task Learn_WithWorkerSilos_GivesByteIdenticalWeightsToOneProcess(string algorithm, int workers)
    {
        // Six CartPole copies, three iterations: one process against W worker silos of 6 / W copies each.
        const int Seed = 3;
        OnPolicyOptions options = Options(algorithm);
        long budget = 3L * options.NumEnvs * options.NumSteps;
        byte[] single;
        using (var env = new SyncVectorEnv(() => Gym.Make("CartPole-v1"), options.NumEnvs))
        using (OnPolicyAlgorithm agent = AlgorithmRegistry.Create(algorithm, env, options, Seed))
        {
            agent.Learn(budget);
            single = Weights(agent);
        }

        int port = LoopbackPorts.NextBlock();
        using IHost learner = await ClusterHosts.StartLearnerSiloAsync(port);
        var hosts = new List<IHost>();
        try
        {
            for (int w = 0; w < workers; w++)
            {
                hosts.Add(await ClusterHosts.StartWorkerSiloAsync(new IPEndPoint(IPAddress.Loopback, port), port + 2 + (2 * w), new RolloutWorker(id => Gym.Make(id))));
            }

            using var env = new SyncVectorEnv(() => Gym.Make("CartPole-v1"), options.NumEnvs);
            using OnPolicyAlgorithm agent = AlgorithmRegistry.Create(algorithm, env, options, Seed);
            var source = new ClusterRolloutSource(learner.Services, agent, algorithm, "CartPole-v1", workers) { JoinTimeout = TimeSpan.FromSeconds(30) };
            agent.RolloutSource = source;
            agent.Learn(budget);
            Assert.Equal(budget, agent.NumTimesteps);
            Assert.Equal(0, source.Dropped);
            Assert.Equal(single, Weights(agent));
        }
        finally
        {
            foreach (IHost host in hosts)
            {
                await host.StopAsync();
                host.Dispose();
            }

            await learner.StopAsync();
        }
    }

    [Theory]
    [InlineData("Pendulum-v1", null, "started for env 'Pendulum-v1'")]
    [InlineData(null, "a2c", "started for algorithm 'a2c'")]
    [InlineData("space", null, "has observations Box")]
    public async Task Join_WorkerForAnotherEnvSpaceOrAlgorithm_IsRefusedWithTheReason(string? pinnedEnv, string? pinnedAlgorithm, string expected)
    {
        int port = LoopbackPorts.NextBlock();
        using IHost learner = await ClusterHosts.StartLearnerSiloAsync(port);

        // "space": the worker's registry makes another env under the same id (MountainCar's 2 observations for CartPole's 4).
        var worker = pinnedEnv == "space"
            ? new RolloutWorker(_ => Gym.Make("MountainCar-v0"))
            : new RolloutWorker(id => Gym.Make(id), pinnedEnvId: pinnedEnv, pinnedAlgorithm: pinnedAlgorithm);
        using IHost workerHost = await ClusterHosts.StartWorkerSiloAsync(new IPEndPoint(IPAddress.Loopback, port), port + 2, worker);
        try
        {
            OnPolicyOptions options = Options("ppo");
            using var env = new SyncVectorEnv(() => Gym.Make("CartPole-v1"), options.NumEnvs);
            using OnPolicyAlgorithm agent = AlgorithmRegistry.Create("ppo", env, options, 0);
            var log = new List<string>();
            agent.RolloutSource = new ClusterRolloutSource(learner.Services, agent, "ppo", "CartPole-v1", 1, log.Add) { JoinTimeout = TimeSpan.FromSeconds(4) };
            TimeoutException error = Assert.Throws<TimeoutException>(() => agent.Learn(options.NumEnvs * options.NumSteps));
            Assert.Contains(expected, error.Message, StringComparison.Ordinal);
            Assert.Contains(log, line => line.Contains("refused", StringComparison.Ordinal) && line.Contains(expected, StringComparison.Ordinal));
            Assert.Equal(0, agent.NumTimesteps);
        }
        finally
        {
            await workerHost.StopAsync();
            await learner.StopAsync();
        }
    }

    [Fact]
    public void Validate_MalformedOrOversizedRollout_NamesWhatIsWrong()
    {
        var buffer = new RolloutBuffer(4, 6, 4, 1, 2);
        RolloutResult Good() => new()
        {
            Version = 5,
            Observations = new byte[4 * 2 * 4 * 4],
            Actions = new byte[4 * 2 * 4],
            DistributionParameters = new byte[4 * 2 * 2 * 4],
            LogProbs = new byte[4 * 2 * 4],
            Values = new byte[4 * 2 * 4],
            NextValues = new byte[4 * 2 * 4],
            Rewards = new byte[4 * 2 * 4],
            Terminated = new byte[4 * 2 * 4],
            Truncated = new byte[4 * 2 * 4],
        };
        Assert.Null(ClusterRolloutSource.Validate(Good(), 5, 4, 2, 2, buffer));

        RolloutResult stale = Good();
        stale.Version = 4;
        Assert.Contains("weights version 4, expected 5", ClusterRolloutSource.Validate(stale, 5, 4, 2, 2, buffer), StringComparison.Ordinal);

        RolloutResult truncated = Good();
        truncated.Rewards = new byte[7];
        Assert.Contains("rewards: 7 bytes, expected 32", ClusterRolloutSource.Validate(truncated, 5, 4, 2, 2, buffer), StringComparison.Ordinal);

        RolloutResult oversized = Good();
        oversized.Observations = new byte[1 << 20];
        Assert.Contains("observations: 1048576 bytes, expected 128", ClusterRolloutSource.Validate(oversized, 5, 4, 2, 2, buffer), StringComparison.Ordinal);

        RolloutResult foreignEpisode = Good();
        foreignEpisode.EpisodeSteps = [1, 0, 10];
        foreignEpisode.EpisodeReturns = [10];
        Assert.Contains("lies outside the rollout", ClusterRolloutSource.Validate(foreignEpisode, 5, 4, 2, 2, buffer), StringComparison.Ordinal);
    }

    private static OnPolicyOptions Options(string algorithm) =>
        OptionsBinder.Apply(AlgorithmRegistry.DefaultOptions(algorithm), algorithm == "ppo"
            ? [new("n_envs", "6"), new("n_steps", "32"), new("batch_size", "64"), new("n_epochs", "2")]
            : algorithm == "trpo" ? [new("n_envs", "6"), new("n_steps", "32"), new("batch_size", "64")]
            : [new("n_envs", "6"), new("n_steps", "8")]);

    private static byte[] Weights(OnPolicyAlgorithm agent)
    {
        var parameters = new ParameterVector<float>(agent.Policy.Parameters);
        float[] values = new float[parameters.Count];
        parameters.CopyValuesTo(values);
        return System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }
}
