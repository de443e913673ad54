namespace SharpRL.Cluster.Tests;

/// <summary>Redis clustering in this process: silos on a routable address, the membership table in Redis.</summary>
public class HostingRedisTests
{
    [SkippableFact]
    [Trait("Category", "Slow")]
    public async Task Learn_WithRedisClusteringOnTheHostAddress_GivesTheOneProcessWeights()
    {
        using TestRedis redis = TestRedis.Start();
        var settings = new SiloSettings { Clustering = ClusteringMode.Redis, Redis = redis.Address, ClusterId = $"test-{Guid.NewGuid():N}" };
        settings.Validate();
        OnPolicyOptions options = OptionsBinder.Apply(AlgorithmRegistry.DefaultOptions("ppo"), [new("n_envs", "4"), new("n_steps", "32"), new("batch_size", "64"), new("n_epochs", "2")]);
        long budget = 2L * 4 * 32;
        byte[] single;
        using (var env = new SyncVectorEnv(() => Gym.Make("CartPole-v1"), 4))
        using (OnPolicyAlgorithm agent = AlgorithmRegistry.Create("ppo", env, options, 9))
        {
            agent.Learn(budget);
            single = Weights(agent);
        }

        // Workers first: with the table in Redis no silo is primary, so they may start before the learner.
        int port = LoopbackPorts.NextBlock();
        var hosts = new List<IHost>();
        IHost? learner = null;
        try
        {
            for (int w = 0; w < 2; w++)
            {
                hosts.Add(await ClusterHosts.StartWorkerSiloAsync(null, port + 2 + (2 * w), new RolloutWorker(id => Gym.Make(id)), settings));
            }

            learner = await ClusterHosts.StartLearnerSiloAsync(port, settings);
            SiloAddress self = learner.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
            Assert.Equal(settings.Advertised(), self.Endpoint.Address);

            using var env = new SyncVectorEnv(() => Gym.Make("CartPole-v1"), 4);
            using OnPolicyAlgorithm clustered = AlgorithmRegistry.Create("ppo", env, options, 9);
            clustered.RolloutSource = new ClusterRolloutSource(learner.Services, clustered, "ppo", "CartPole-v1", 2) { JoinTimeout = TimeSpan.FromSeconds(30) };
            clustered.Learn(budget);
            Assert.Equal(single, Weights(clustered));
        }
        finally
        {
            foreach (IHost host in hosts)
            {
                await host.StopAsync();
                host.Dispose();
            }

            if (learner is not null)
            {
                await learner.StopAsync();
                learner.Dispose();
            }
        }
    }

    [Fact]
    public void Advertised_WithoutAnAddress_IsAnIPv4AddressOfThisHost()
    {
        IPAddress address = new SiloSettings().Advertised();
        Assert.Equal(System.Net.Sockets.AddressFamily.InterNetwork, address.AddressFamily);
        Assert.Equal(IPAddress.Parse("10.1.2.3"), new SiloSettings { AdvertiseAddress = IPAddress.Parse("10.1.2.3") }.Advertised());
    }

    private static byte[] Weights(OnPolicyAlgorithm agent)
    {
        var parameters = new ParameterVector<float>(agent.Policy.Parameters);
        float[] values = new float[parameters.Count];
        parameters.CopyValuesTo(values);
        return System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }
}
