using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using SharpRL.Serialization;
using SharpRL.Training;

namespace SharpRL.Cluster.Tests;

/// <summary>A <c>sharprl</c> process of a fault test (the built CLI), its output collected line by line.</summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    private CliProcess(string name, IEnumerable<string> args)
    {
        Name = name;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };

        // The CLI turns tiered compilation off (fully optimised code for long runs); these processes live
        // seconds, most of it start-up, which tiered compilation halves.
        info.Environment["DOTNET_TieredCompilation"] = "1";
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SharpRL.Cli.dll"));
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts <c>sharprl args…</c>.</summary>
    public static CliProcess Start(string name, params string[] args) => new(name, args);

    /// <summary>kill -9: SIGKILL, no shutdown code runs.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>Waits for the process to end; false on timeout.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit((int)timeout.TotalMilliseconds))
        {
            return false;
        }

        _process.WaitForExit();
        return true;
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails naming <paramref name="what"/> and the output so far.</summary>
    public void WaitFor(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout || _process.HasExited)
            {
                Assert.Fail($"{Name}: {(HasExited ? $"exited ({ExitCode})" : "timed out")} waiting for {what}. Output:\n{Output}");
            }

            Thread.Sleep(25);
        }
    }

    public void Dispose()
    {
        KillHard();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }
}

/// <summary>Ports, run folders, checkpoints and Redis for the fault tests.</summary>
internal static class FaultSupport
{
    /// <summary>The test assembly: it holds <see cref="FaultTestEnvs.RegisterEnvs"/> for <c>--env-assembly</c>.</summary>
    public static string EnvAssembly => typeof(FaultTestEnvs).Assembly.Location;

    /// <summary>A free TCP port whose successor (the gateway) is free too.</summary>
    public static int FreePortPair()
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (port < 65000 && IsFree(port + 1))
            {
                return port;
            }
        }

        throw new InvalidOperationException("no two adjacent free ports");
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The env steps of the run's latest checkpoint (periodic or final), or −1 while there is none or it is being replaced.</summary>
    public static long CheckpointedSteps(string folder, string name = TrainingRun.LatestCheckpointName)
    {
        try
        {
            return File.Exists(Checkpoint.MetadataPath(folder, name)) ? Checkpoint.Load(folder, "ppo", name).GetCounter("num_timesteps") : -1;
        }
        catch (Exception e) when (e is IOException or CheckpointException or InvalidDataException)
        {
            return -1;
        }
    }

    /// <summary>Rows of the run's progress.csv (iterations logged so far).</summary>
    public static int ProgressRows(string folder)
    {
        string path = Path.Combine(folder, TrainingRun.ProgressFileName);
        try
        {
            return File.Exists(path) ? Math.Max(0, File.ReadAllLines(path).Length - 1) : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>A process id the learner's log names for the worker that took copies <paramref name="first"/>…</summary>
    public static IReadOnlyList<int> WorkerPidsFor(string learnerOutput, int first)
    {
        var pids = new List<int>();
        foreach (string line in learnerOutput.Split('\n'))
        {
            int at = line.IndexOf(" pid ", StringComparison.Ordinal);
            if (line.StartsWith("worker ", StringComparison.Ordinal) && at > 0 && line.Contains($"joined: copies {first}..", StringComparison.Ordinal))
            {
                string rest = line[(at + 5)..];
                pids.Add(int.Parse(rest[..rest.IndexOf(' ', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return pids;
    }

    public static string NewFolder(string name)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"sharprl-{name}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        return folder;
    }

    public static void DeleteQuietly(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // A temp folder; leaving it is harmless.
        }
    }
}

/// <summary>A Redis server for the tests: <c>SHARPRL_TEST_REDIS</c> (CI starts one), or a redis-server this class starts on a free port.</summary>
internal sealed class TestRedis : IDisposable
{
    public const string InstallHint = "redis-server is not installed: `apt-get install -y redis-server` (CI installs it; under CI=true this test fails instead of skipping).";

    private readonly Process? _server;

    private TestRedis(string address, Process? server)
    {
        Address = address;
        _server = server;
    }

    public string Address { get; }

    /// <summary>A running server; skips the test (fails under CI=true) when redis-server is not installed.</summary>
    public static TestRedis Start()
    {
        if (Environment.GetEnvironmentVariable("SHARPRL_TEST_REDIS") is { Length: > 0 } given)
        {
            return new TestRedis(given, null);
        }

        string? binary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);
        if (binary is null)
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(InstallHint);
            }

            throw new SkipException(InstallHint);
        }

        int port = FaultSupport.FreePortPair();
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            info.ArgumentList.Add(arg);
        }

        Process server = Process.Start(info)!;
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (FaultSupport.IsFree(port))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10) && !server.HasExited, "redis-server did not start");
            Thread.Sleep(20);
        }

        return new TestRedis($"127.0.0.1:{port}", server);
    }

    public void Dispose()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill();
            _server.WaitForExit(5000);
        }

        _server?.Dispose();
    }
}
