using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using SharpRL.Algorithms;
using SharpRL.Algorithms.Common;
using SharpRL.Cluster;
using SharpRL.Environments;
using SharpRL.Envs;
using SharpRL.Training;

namespace SharpRL.Cli;

/// <summary>
/// <c>sharprl cluster learner|worker</c>: synchronous distributed on-policy training on Orleans silos
/// (the learner's silo is the primary; workers join it, each running its env copies).
/// </summary>
internal static class ClusterCommand
{
    public static Command Build()
    {
        var command = new Command("cluster", "Distributed training on an Orleans cluster: one learner, rollout workers on any number of machines.");
        command.Add(BuildLearner());
        command.Add(BuildWorker());
        return command;
    }

    private static Command BuildLearner()
    {
        var algorithm = new Argument<string>("algorithm") { Description = "On-policy algorithm: ppo, a2c, trpo, …" };
        var env = new Argument<string>("env") { Description = "Env id (every worker must be able to make it)." };
        var workers = new Option<int>("--workers") { Description = "Worker silos W; n_envs is split into W equal slices.", DefaultValueFactory = _ => 1 };
        var port = new Option<int>("--port") { Description = "Silo port of the learner (workers --join HOST:PORT); the gateway uses PORT + 1.", DefaultValueFactory = _ => 11111 };
        var joinTimeout = new Option<double>("--join-timeout") { Description = "Seconds to wait for workers to join (and for a replacement of a dropped one).", DefaultValueFactory = _ => 300 };
        var deadline = new Option<double>("--deadline") { Description = "Seconds one worker's rollout may take before the worker is dropped.", DefaultValueFactory = _ => 300 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0, Description = "Seed of the run." };
        var timesteps = new Option<long?>("--timesteps") { CustomParser = CliParsers.ParseSteps, Description = "Env-step budget (default: the preset's)." };
        var numEnvs = new Option<int?>("--n-envs") { Description = "Env copies in all (default: the preset's)." };
        var set = new Option<string[]>("--set") { Description = "Override a setting, key=value (repeatable).", AllowMultipleArgumentsPerToken = true };
        var output = new Option<string?>("--out") { Description = "Run folder (default: runs/<algorithm>_<env>_s<seed>)." };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this folder from its latest checkpoint (workers join again)." };
        var saveFreq = new Option<long?>("--save-freq") { CustomParser = CliParsers.ParseSteps, Description = "Checkpoint every N env steps." };
        var quiet = new Option<bool>("--quiet") { Description = "No progress bar." };
        var command = new Command("learner", "Run the learner: sharprl cluster learner ppo CartPole-v1 --workers 2 --port 11111")
        {
            algorithm, env, workers, port, joinTimeout, deadline, seed, timesteps, numEnvs, set, output, resume, saveFreq, quiet,
        };
        command.SetAction(parse => CliRunner.Run(parse, stdout =>
        {
            var request = new TrainRequest
            {
                Algorithm = parse.GetValue(algorithm),
                EnvId = parse.GetValue(env),
                Seed = parse.GetValue(seed),
                TotalTimesteps = parse.GetValue(timesteps),
                NumEnvs = parse.GetValue(numEnvs),
                Settings = [.. (parse.GetValue(set) ?? []).Select(OptionsBinder.ParseAssignment)],
                OutputDirectory = parse.GetValue(output),
                ResumeDirectory = parse.GetValue(resume),
                SaveFrequency = parse.GetValue(saveFreq),
            };
            return Learner(stdout, request, parse.GetValue(workers), parse.GetValue(port), parse.GetValue(joinTimeout), parse.GetValue(deadline), parse.GetValue(quiet));
        }));
        return command;
    }

    private static Command BuildWorker()
    {
        var join = new Option<string>("--join") { Description = "The learner's HOST:PORT.", Required = true };
        var envs = new Option<int>("--envs") { Description = "Env copies this worker runs (0: the learner's n_envs / --workers).", DefaultValueFactory = _ => 0 };
        var port = new Option<int>("--port") { Description = "This worker's silo port (gateway: PORT + 1); 0 picks a free one.", DefaultValueFactory = _ => 0 };
        var envAssembly = new Option<string[]>("--env-assembly") { Description = "Load a .dll with your envs: its public static RegisterEnvs(EnvRegistry) methods are called (repeatable).", AllowMultipleArgumentsPerToken = true };
        var envId = new Option<string?>("--env") { Description = "Only join a learner that trains this env." };
        var algorithm = new Option<string?>("--algo") { Description = "Only join a learner that runs this algorithm." };
        var command = new Command("worker", "Run a rollout worker: sharprl cluster worker --join 10.0.0.1:11111 --envs 8")
        {
            join, envs, port, envAssembly, envId, algorithm,
        };
        command.SetAction(parse => CliRunner.Run(parse, stdout => Worker(stdout, parse.GetValue(join)!, parse.GetValue(envs), parse.GetValue(port), parse.GetValue(envAssembly) ?? [], parse.GetValue(envId), parse.GetValue(algorithm))));
        return command;
    }

    private static int Learner(TextWriter output, TrainRequest request, int workers, int port, double joinTimeout, double deadline, bool quiet)
    {
        if (workers < 1 || port is < 1 or > 65534 || joinTimeout <= 0 || deadline <= 0)
        {
            throw new ArgumentException($"--workers {workers}, --port {port}, --join-timeout {joinTimeout}, --deadline {deadline}: expected workers ≥ 1, 1 ≤ port ≤ 65534 and positive times.");
        }

        using TrainingRun run = TrainingRun.Start(request, Gym.Registry);
        if (run.Agent is not OnPolicyAlgorithm agent)
        {
            throw new ArgumentException($"The cluster trains on-policy algorithms (ppo, a2c, trpo, …); '{run.Algorithm}' is {run.Descriptor.Family}.");
        }

        using IHost silo = ClusterHosts.StartLearnerSiloAsync(port).GetAwaiter().GetResult();
        var source = new ClusterRolloutSource(silo.Services, agent, run.Algorithm, run.EnvId, workers, line => output.WriteLine(line))
        {
            JoinTimeout = TimeSpan.FromSeconds(joinTimeout),
            RolloutTimeout = TimeSpan.FromSeconds(deadline),
        };
        agent.RolloutSource = source;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{run.Algorithm} on {run.EnvId}, seed {run.Seed}, {run.TotalTimesteps:N0} env steps, {agent.Env.NumEnvs} env copies on {workers} workers → {run.Directory}"));
        output.WriteLine($"Learner silo on port {port}; start workers with: sharprl cluster worker --join {Dns.GetHostName()}:{port}");
        using var interrupt = new CancellationTokenSource();
        using PosixSignalRegistration onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            interrupt.Cancel();
        });
        bool completed = ProgressReporter.Run(run, quiet, output, interrupt.Token);
        TrainingSummary summary = run.Summary();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(completed ? "Done" : "Interrupted")}: {summary.Timesteps:N0} env steps in {summary.Elapsed.TotalSeconds:F2} s ({summary.StepsPerSecond:N0} env steps/s), recent mean return {summary.RecentMeanReturn:F1}, {source.Dropped} workers dropped. Model: {summary.ModelPath}"));
        silo.StopAsync().GetAwaiter().GetResult();
        return completed ? 0 : 143;
    }

    private static int Worker(TextWriter output, string join, int envs, int port, string[] envAssemblies, string? envId, string? algorithm)
    {
        IPEndPoint learner = ParseEndpoint(join);
        if (envs < 0)
        {
            throw new ArgumentException($"--envs {envs} is invalid; expected ≥ 0.");
        }

        foreach (string path in envAssemblies)
        {
            LoadEnvAssembly(path);
        }

        int siloPort = port != 0 ? port : FreePort();
        var worker = new RolloutWorker(id => Gym.Make(id), envs, envId, algorithm);
        using IHost silo = ClusterHosts.StartWorkerSiloAsync(learner, siloPort, worker).GetAwaiter().GetResult();
        output.WriteLine($"Worker silo on port {siloPort} joined the learner at {join}; waiting for rollouts (Ctrl+C to leave).");
        using var stop = new ManualResetEventSlim();
        using PosixSignalRegistration onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Set();
        });
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Set();
        };
        stop.Wait();
        silo.StopAsync().GetAwaiter().GetResult();
        output.WriteLine($"Worker left after {worker.Rollouts} rollouts.");
        return 0;
    }

    private static IPEndPoint ParseEndpoint(string text)
    {
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"--join '{text}' is invalid; expected HOST:PORT, e.g. localhost:11111.");
        }

        string host = text[..colon];
        IPAddress address = IPAddress.TryParse(host, out IPAddress? parsed)
            ? parsed
            : Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                ?? throw new ArgumentException($"--join '{text}': host '{host}' has no IPv4 address.");
        return new IPEndPoint(address, port);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void LoadEnvAssembly(string path)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"--env-assembly '{path}' does not exist.");
        }

        Assembly assembly = Assembly.LoadFrom(Path.GetFullPath(path));
        MethodInfo[] registrars = [.. assembly.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.Name == "RegisterEnvs" && m.GetParameters() is [{ } p] && p.ParameterType == typeof(EnvRegistry))];
        if (registrars.Length == 0)
        {
            throw new ArgumentException($"--env-assembly '{path}' has no public static RegisterEnvs(EnvRegistry) method; add one that calls registry.Register(\"MyEnv-v0\", () => new MyEnv()).");
        }

        foreach (MethodInfo registrar in registrars)
        {
            registrar.Invoke(null, [Gym.Registry]);
        }
    }
}
