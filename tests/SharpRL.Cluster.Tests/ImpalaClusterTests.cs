using SharpRL.Algorithms.Impala;
using SharpRL.Logging;

namespace SharpRL.Cluster.Tests;

/// <summary>IMPALA with its actors on worker silos (loopback): streaming, the policy lag, malformed pushes, refusals.</summary>
public class ImpalaClusterTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task TwoWorkerSilos_StreamChunksWithTheirLag_AndTheLearnerLearnsCartPole()
    {
        // CartPole-v1 with the IMPALA preset (lr lin_1e-3), 2 worker silos × 4 copies, seed 0, 1.2e5 steps.
        ImpalaOptions options = OptionsBinder.Apply(ImpalaPresets.For("CartPole-v1")!.Options, [new("num_actors", "2"), new("n_envs", "4")]);
        int port = LoopbackPorts.NextBlock();
        using IHost learner = await ClusterHosts.StartLearnerSiloAsync(port);
        using IHost worker0 = await StartWorker(port, port + 2);
        using IHost worker1 = await StartWorker(port, port + 4);
        try
        {
            using IEnv probe = Gym.Make("CartPole-v1");
            var logger = new MetricsLogger();
            var lags = new List<double>();
            logger.AddSink(new DelegateSink(values =>
            {
                foreach ((string key, double value) in values)
                {
                    if (key == ImpalaMetricKeys.PolicyLagMean)
                    {
                        lags.Add(value);
                    }
                }
            }));
            using var source = new ImpalaClusterSource(learner.Services, options, "CartPole-v1", probe.ObservationSpace, probe.ActionSpace, 0) { JoinTimeout = TimeSpan.FromSeconds(30) };
            using var agent = new ImpalaLearner(source, probe.ObservationSpace, probe.ActionSpace, options, 0, logger);
            const long Budget = 120_000;
            agent.Learn(Budget);
            Assert.Equal(Budget, agent.NumTimesteps);
            IReadOnlyList<ImpalaWorkerStatus> status = source.Status;
            Assert.Equal(2, status.Count);
            Assert.Equal([0, 4], status.Select(s => s.FirstSourceId));
            Assert.All(status, s => Assert.True(s.Chunks > 0 && s.Steps == s.Chunks * options.UnrollLength && s.StepsPerSecond > 0, $"worker {s.Worker}: {s.Chunks} chunks, {s.Steps} steps, {s.StepsPerSecond} steps/s"));
            Assert.Equal(0, source.Rejected);

            // Workers act with weights that lag the learner's (asynchronous), and the learner logs it.
            Assert.NotEmpty(lags);
            Assert.All(lags, l => Assert.True(l >= 0));
            Assert.True(lags.Max() > 0, "the workers' weights never lagged: the actors are not asynchronous");
            // The actors run asynchronously, so the chunks' order and lag, and with them the learning, vary from run to
            // run: 12 runs on the shared 2-core machine (2026-12-02) ended between 147 and 344. The bar is set at 100,
            // far above random play and below that spread, so that it tests learning and not the scheduler.
            Assert.True(agent.RecentMeanReturn > 100, $"recent mean return {agent.RecentMeanReturn:F1} after {Budget} steps; expected > 100 (random ≈ 22)");
        }
        finally
        {
            await worker1.StopAsync();
            await worker0.StopAsync();
            await learner.StopAsync();
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task AWorkerThatLeaves_IsMarkedGone_AndASiloThatJoinsMidRunTakesItsPlace()
    {
        ImpalaOptions options = OptionsBinder.Apply(ImpalaPresets.For("CartPole-v1")!.Options, [new("num_actors", "2"), new("n_envs", "2")]);
        int port = LoopbackPorts.NextBlock();
        using IHost learner = await ClusterHosts.StartLearnerSiloAsync(port);
        using IHost worker0 = await StartWorker(port, port + 2);
        IHost worker1 = await StartWorker(port, port + 4);
        IHost? worker2 = null;
        using var cancel = new CancellationTokenSource();
        Task<bool>? run = null;
        try
        {
            using IEnv probe = Gym.Make("CartPole-v1");
            var log = new List<string>();
            using var source = new ImpalaClusterSource(learner.Services, options, "CartPole-v1", probe.ObservationSpace, probe.ActionSpace, 0, line => { lock (log) { log.Add(line); } }) { JoinTimeout = TimeSpan.FromSeconds(30) };
            using var agent = new ImpalaLearner(source, probe.ObservationSpace, probe.ActionSpace, options, 0);
            run = Task.Run(() => agent.Learn(long.MaxValue / 2, null, cancel.Token));
            await WaitFor(() => source.Status.Count == 2 && source.Status.All(s => s.Chunks > 0), run, "both workers streaming");

            // Worker 1's silo leaves mid-run: membership declares it dead and the source marks it gone.
            await worker1.StopAsync();
            worker1.Dispose();
            await WaitFor(() => source.Status.Any(s => s.Gone), run, "the stopped worker marked gone");

            // Membership order decides which worker got copies 0..1 and which 2..3.
            ImpalaWorkerStatus survivor = Assert.Single(source.Status, s => !s.Gone);
            ImpalaWorkerStatus gone = Assert.Single(source.Status, s => s.Gone);

            // A silo that joins now takes the vacancy with the next range of copies and streams.
            worker2 = await StartWorker(port, port + 6);
            await WaitFor(() => source.Status.Count == 3 && source.Status[2].Chunks > 0, run, "the joining worker streaming");
            await WaitFor(() => source.Status.Single(s => s.FirstSourceId == survivor.FirstSourceId).Chunks > survivor.Chunks, run, "the surviving worker still streaming");
            cancel.Cancel();
            Assert.False(await run, "Learn reported a finished budget; it was cancelled");

            IReadOnlyList<ImpalaWorkerStatus> status = source.Status;
            Assert.Equal([0, 2, 4], status.Select(s => s.FirstSourceId));
            Assert.Equal([gone.FirstSourceId], status.Where(s => s.Gone).Select(s => s.FirstSourceId));
            Assert.Equal(0, source.Rejected);
            Assert.Contains("gone", source.StatusRows.Select(r => r.State));
            lock (log)
            {
                Assert.Contains(log, line => line.Contains("left the cluster", StringComparison.Ordinal) && line.Contains($"copies {gone.FirstSourceId}..{gone.FirstSourceId + 1} stop", StringComparison.Ordinal));
                Assert.Contains(log, line => line.Contains("joined: copies 4..5", StringComparison.Ordinal));
            }
        }
        finally
        {
            await cancel.CancelAsync();
            if (run is not null)
            {
                await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30)));
            }

            if (worker2 is not null)
            {
                await worker2.StopAsync();
                worker2.Dispose();
            }

            await worker0.StopAsync();
            await learner.StopAsync();
        }
    }

    /// <summary>A worker silo on loopback, any env and algorithm, joining the learner on <paramref name="learnerPort"/>.</summary>
    private static Task<IHost> StartWorker(int learnerPort, int port) =>
        ClusterHosts.StartWorkerSiloAsync(new IPEndPoint(IPAddress.Loopback, learnerPort), port, new RolloutWorker(id => Gym.Make(id)));

    /// <summary>Polls <paramref name="condition"/> for up to a minute, failing at once if the training run failed.</summary>
    private static async Task WaitFor(Func<bool> condition, Task run, string what)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (run.IsCompleted)
            {
                await run;
                Assert.Fail($"The run ended before: {what}.");
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), $"Waited 60 s for: {what}.");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task MalformedPush_IsRejectedWithTheReason_AndTheLearnerGoesOn()
    {
        ImpalaOptions options = OptionsBinder.Apply(new ImpalaOptions(), [new("num_actors", "1"), new("n_envs", "2"), new("unroll_length", "5"), new("batch_size", "2")]);
        int port = LoopbackPorts.NextBlock();
        using IHost learner = await ClusterHosts.StartLearnerSiloAsync(port);
        using IHost worker = await StartWorker(port, port + 2);
        try
        {
            using IEnv probe = Gym.Make("CartPole-v1");
            var log = new List<string>();
            using var source = new ImpalaClusterSource(learner.Services, options, "CartPole-v1", probe.ObservationSpace, probe.ActionSpace, 0, line => { lock (log) { log.Add(line); } }) { JoinTimeout = TimeSpan.FromSeconds(30) };
            using var agent = new ImpalaLearner(source, probe.ObservationSpace, probe.ActionSpace, options, 0);
            agent.Learn(2 * 5 * 2);

            // A push of the joined worker with a truncated reward block, and one from a silo that never joined.
            string learnerKey = learner.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();
            string workerKey = worker.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();
            IImpalaLearnerGrain inbox = worker.Services.GetRequiredService<IGrainFactory>().GetGrain<IImpalaLearnerGrain>(learnerKey);
            ImpalaChunkMessage Good(int id) => new()
            {
                Length = 5, ObservationSize = 4, ActionSize = 1, PolicyVersion = 0, SourceId = id,
                Observations = new byte[6 * 4 * 4], Actions = new byte[5 * 4], Rewards = new byte[5 * 4],
                Terminated = new byte[5], Truncated = new byte[5], BehaviourLogProbs = new byte[5 * 4],
            };
            ImpalaChunkMessage bad = Good(1);
            bad.Rewards = new byte[7];
            ImpalaPushReply reply = await inbox.Push(new ImpalaChunkBatch { Worker = workerKey, Chunks = [Good(0), bad] });
            Assert.True(reply.Stop);
            Assert.Contains("rewards: 7 bytes, expected 20", reply.Reason, StringComparison.Ordinal);
            ImpalaChunkMessage flag = Good(1);
            flag.Terminated[2] = 7;
            Assert.Contains("terminated flags: byte 2 is 7", (await inbox.Push(new ImpalaChunkBatch { Worker = workerKey, Chunks = [Good(0), flag] })).Reason, StringComparison.Ordinal);
            Assert.Contains("did not join this run", (await inbox.Push(new ImpalaChunkBatch { Worker = "nobody", Chunks = [Good(0), Good(1)] })).Reason, StringComparison.Ordinal);
            Assert.Equal(3, source.Rejected);
            lock (log)
            {
                Assert.Contains(log, line => line.Contains("malformed batch (rewards: 7 bytes", StringComparison.Ordinal));
            }

            // The learner was not disturbed: its own worker was told to stop, so a new run on the silo streams again.
            Assert.Equal(20, agent.NumTimesteps);
        }
        finally
        {
            await worker.StopAsync();
            await learner.StopAsync();
        }
    }

    [Fact]
    public async Task WorkerForAnotherEnvOrAlgorithm_IsRefusedWithTheReason()
    {
        ImpalaOptions options = OptionsBinder.Apply(new ImpalaOptions(), [new("num_actors", "1"), new("n_envs", "2"), new("unroll_length", "5"), new("batch_size", "2")]);
        int port = LoopbackPorts.NextBlock();
        using IHost learner = await ClusterHosts.StartLearnerSiloAsync(port);
        using IHost worker = await ClusterHosts.StartWorkerSiloAsync(new IPEndPoint(IPAddress.Loopback, port), port + 2, new RolloutWorker(id => Gym.Make(id), pinnedAlgorithm: "ppo"));
        try
        {
            using IEnv probe = Gym.Make("CartPole-v1");
            using var source = new ImpalaClusterSource(learner.Services, options, "CartPole-v1", probe.ObservationSpace, probe.ActionSpace, 0) { JoinTimeout = TimeSpan.FromSeconds(4) };
            using var agent = new ImpalaLearner(source, probe.ObservationSpace, probe.ActionSpace, options, 0);
            TimeoutException error = Assert.Throws<TimeoutException>(() => agent.Learn(100));
            Assert.Contains("started for algorithm 'ppo'; the learner runs 'impala'", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await worker.StopAsync();
            await learner.StopAsync();
        }
    }

    private sealed class DelegateSink(Action<IReadOnlyList<KeyValuePair<string, double>>> onDump) : IMetricsSink
    {
        public void Write(long step, IReadOnlyList<KeyValuePair<string, double>> metrics) => onDump(metrics);

        public void Flush()
        {
        }

        public void Dispose()
        {
        }
    }
}
