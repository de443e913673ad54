namespace SharpRL.Cluster.Tests;

/// <summary>Quorum, preemption of stragglers, spare and late-joining workers, on loopback silos in this process.</summary>
public class FaultQuorumTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task Learn_QuorumWithAStraggler_PreemptsItAndTrainsOnTheReportedSlices()
    {
        // Three slices of two copies; the third worker sleeps 12 ms per step (≈ 1.5 s a rollout), the others
        // answer in milliseconds. Quorum 2 of 3, stragglers waited for 0.3 s after the first report.
        OnPolicyOptions options = Options();
        int port = LoopbackPorts.NextBlock();
        using IHost learner = await ClusterHosts.StartLearnerSiloAsync(port);
        var slow = new RolloutWorker(id => new FaultTestEnvs.Sleepy(Gym.Make(id), TimeSpan.FromMilliseconds(12)));
        var workers = new[] { new RolloutWorker(id => Gym.Make(id)), new RolloutWorker(id => Gym.Make(id)), slow };
        var hosts = new List<IHost>();
        try
        {
            for (int w = 0; w < workers.Length; w++)
            {
                hosts.Add(await ClusterHosts.StartWorkerSiloAsync(new IPEndPoint(IPAddress.Loopback, port), port + 2 + (2 * w), workers[w]));
            }

            using var env = new SyncVectorEnv(() => Gym.Make("CartPole-v1"), options.NumEnvs);
            using OnPolicyAlgorithm agent = AlgorithmRegistry.Create("ppo", env, options, 1);
            var log = new List<string>();
            var source = new ClusterRolloutSource(learner.Services, agent, "ppo", "CartPole-v1", 3, line => { lock (log) { log.Add(line); } })
            {
                JoinTimeout = TimeSpan.FromSeconds(30),
                Quorum = 0.6,
                StragglerDeadline = TimeSpan.FromSeconds(0.3),
            };
            agent.RolloutSource = source;
            Assert.Equal(2, source.RequiredReports);

            // The slow worker's slice is the one after the fast ones' (slices go to silos in address order).
            int slowSlice = -1;
            var reportedPerIteration = new List<int>();
            agent.Learn(4L * options.NumEnvs * options.NumSteps, a =>
            {
                reportedPerIteration.Add(source.LastReported);
                if (source.LastReported == 2 && slowSlice < 0)
                {
                    slowSlice = FindDuplicatedSlice(a.Buffer, 3, 2);
                }
            });

            Assert.Equal(4, agent.Iterations);
            Assert.True(source.Preempted >= 1, $"expected the straggler preempted, got {source.Preempted}: {string.Join(" | ", log)}");

            // Iteration 1 waits for every worker; later ones proceed on the two fast slices (the straggler is
            // preempted, or still busy with the rollout it was preempted in).
            Assert.Equal([3, 2, 2, 2], reportedPerIteration);
            Assert.Equal(0, source.Dropped);
            Assert.Contains(log, line => line.Contains("preempted at version", StringComparison.Ordinal));

            // What the update trained on: the straggler's columns hold a copy of a reported slice's columns.
            Assert.True(slowSlice >= 0, "no iteration left a slice's columns equal to another's");
            Assert.All(Weights(agent), v => Assert.True(float.IsFinite(v)));

            // The straggler is not dropped: it finishes the rollout it was preempted in (its envs continue from there).
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (slow.Rollouts < 2 && clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(50);
            }

            Assert.True(slow.Rollouts >= 2, $"the straggler collected {slow.Rollouts} rollouts");
        }
        finally
        {
            await StopAll(hosts, learner);
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Learn_SpareWorker_TakesTheSliceOfAWorkerThatLeft()
    {
        // Two slices, three worker silos: one is a spare until a worker leaves after the first iteration.
        OnPolicyOptions options = Options();
        int port = LoopbackPorts.NextBlock();
        using IHost learner = await ClusterHosts.StartLearnerSiloAsync(port);
        var workers = new[] { new RolloutWorker(id => Gym.Make(id)), new RolloutWorker(id => Gym.Make(id)), new RolloutWorker(id => Gym.Make(id)) };
        var hosts = new List<IHost>();
        try
        {
            for (int w = 0; w < workers.Length; w++)
            {
                hosts.Add(await ClusterHosts.StartWorkerSiloAsync(new IPEndPoint(IPAddress.Loopback, port), port + 2 + (2 * w), workers[w]));
            }

            using var env = new SyncVectorEnv(() => Gym.Make("CartPole-v1"), 4);
            using OnPolicyAlgorithm agent = AlgorithmRegistry.Create("ppo", env, Options(4), 1);
            var log = new List<string>();
            var source = new ClusterRolloutSource(learner.Services, agent, "ppo", "CartPole-v1", 2, log.Add) { JoinTimeout = TimeSpan.FromSeconds(30) };
            agent.RolloutSource = source;
            int left = -1;
            agent.Learn(3L * 4 * options.NumSteps, a =>
            {
                if (a.Iterations == 1)
                {
                    Assert.Equal(1, workers.Count(w => w.Rollouts == 0));
                    left = Array.FindIndex(workers, w => w.Rollouts == 1);
                    hosts[left].StopAsync().GetAwaiter().GetResult();
                }
            });

            Assert.Equal(3, agent.Iterations);
            Assert.Equal(1, source.Dropped);

            // The worker that left made 1 rollout, the one that stayed 3, the spare the last 2.
            Assert.Equal(1, workers[left].Rollouts);
            Assert.True(workers.Select(w => w.Rollouts).Order().SequenceEqual([1L, 2L, 3L]), $"rollouts per worker: {string.Join(", ", workers.Select(w => w.Rollouts))}; log: {string.Join(" | ", log)}");
            Assert.Equal(3, log.Count(line => line.Contains("joined: copies", StringComparison.Ordinal)));
        }
        finally
        {
            await StopAll(hosts, learner);
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Learn_WorkerJoiningMidRun_IsUsedFromTheNextIteration()
    {
        // Quorum 1 of 2: after the first iteration one worker leaves; the run goes on with one slice (the other
        // takes a copy of it) until a new worker joins between iterations 2 and 3; from iteration 3 both report.
        OnPolicyOptions options = Options(4);
        int port = LoopbackPorts.NextBlock();
        using IHost learner = await ClusterHosts.StartLearnerSiloAsync(port);
        var hosts = new List<IHost>();
        try
        {
            var first = new[] { new RolloutWorker(id => Gym.Make(id)), new RolloutWorker(id => Gym.Make(id)) };
            for (int w = 0; w < 2; w++)
            {
                hosts.Add(await ClusterHosts.StartWorkerSiloAsync(new IPEndPoint(IPAddress.Loopback, port), port + 2 + (2 * w), first[w]));
            }

            using var env = new SyncVectorEnv(() => Gym.Make("CartPole-v1"), 4);
            using OnPolicyAlgorithm agent = AlgorithmRegistry.Create("ppo", env, options, 1);
            var log = new List<string>();
            var source = new ClusterRolloutSource(learner.Services, agent, "ppo", "CartPole-v1", 2, log.Add)
            {
                JoinTimeout = TimeSpan.FromSeconds(30),
                Quorum = 0.5,
                StragglerDeadline = TimeSpan.FromSeconds(1),
            };
            agent.RolloutSource = source;
            var late = new RolloutWorker(id => Gym.Make(id));
            var reported = new List<int>();
            agent.Learn(4L * 4 * options.NumSteps, a =>
            {
                reported.Add(source.LastReported);
                if (a.Iterations == 1)
                {
                    hosts[0].StopAsync().GetAwaiter().GetResult();
                }
                else if (a.Iterations == 2)
                {
                    IHost host = ClusterHosts.StartWorkerSiloAsync(new IPEndPoint(IPAddress.Loopback, port), port + 6, late).GetAwaiter().GetResult();
                    hosts.Add(host);
                    WaitUntilLearnerSees(learner, host);
                }
            });

            Assert.Equal([2, 1, 2, 2], reported);
            Assert.Equal(2, late.Rollouts);
            Assert.Equal(1, source.Dropped);
        }
        finally
        {
            await StopAll(hosts, learner);
        }
    }

    private static void WaitUntilLearnerSees(IHost learner, IHost worker)
    {
        SiloAddress silo = worker.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var membership = learner.Services.GetRequiredService<IClusterMembershipService>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!membership.CurrentSnapshot.Members.TryGetValue(silo, out ClusterMember? member) || member.Status != SiloStatus.Active)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the learner never saw the new worker silo");
            Thread.Sleep(20);
        }
    }

    /// <summary>A slice whose columns in every block equal another slice's (the copy a missing slice takes), or −1.</summary>
    private static int FindDuplicatedSlice(RolloutBuffer buffer, int slices, int envs)
    {
        for (int s = 0; s < slices; s++)
        {
            for (int r = 0; r < slices; r++)
            {
                if (r != s && SameColumns(buffer, s * envs, r * envs, envs))
                {
                    return s;
                }
            }
        }

        return -1;
    }

    private static bool SameColumns(RolloutBuffer buffer, int a, int b, int envs)
    {
        int n = buffer.Envs, size = buffer.ObservationSize;
        for (int t = 0; t < buffer.Steps; t++)
        {
            if (!buffer.Observations.AsSpan(((t * n) + a) * size, envs * size).SequenceEqual(buffer.Observations.AsSpan(((t * n) + b) * size, envs * size))
                || !buffer.Rewards.AsSpan((t * n) + a, envs).SequenceEqual(buffer.Rewards.AsSpan((t * n) + b, envs))
                || !buffer.LogProbs.AsSpan((t * n) + a, envs).SequenceEqual(buffer.LogProbs.AsSpan((t * n) + b, envs)))
            {
                return false;
            }
        }

        return true;
    }

    private static async Task StopAll(List<IHost> hosts, IHost learner)
    {
        foreach (IHost host in hosts)
        {
            try
            {
                await host.StopAsync();
            }
            catch (OperationCanceledException)
            {
                // Already stopped by the test.
            }

            host.Dispose();
        }

        await learner.StopAsync();
    }

    private static OnPolicyOptions Options(int envs = 6) =>
        OptionsBinder.Apply(AlgorithmRegistry.DefaultOptions("ppo"), [new("n_envs", envs.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("n_steps", "64"), new("batch_size", "64"), new("n_epochs", "2")]);

    private static float[] Weights(OnPolicyAlgorithm agent)
    {
        var parameters = new ParameterVector<float>(agent.Policy.Parameters);
        float[] values = new float[parameters.Count];
        parameters.CopyValuesTo(values);
        return values;
    }
}
