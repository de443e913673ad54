using System.Net;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using SharpRL.Cluster;

namespace SharpRL.Cli;

/// <summary>
/// <c>sharprl cluster learner impala ENV --workers N</c>: IMPALA with its actors on the worker silos
/// (<see cref="ImpalaClusterSource"/>); the run folder, checkpoints and progress are the run layer's, under
/// the algorithm name <c>impala-cluster</c>.
/// </summary>
internal static class ClusterImpalaLearner
{
    public static int Run(TextWriter output, TrainRequest request, int workers, int port, double joinTimeout, double chunkTimeout, SiloSettings settings, bool quiet, int statusPort)
    {
        // --workers is the actor count; the run layer then builds the learner on this silo's workers.
        TrainRequest impala = request with
        {
            Algorithm = request.ResumeDirectory is null ? ImpalaClusterAlgorithm.Name : request.Algorithm,
            Settings = [.. request.Settings, new("num_actors", workers.ToString(CultureInfo.InvariantCulture))],
        };
        using IHost silo = ClusterHosts.StartLearnerSiloAsync(port, settings).GetAwaiter().GetResult();
        var context = new ClusterLearnerContext(silo.Services, line => output.WriteLine(line))
        {
            JoinTimeout = TimeSpan.FromSeconds(joinTimeout),
            ChunkTimeout = TimeSpan.FromSeconds(chunkTimeout),
        };
        bool completed;
        using (ImpalaClusterAlgorithm.Use(context))
        using (TrainingRun run = TrainingRun.Start(impala, Gym.Registry))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"impala on {run.EnvId}, seed {run.Seed}, {run.TotalTimesteps:N0} env steps, actors on {workers} workers → {run.Directory}"));
            output.WriteLine(settings.Clustering == ClusteringMode.Redis
                ? $"Learner silo on port {port}, {ClusterHosts.Describe(settings)}; start workers with: sharprl cluster worker --clustering redis --redis {settings.Redis}"
                : $"Learner silo on port {port}, {ClusterHosts.Describe(settings)}; start workers with: sharprl cluster worker --join {Dns.GetHostName()}:{port}");
            using IDisposable? status = ClusterStatusPage.Start(statusPort, () => new ClusterStatusSnapshot("impala", run.EnvId, context.Source?.Version ?? 0, context.Source?.Status.Sum(w => w.Steps) ?? 0, context.Source?.StatusRows ?? []), output);
            using var interrupt = new CancellationTokenSource();
            using PosixSignalRegistration onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
            {
                signal.Cancel = true;
                interrupt.Cancel();
            });
            completed = ProgressReporter.Run(run, quiet, output, interrupt.Token);
            TrainingSummary summary = run.Summary();
            ImpalaClusterSource? source = context.Source;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(completed ? "Done" : "Interrupted")}: {summary.Timesteps:N0} env steps in {summary.Elapsed.TotalSeconds:F2} s ({summary.StepsPerSecond:N0} env steps/s), recent mean return {summary.RecentMeanReturn:F1}, {source?.Rejected ?? 0} malformed batches rejected. Model: {summary.ModelPath}"));
            foreach (ImpalaWorkerStatus worker in source?.Status ?? [])
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  worker {worker.Worker} (copies from {worker.FirstSourceId}): {worker.Chunks:N0} chunks, {worker.Steps:N0} steps, {worker.StepsPerSecond:N0} steps/s in its last unroll, last lag {worker.LastLag}"));
            }
        }

        silo.StopAsync().GetAwaiter().GetResult();
        return completed ? 0 : 143;
    }
}
