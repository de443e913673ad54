using System.Net;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using SharpRL.Cluster;

namespace SharpRL.Cli;

/// <summary>
/// <c>sharprl cluster learner|worker</c>: synchronous distributed on-policy training on Orleans silos
/// (the learner's silo is the primary; workers join it, each running its env copies).
/// </summary>
internal static class ClusterCommand
{
    public static Command Build()
    {
        // So that `sharprl eval` and `--resume` know the algorithm of a `cluster learner impala` run folder.
        ImpalaClusterAlgorithm.Register();
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
        var quorum = new Option<double>("--quorum") { Description = "Fraction of the slices that must report before stragglers are preempted (DD-PPO); 1 waits for all (byte-identical to one process).", DefaultValueFactory = _ => 1.0 };
        var stragglerDeadline = new Option<double>("--straggler-deadline") { Description = "With --quorum < 1: seconds after the first slice reports that the others are waited for.", DefaultValueFactory = _ => 5.0 };
        var envAssembly = EnvAssemblyOption();
        Option<int> statusPort = ClusterStatusPage.Option();
        SiloOptions silo = SiloOptions.Create();
        var command = new Command("learner", "Run the learner: sharprl cluster learner ppo CartPole-v1 --workers 2 --port 11111")
        {
            algorithm, env, workers, port, joinTimeout, deadline, seed, timesteps, numEnvs, set, output, resume, saveFreq, quiet, quorum, stragglerDeadline, envAssembly, statusPort,
        };
        silo.AddTo(command);
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
            var cluster = new LearnerSettings(parse.GetValue(workers), parse.GetValue(port), parse.GetValue(joinTimeout), parse.GetValue(deadline), parse.GetValue(quorum), parse.GetValue(stragglerDeadline));
            foreach (string path in parse.GetValue(envAssembly) ?? [])
            {
                LoadEnvAssembly(path);
            }

            return Learner(stdout, request, cluster, silo.Read(parse), parse.GetValue(quiet), parse.GetValue(statusPort));
        }));
        return command;
    }

    private static Command BuildWorker()
    {
        var join = new Option<string?>("--join") { Description = "The learner's HOST:PORT (localhost clustering; with --clustering redis the cluster is found in Redis)." };
        var envs = new Option<int>("--envs") { Description = "Env copies this worker runs (0: the learner's n_envs / --workers).", DefaultValueFactory = _ => 0 };
        var port = new Option<int>("--port") { Description = "This worker's silo port (gateway: PORT + 1); 0 picks a free one.", DefaultValueFactory = _ => 0 };
        var envAssembly = EnvAssemblyOption();
        var envId = new Option<string?>("--env") { Description = "Only join a learner that trains this env." };
        var algorithm = new Option<string?>("--algo") { Description = "Only join a learner that runs this algorithm." };
        SiloOptions silo = SiloOptions.Create();
        var command = new Command("worker", "Run a rollout worker: sharprl cluster worker --join 10.0.0.1:11111 --envs 8")
        {
            join, envs, port, envAssembly, envId, algorithm,
        };
        silo.AddTo(command);
        command.SetAction(parse => CliRunner.Run(parse, stdout => Worker(stdout, parse.GetValue(join), parse.GetValue(envs), parse.GetValue(port), parse.GetValue(envAssembly) ?? [], parse.GetValue(envId), parse.GetValue(algorithm), silo.Read(parse))));
        return command;
    }

    private static int Learner(TextWriter output, TrainRequest request, LearnerSettings cluster, SiloSettings settings, bool quiet, int statusPort)
    {
        if (cluster.Workers < 1 || cluster.Port is < 1 or > 65534 || !(cluster.JoinTimeout > 0) || !(cluster.Deadline > 0))
        {
            throw new ArgumentException($"--workers {cluster.Workers}, --port {cluster.Port}, --join-timeout {cluster.JoinTimeout}, --deadline {cluster.Deadline}: expected workers ≥ 1, 1 ≤ port ≤ 65534 and positive times.");
        }

        if (!(cluster.Quorum > 0 && cluster.Quorum <= 1) || !(cluster.StragglerDeadline >= 0))
        {
            throw new ArgumentException($"--quorum {cluster.Quorum}, --straggler-deadline {cluster.StragglerDeadline}: expected a quorum in (0, 1] (a fraction of the slices, e.g. 0.8) and a deadline ≥ 0 seconds.");
        }

        settings.Validate();
        if (string.Equals(request.Algorithm, "impala", StringComparison.OrdinalIgnoreCase))
        {
            // IMPALA's actors stream from the workers (asynchronous); --deadline bounds the wait for a chunk.
            return ClusterImpalaLearner.Run(output, request, cluster.Workers, cluster.Port, cluster.JoinTimeout, cluster.Deadline, settings, quiet, statusPort);
        }

        using TrainingRun run = TrainingRun.Start(request, Gym.Registry);
        if (run.Agent is not OnPolicyAlgorithm agent)
        {
            throw new ArgumentException($"The cluster trains on-policy algorithms (ppo, a2c, trpo, …); '{run.Algorithm}' is {run.Descriptor.Family}.");
        }

        using IHost silo = ClusterHosts.StartLearnerSiloAsync(cluster.Port, settings).GetAwaiter().GetResult();
        var source = new ClusterRolloutSource(silo.Services, agent, run.Algorithm, run.EnvId, cluster.Workers, line => output.WriteLine(line))
        {
            JoinTimeout = TimeSpan.FromSeconds(cluster.JoinTimeout),
            RolloutTimeout = TimeSpan.FromSeconds(cluster.Deadline),
            Quorum = cluster.Quorum,
            StragglerDeadline = TimeSpan.FromSeconds(cluster.StragglerDeadline),
        };
        agent.RolloutSource = source;
        using IDisposable? status = ClusterStatusPage.Start(statusPort, () => new ClusterStatusSnapshot(run.Algorithm, run.EnvId, agent.Iterations, agent.NumTimesteps, source.Board.Rows(agent.Iterations)), output);
        if (run.IsResumed)
        {
            // The workers' copies start from a reset (their env state is not in the learner's checkpoint).
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Resuming at {run.StartTimesteps:N0} env steps: {run.TotalTimesteps - run.StartTimesteps:N0} more to reach {run.TotalTimesteps:N0}; the workers' env copies start from a reset."));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{run.Algorithm} on {run.EnvId}, seed {run.Seed}, {run.TotalTimesteps:N0} env steps, {agent.Env.NumEnvs} env copies on {cluster.Workers} workers{(cluster.Quorum < 1 ? $" (quorum {source.RequiredReports} of {cluster.Workers} slices, stragglers preempted {cluster.StragglerDeadline:0.###} s after the first report)" : "")} → {run.Directory}"));
        output.WriteLine(settings.Clustering == ClusteringMode.Redis
            ? $"Learner silo on port {cluster.Port}, {ClusterHosts.Describe(settings)}; start workers with: sharprl cluster worker --clustering redis --redis {settings.Redis}"
            : $"Learner silo on port {cluster.Port}, {ClusterHosts.Describe(settings)}; start workers with: sharprl cluster worker --join {Dns.GetHostName()}:{cluster.Port}");
        using var interrupt = new CancellationTokenSource();
        using PosixSignalRegistration onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            interrupt.Cancel();
        });
        bool completed;
        try
        {
            completed = ProgressReporter.Run(run, quiet, output, interrupt.Token);
        }
        catch (TimeoutException e)
        {
            // Too few workers joined within --join-timeout: a setup problem to state in one line, not a crash.
            throw new CliError(e.Message);
        }

        TrainingSummary summary = run.Summary();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(completed ? "Done" : "Interrupted")}: {summary.Timesteps:N0} env steps in {summary.Elapsed.TotalSeconds:F2} s ({summary.StepsPerSecond:N0} env steps/s), recent mean return {summary.RecentMeanReturn:F1}, {source.Dropped} workers dropped, {source.Preempted} straggler rollouts discarded. Model: {summary.ModelPath}"));
        silo.StopAsync().GetAwaiter().GetResult();
        return completed ? 0 : 143;
    }

    private static int Worker(TextWriter output, string? join, int envs, int port, string[] envAssemblies, string? envId, string? algorithm, SiloSettings settings)
    {
        IPEndPoint? learner = join is null ? null : ParseEndpoint(join);
        if (learner is null && settings.Clustering == ClusteringMode.Localhost)
        {
            throw new ArgumentException("--join HOST:PORT is required with localhost clustering (the learner's silo port, e.g. --join localhost:11111); with --clustering redis the cluster is found in Redis.");
        }

        if (learner is not null && settings.Clustering != ClusteringMode.Localhost)
        {
            throw new ArgumentException("--join is only used with localhost clustering; with --clustering redis the workers find the cluster in Redis (--redis HOST:PORT).");
        }

        if (port is < 0 or > 65534)
        {
            throw new ArgumentException($"--port {port} is invalid; expected 0 (a free port) or 1 … 65534.");
        }

        settings.Validate();
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
        using IHost silo = ClusterHosts.StartWorkerSiloAsync(learner, siloPort, worker, settings).GetAwaiter().GetResult();
        output.WriteLine(learner is null
            ? $"Worker silo on port {siloPort} joined the cluster ({ClusterHosts.Describe(settings)}); waiting for rollouts (Ctrl+C to leave)."
            : $"Worker silo on port {siloPort} joined the learner at {join} ({ClusterHosts.Describe(settings)}); waiting for rollouts (Ctrl+C to leave).");
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
        if (IPAddress.TryParse(host, out IPAddress? parsed))
        {
            return new IPEndPoint(parsed, port);
        }

        IPAddress[] addresses;
        try
        {
            addresses = Dns.GetHostAddresses(host);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            // An unknown or unreachable name is a mistyped --join, not an internal error.
            throw new ArgumentException($"--join '{text}': host '{host}' could not be resolved ({e.Message}).", e);
        }

        IPAddress address = addresses.FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            ?? throw new ArgumentException($"--join '{text}': host '{host}' has no IPv4 address.");
        return new IPEndPoint(address, port);
    }

    private static Option<string[]> EnvAssemblyOption() => new("--env-assembly")
    {
        Description = "Load a .dll with your envs: its public static RegisterEnvs(EnvRegistry) methods are called (repeatable).",
        AllowMultipleArgumentsPerToken = true,
    };

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

    /// <summary>The learner's cluster settings from the command line.</summary>
    private sealed record LearnerSettings(int Workers, int Port, double JoinTimeout, double Deadline, double Quorum, double StragglerDeadline);

    /// <summary>The options every silo takes: clustering provider, advertised address, TLS, Kubernetes hosting.</summary>
    private sealed class SiloOptions
    {
        private Option<string> _clustering = null!;
        private Option<string?> _redis = null!;
        private Option<string?> _advertise = null!;
        private Option<string> _clusterId = null!;
        private Option<string?> _tlsCert = null!;
        private Option<string?> _tlsPassword = null!;
        private Option<bool> _kubernetes = null!;

        public static SiloOptions Create() => new()
        {
            _clustering = new Option<string>("--clustering") { Description = "How silos find each other: localhost (one machine; the learner holds the membership) or redis (any machines; workers outlive a learner restart).", DefaultValueFactory = _ => "localhost" },
            _redis = new Option<string?>("--redis") { Description = "The Redis server HOST:PORT (with --clustering redis)." },
            _advertise = new Option<string?>("--advertise-ip") { Description = "The address other machines reach this silo at (with --clustering redis; default: this host's first IPv4 address)." },
            _clusterId = new Option<string>("--cluster-id") { Description = "Cluster id: runs with different ids share one Redis without seeing each other.", DefaultValueFactory = _ => ClusterHosts.ClusterId },
            _tlsCert = new Option<string?>("--tls-cert") { Description = "PKCS#12 (.pfx) certificate: silo connections use mutually authenticated TLS; every silo must be given the same one." },
            _tlsPassword = new Option<string?>("--tls-password") { Description = "Password of the --tls-cert file." },
            _kubernetes = new Option<bool>("--kubernetes") { Description = "Host the silo as a Kubernetes pod (with --clustering redis): silo named after the pod, pod IP advertised, dead silos' pods deleted so their Deployment restarts them. Needs POD_NAME, POD_NAMESPACE, POD_IP (see deploy/k8s)." },
        };

        public void AddTo(Command command)
        {
            command.Add(_clustering);
            command.Add(_redis);
            command.Add(_advertise);
            command.Add(_clusterId);
            command.Add(_tlsCert);
            command.Add(_tlsPassword);
            command.Add(_kubernetes);
        }

        public SiloSettings Read(ParseResult parse)
        {
            string clustering = parse.GetValue(_clustering) ?? "localhost";
            ClusteringMode mode = clustering.ToUpperInvariant() switch
            {
                "LOCALHOST" => ClusteringMode.Localhost,
                "REDIS" => ClusteringMode.Redis,
                "KUBERNETES" => throw new ArgumentException("--clustering kubernetes: Kubernetes is a hosting option here, not a membership store; use --clustering redis --redis HOST:PORT --kubernetes (see deploy/k8s)."),
                _ => throw new ArgumentException($"--clustering '{clustering}' is unknown; expected localhost or redis."),
            };
            string? advertise = parse.GetValue(_advertise);
            IPAddress? address = null;
            if (advertise is not null && !IPAddress.TryParse(advertise, out address))
            {
                throw new ArgumentException($"--advertise-ip '{advertise}' is not an IP address; expected e.g. 10.0.0.5.");
            }

            if (address is not null && mode != ClusteringMode.Redis)
            {
                throw new ArgumentException("--advertise-ip is only used with --clustering redis (localhost clustering binds to loopback).");
            }

            string clusterId = parse.GetValue(_clusterId) ?? ClusterHosts.ClusterId;
            if (clusterId.Length == 0 || !clusterId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw new ArgumentException($"--cluster-id '{clusterId}' is invalid; expected letters, digits, '-', '_' or '.'.");
            }

            return new SiloSettings
            {
                Clustering = mode,
                Redis = parse.GetValue(_redis),
                AdvertiseAddress = address,
                ClusterId = clusterId,
                TlsCertificate = parse.GetValue(_tlsCert),
                TlsPassword = parse.GetValue(_tlsPassword),
                Kubernetes = parse.GetValue(_kubernetes),
            };
        }
    }
}
