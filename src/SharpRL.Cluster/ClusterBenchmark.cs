using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;
using SharpRL.Algorithms;
using SharpRL.Algorithms.Common;
using SharpRL.Envs;
using SharpRL.Envs.Vector;
using SharpRL.Nn;

namespace SharpRL.Cluster;

/// <summary>
/// One configuration of <see cref="ClusterBenchmark"/>: medians over the timed iterations, in seconds per
/// iteration, and the throughput over all of them.
/// </summary>
/// <param name="Configuration">"single process" or "W workers".</param>
/// <param name="Workers">Worker silos (0 for the single process).</param>
/// <param name="EnvsPerWorker">Env copies per worker (all copies for the single process).</param>
/// <param name="Iterations">Timed iterations (after the warm-up).</param>
/// <param name="StepsPerSecond">Env steps of the timed iterations over their wall time.</param>
/// <param name="IterationSeconds">Wall time of one iteration, learner side.</param>
/// <param name="CollectSeconds">Env steps and policy passes: the single process's rollout, or the slowest worker's collection as it measured it.</param>
/// <param name="MessageSeconds">The cluster's overhead inside the rollout: the learner's round trip minus the slowest worker's collection (serialising, sending and receiving the two messages, scheduling, waiting); 0 for the single process.</param>
/// <param name="UpdateSeconds">GAE and the algorithm's update on the learner.</param>
/// <param name="OtherSeconds">Everything else on the learner: packing the weights, placing the slices, logging (iteration − collect − message − update).</param>
/// <param name="RequestBytes">Bytes of one worker's request (the weights).</param>
/// <param name="ResultBytes">Bytes of one worker's rollout message.</param>
public sealed record ClusterBenchRow(
    string Configuration,
    int Workers,
    int EnvsPerWorker,
    int Iterations,
    double StepsPerSecond,
    double IterationSeconds,
    double CollectSeconds,
    double MessageSeconds,
    double UpdateSeconds,
    double OtherSeconds,
    long RequestBytes,
    long ResultBytes)
{
    /// <summary>Overhead of the cluster per iteration: time that is neither env steps and policy passes nor the update.</summary>
    public double OverheadSeconds => MessageSeconds + OtherSeconds;

    /// <summary>Median round trip of an empty grain call to a worker, in seconds (NaN for the single process).</summary>
    public double LatencySeconds { get; init; } = double.NaN;
}

/// <summary>
/// Measures synchronous distributed PPO (<see cref="ClusterRolloutSource"/>) against one process on the same
/// problem: N env copies, T steps per rollout, split over W worker silos on loopback, with the learner
/// instrumented per iteration (where its time goes: the slowest worker's collection, the messages, the
/// update). The warm-up iterations (joins, JIT) are not timed.
/// </summary>
public static class ClusterBenchmark
{
    /// <summary>Measures one process with all <paramref name="options"/>.NumEnvs copies.</summary>
    /// <param name="envId">Env id (registered in <paramref name="makeEnv"/>'s registry).</param>
    /// <param name="makeEnv">Makes one copy.</param>
    /// <param name="options">PPO settings (n_envs, n_steps, epochs, …).</param>
    /// <param name="warmup">Iterations run before timing starts.</param>
    /// <param name="iterations">Timed iterations.</param>
    /// <param name="seed">Seed of the run.</param>
    public static ClusterBenchRow MeasureSingleProcess(string envId, Func<string, IEnv> makeEnv, OnPolicyOptions options, int warmup, int iterations, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(makeEnv);
        ArgumentNullException.ThrowIfNull(options);
        Check(warmup, iterations);
        using var env = new SyncVectorEnv(() => makeEnv(envId), options.NumEnvs);
        using OnPolicyAlgorithm agent = AlgorithmRegistry.Create("ppo", env, options, seed);
        return Time(agent, null, "single process", 0, options.NumEnvs, warmup, iterations);
    }

    /// <summary>
    /// Measures the cluster: starts the learner's silo on <paramref name="port"/>, lets
    /// <paramref name="startWorkers"/> start W worker silos that join it (in this process or as processes),
    /// and trains with the copies split over them.
    /// </summary>
    /// <param name="envId">Env id every worker makes.</param>
    /// <param name="makeEnv">Makes one copy for the learner's (unstepped) env, which sets the spaces.</param>
    /// <param name="options">PPO settings; n_envs must be a multiple of <paramref name="workers"/>.</param>
    /// <param name="workers">Worker silos W.</param>
    /// <param name="port">The learner's silo port (gateway port + 1).</param>
    /// <param name="startWorkers">Starts W workers joining 127.0.0.1:port; disposing the result stops them.</param>
    /// <param name="warmup">Iterations run before timing starts (the first includes the joins).</param>
    /// <param name="iterations">Timed iterations.</param>
    /// <param name="seed">Seed of the run.</param>
    /// <param name="log">Join and drop lines.</param>
    public static async Task<ClusterBenchRow> MeasureClusterAsync(
        string envId,
        Func<string, IEnv> makeEnv,
        OnPolicyOptions options,
        int workers,
        int port,
        Func<IPEndPoint, int, Task<IAsyncDisposable>> startWorkers,
        int warmup,
        int iterations,
        int seed = 0,
        Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(makeEnv);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(startWorkers);
        Check(warmup, iterations);
        using IHost learner = await ClusterHosts.StartLearnerSiloAsync(port).ConfigureAwait(false);
        try
        {
            await using IAsyncDisposable started = await startWorkers(new IPEndPoint(IPAddress.Loopback, port), workers).ConfigureAwait(false);
            using var env = new SyncVectorEnv(() => makeEnv(envId), options.NumEnvs);
            using OnPolicyAlgorithm agent = AlgorithmRegistry.Create("ppo", env, options, seed);
            var source = new ClusterRolloutSource(learner.Services, agent, "ppo", envId, workers, log) { JoinTimeout = TimeSpan.FromMinutes(2) };
            agent.RolloutSource = source;
            ClusterBenchRow row = Time(agent, source, workers == 1 ? "1 worker" : $"{workers} workers", workers, options.NumEnvs / workers, warmup, iterations);
            return row with { LatencySeconds = await MeasureLatencyAsync(learner.Services, 50).ConfigureAwait(false) };
        }
        finally
        {
            await learner.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Starts W worker silos in this process, on ports after the learner's; each worker makes its copies with
    /// <paramref name="makeEnv"/>. The silos share this process's thread pool and garbage collector.
    /// </summary>
    public static Func<IPEndPoint, int, Task<IAsyncDisposable>> InProcessWorkers(Func<string, IEnv> makeEnv) => async (learner, workers) =>
    {
        var hosts = new List<IHost>();
        for (int w = 0; w < workers; w++)
        {
            hosts.Add(await ClusterHosts.StartWorkerSiloAsync(learner, learner.Port + 2 + (2 * w), new RolloutWorker(makeEnv)).ConfigureAwait(false));
        }

        return new HostSet(hosts);
    };

    /// <summary>
    /// Median round-trip time of an empty grain call from the learner's silo to each worker grain
    /// (<see cref="IRolloutWorkerGrain.Hello"/>), in seconds: the latency term of the throughput model.
    /// </summary>
    public static async Task<double> MeasureLatencyAsync(IServiceProvider learnerServices, int calls)
    {
        ArgumentNullException.ThrowIfNull(learnerServices);
        var grains = learnerServices.GetRequiredService<IGrainFactory>();
        var membership = learnerServices.GetRequiredService<IClusterMembershipService>();
        SiloAddress self = learnerServices.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var times = new List<double>();
        foreach (ClusterMember member in membership.CurrentSnapshot.Members.Values)
        {
            if (member.Status != SiloStatus.Active || member.SiloAddress.Equals(self))
            {
                continue;
            }

            IRolloutWorkerGrain worker = grains.GetGrain<IRolloutWorkerGrain>(member.SiloAddress.ToParsableString());
            await worker.Hello().ConfigureAwait(false);
            for (int c = 0; c < calls; c++)
            {
                long start = Stopwatch.GetTimestamp();
                await worker.Hello().ConfigureAwait(false);
                times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
        }

        return times.Count == 0 ? double.NaN : Median(times);
    }

    /// <summary>Bytes of one worker's messages for a rollout of <paramref name="steps"/> × <paramref name="envs"/> rows.</summary>
    public static (long Request, long Result) MessageBytes(OnPolicyAlgorithm agent, int steps, int envs)
    {
        ArgumentNullException.ThrowIfNull(agent);
        RolloutBuffer b = agent.Buffer;
        long parameters = new ParameterVector<float>(agent.Policy.Parameters).Count;

        // Per row: observation, action, distribution parameters, ln π, V, V(s'), r, and the two flags.
        long perRow = b.ObservationSize + b.ActionSize + b.DistributionParameterSize + 6;
        return (parameters * sizeof(float), (long)steps * envs * perRow * sizeof(float));
    }

    private static ClusterBenchRow Time(OnPolicyAlgorithm agent, ClusterRolloutSource? source, string name, int workers, int envsPerWorker, int warmup, int iterations)
    {
        int steps = agent.Buffer.Steps;
        long perIteration = (long)agent.Env.NumEnvs * steps;
        var wall = new List<double>();
        var collect = new List<double>();
        var message = new List<double>();
        var update = new List<double>();
        var other = new List<double>();
        TimeBreakdown before = agent.Timing;
        long last = Stopwatch.GetTimestamp();
        long timedStart = 0;
        int seen = 0;
        agent.Learn(perIteration * (warmup + iterations), a =>
        {
            long now = Stopwatch.GetTimestamp();
            TimeBreakdown timing = a.Timing;
            seen++;
            if (seen == warmup)
            {
                timedStart = now;
            }
            else if (seen > warmup)
            {
                double iteration = Stopwatch.GetElapsedTime(last, now).TotalSeconds;
                double rollout = (timing.Rollout - before.Rollout).TotalSeconds;
                double learn = (timing.Advantages - before.Advantages + timing.Update - before.Update).TotalSeconds;
                double workerCollect = source is null ? rollout : source.LastTiming.WorkerCollect;
                double roundTrip = source is null ? rollout : source.LastTiming.RoundTrip;
                wall.Add(iteration);
                collect.Add(workerCollect);
                message.Add(Math.Max(0, roundTrip - workerCollect));
                update.Add(learn);
                other.Add(Math.Max(0, iteration - roundTrip - learn));
            }

            before = timing;
            last = now;
        });
        double timed = Stopwatch.GetElapsedTime(timedStart, last).TotalSeconds;
        (long request, long result) = workers == 0 ? (0L, 0L) : MessageBytes(agent, steps, envsPerWorker);
        return new ClusterBenchRow(name, workers, envsPerWorker, iterations, perIteration * iterations / timed,
            Median(wall), Median(collect), Median(message), Median(update), Median(other), request, result);
    }

    private static void Check(int warmup, int iterations)
    {
        if (warmup < 1 || iterations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(iterations), $"warm-up {warmup} and timed iterations {iterations} must both be at least 1 (the first iteration includes the joins and the JIT).");
        }
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : 0.5 * (values[(n / 2) - 1] + values[n / 2]);
    }

    private sealed class HostSet(List<IHost> hosts) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (IHost host in hosts)
            {
                await host.StopAsync().ConfigureAwait(false);
                host.Dispose();
            }
        }
    }
}
