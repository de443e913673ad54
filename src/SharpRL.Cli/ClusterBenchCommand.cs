using System.Diagnostics;
using System.Net;
using SharpRL.Cluster;

namespace SharpRL.Cli;

/// <summary>
/// <c>sharprl bench cluster</c>: synchronous distributed PPO on loopback with 1, 2, 3 … worker silos against
/// one process, on <c>SpinCartPole-v1</c> (CartPole with a fixed CPU cost per step), and where each
/// iteration's time goes on the learner (the slowest worker's collection, the messages, the update).
/// </summary>
internal static class ClusterBenchCommand
{
    public static Command Build()
    {
        var work = new Option<double>("--work-us") { Description = "CPU cost of one env step, in microseconds (calibrated here, written into the env id as spin rounds).", DefaultValueFactory = _ => ClusterBenchEnvs.DefaultStepMicroseconds };
        var workers = new Option<string>("--workers") { Description = "Worker counts to measure, comma-separated; n_envs must be a multiple of each.", DefaultValueFactory = _ => "1,2,3" };
        var envs = new Option<int>("--envs") { Description = "Env copies N in all (split over the workers).", DefaultValueFactory = _ => 12 };
        var steps = new Option<int>("--steps") { Description = "Steps per copy per rollout (n_steps).", DefaultValueFactory = _ => 64 };
        var epochs = new Option<int>("--epochs") { Description = "PPO epochs per iteration.", DefaultValueFactory = _ => 4 };
        var iterations = new Option<int>("--iterations") { Description = "Timed iterations per configuration.", DefaultValueFactory = _ => 20 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed iterations first (joins, JIT).", DefaultValueFactory = _ => 3 };
        var mode = new Option<string>("--mode") { Description = "process: each worker silo is a `sharprl cluster worker` process; inproc: all silos in this process.", DefaultValueFactory = _ => "process" };
        var port = new Option<int>("--port") { Description = "The learner's silo port (workers use the ports above it).", DefaultValueFactory = _ => 11311 };
        var command = new Command("cluster", "Distributed PPO on loopback: throughput with 1, 2, 3 worker silos against one process, and the cluster's per-iteration overhead.")
        {
            work, workers, envs, steps, epochs, iterations, warmup, mode, port,
        };
        command.SetAction(parse => CliRunner.Run(parse, output => Run(
            output,
            parse.GetValue(work),
            parse.GetValue(workers)!,
            parse.GetValue(envs),
            parse.GetValue(steps),
            parse.GetValue(epochs),
            parse.GetValue(iterations),
            parse.GetValue(warmup),
            parse.GetValue(mode)!,
            parse.GetValue(port))));
        return command;
    }

    private static int Run(TextWriter output, double workUs, string workerList, int envs, int steps, int epochs, int iterations, int warmup, string mode, int port)
    {
        if (!(workUs >= 0) || double.IsInfinity(workUs))
        {
            throw new CliError($"--work-us = {workUs} is invalid; expected a non-negative number.");
        }

        int[] counts;
        try
        {
            counts = [.. workerList.Split(',', StringSplitOptions.TrimEntries).Select(s => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture))];
        }
        catch (FormatException)
        {
            throw new CliError($"--workers '{workerList}' is invalid; expected positive counts separated by commas, e.g. 1,2,3.");
        }

        if (envs < 1 || counts.Length == 0 || counts.Any(w => w < 1 || envs % w != 0))
        {
            throw new CliError($"--envs {envs} --workers {workerList}: every worker count must be positive and divide the env copies.");
        }

        if (steps < 1 || epochs < 1 || iterations < 1 || warmup < 1)
        {
            throw new CliError($"--steps {steps}, --epochs {epochs}, --iterations {iterations}, --warmup {warmup}: all must be at least 1.");
        }

        if (mode is not ("process" or "inproc"))
        {
            throw new CliError($"--mode '{mode}' is invalid; expected process or inproc.");
        }

        if (port is < 1 or > 65000)
        {
            throw new CliError($"--port {port} is invalid; expected 1 to 65000 (workers use the ports above it).");
        }

        ClusterBenchEnvs.RegisterEnvs(Gym.Registry);
        string envId = ClusterBenchEnvs.IdFor(workUs);
        OnPolicyOptions options = OptionsBinder.Apply(AlgorithmRegistry.DefaultOptions("ppo"),
        [
            new("n_envs", envs.ToString(CultureInfo.InvariantCulture)),
            new("n_steps", steps.ToString(CultureInfo.InvariantCulture)),
            new("n_epochs", epochs.ToString(CultureInfo.InvariantCulture)),
            new("batch_size", Math.Min(256, envs * steps).ToString(CultureInfo.InvariantCulture)),
        ]);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PPO on {envId} (~{workUs:G4} µs of CPU per step), N = {envs} copies × T = {steps} steps = {envs * steps} env steps per iteration, {epochs} epochs of minibatch {Math.Min(256, envs * steps)}; {warmup} warm-up + {iterations} timed iterations; workers as {(mode == "process" ? "processes" : "silos in this process")}."));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} logical CPUs; load average at start {LoadAverage()}."));

        var rows = new List<ClusterBenchRow> { ClusterBenchmark.MeasureSingleProcess(envId, id => Gym.Make(id), options, warmup, iterations) };
        foreach (int w in counts)
        {
            Func<IPEndPoint, int, Task<IAsyncDisposable>> start = mode == "process" ? ProcessWorkers : ClusterBenchmark.InProcessWorkers(id => Gym.Make(id));
            rows.Add(ClusterBenchmark.MeasureClusterAsync(envId, id => Gym.Make(id), options, w, port, start, warmup, iterations).GetAwaiter().GetResult());
            port += 2 * (w + 2);
        }

        double baseline = rows[0].StepsPerSecond;
        output.WriteLine();
        output.WriteLine("| configuration | copies/worker | env steps/s | × one process | iteration ms | collect ms | messages ms | update ms | other ms | overhead % | request KB | rollout KB | grain call ms |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (ClusterBenchRow r in rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Configuration} | {r.EnvsPerWorker} | {r.StepsPerSecond:N0} | {r.StepsPerSecond / baseline:F2} | {Ms(r.IterationSeconds)} | {Ms(r.CollectSeconds)} | {Ms(r.MessageSeconds)} | {Ms(r.UpdateSeconds)} | {Ms(r.OtherSeconds)} | {100 * r.OverheadSeconds / r.IterationSeconds:F1} | {r.RequestBytes / 1024.0:F1} | {r.ResultBytes / 1024.0:F1} | {(double.IsNaN(r.LatencySeconds) ? "" : Ms(r.LatencySeconds, "F3"))} |"));
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Load average at end {LoadAverage()}. Medians per iteration; steps/s over all timed iterations."));
        output.WriteLine("collect: env steps and policy passes (one process: its rollout; cluster: the slowest worker's own timing). messages: the learner's round trip minus that collection. other: the learner's remaining time outside the update.");
        return 0;
    }

    private static string Ms(double seconds, string format = "F1") => (1000 * seconds).ToString(format, CultureInfo.InvariantCulture);

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    /// <summary>Starts W `sharprl cluster worker` processes that load the benchmark env from SharpRL.Cluster.dll.</summary>
    private static Task<IAsyncDisposable> ProcessWorkers(IPEndPoint learner, int workers)
    {
        string self = Environment.ProcessPath ?? throw new CliError("Cannot find this program's path to start worker processes; use --mode inproc.");
        bool viaDotnet = Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        string entry = typeof(ClusterBenchCommand).Assembly.Location;
        string envAssembly = typeof(ClusterBenchEnvs).Assembly.Location;
        var processes = new List<Process>();
        for (int w = 0; w < workers; w++)
        {
            var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            if (viaDotnet)
            {
                info.ArgumentList.Add(entry);
            }

            foreach (string arg in (string[])["cluster", "worker", "--join", $"127.0.0.1:{learner.Port}", "--port", (learner.Port + 2 + (2 * w)).ToString(CultureInfo.InvariantCulture), "--env-assembly", envAssembly])
            {
                info.ArgumentList.Add(arg);
            }

            Process process = Process.Start(info) ?? throw new CliError($"Could not start worker process {w}.");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            processes.Add(process);
        }

        return Task.FromResult<IAsyncDisposable>(new ProcessSet(processes));
    }

    private sealed class ProcessSet(List<Process> processes) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (Process process in processes)
            {
                if (!process.HasExited)
                {
                    // SIGTERM: the worker leaves the cluster cleanly (kill -9 would leave membership to notice).
                    using Process? kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
                    kill?.WaitForExit();
                }
            }

            foreach (Process process in processes)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                try
                {
                    await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                }

                process.Dispose();
            }
        }
    }
}
