using System.Diagnostics;
using SharpRL.Environments;
using SharpRL.Serialization;
using SharpRL.Tests.Cli;
using SharpRL.Training;

namespace SharpRL.Tests.Reliability;

/// <summary>
/// Kill-and-resume soak (issue 8): a run crashed again and again (at seeded points, inside checkpoint saves
/// too, and by real SIGKILLs of the CLI process) and resumed each time ends with the weights of an
/// uninterrupted run, and its checkpointed step count never goes back.
/// </summary>
[Trait("Category", "Slow")]
[Collection(nameof(FaultInjectionCollection))]
public sealed class SoakTests : IDisposable
{
    private const long Budget = 6144;

    // Long enough that a CLI process is still training when it is killed (startup takes about a second).
    private const long ProcessBudget = 61440;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void InjectedCrashes_AtSeededPoints_ResumeToTheUninterruptedWeights()
    {
        string expected = TrainUninterrupted("whole");
        string folder = _dir["crashing"];
        var random = new Random(12);
        long lastCheckpoint = 0;
        int crashes = 0;
        TrainRequest first = Request(folder);
        for (int attempt = 0; attempt < 40; attempt++)
        {
            // The first 25 attempts crash at seeded points; the rest may finish.
            bool inject = attempt < 25;
            bool fresh = attempt == 0 || !HasCheckpoint(folder);
            TrainRequest request = fresh ? first with { Force = attempt > 0 } : new TrainRequest { ResumeDirectory = folder };

            // Crash after a seeded number of iterations, or inside a seeded checkpoint save, at a seeded stage.
            int crashAfterIterations = random.Next(1, 8);
            int crashInSave = random.Next(0, 4);
            var crashStage = (Checkpoint.SaveStage)random.Next(3);
            int saves = 0;
            Checkpoint.FaultInjection = stage =>
            {
                if (inject && stage == crashStage && saves++ == crashInSave)
                {
                    throw new SimulatedCrash();
                }
            };
            try
            {
                using TrainingRun run = TrainingRun.Start(request, Gym.Registry);
                int iterations = 0;
                bool done = run.Learn(_ =>
                {
                    if (inject && ++iterations == crashAfterIterations)
                    {
                        throw new SimulatedCrash();
                    }
                });
                if (done)
                {
                    break;
                }
            }
            catch (SimulatedCrash)
            {
                crashes++;
            }
            finally
            {
                Checkpoint.FaultInjection = null;
            }

            long now = CheckpointedSteps(folder);
            Assert.True(now >= lastCheckpoint, $"attempt {attempt}: the checkpointed step count went back from {lastCheckpoint} to {now}");
            lastCheckpoint = now;
        }

        Assert.True(crashes >= 5, $"only {crashes} crashes were injected");
        Assert.Equal(Budget, Checkpoint.Load(folder, "ppo", TrainingRun.ModelName).GetCounter("num_timesteps"));
        Assert.Equal(Weights(expected), Weights(folder));
    }

    [Fact]
    public void RealSigkills_AtSeededIterations_ResumeToTheUninterruptedWeights()
    {
        string expected = TrainUninterrupted("whole", ProcessBudget);
        string folder = _dir["killed"];
        var random = new Random(13);
        string[] start = ["train", "ppo", "CartPole-v1", "--seed", "5", "--timesteps", $"{ProcessBudget}", "--save-freq", "2048", "--set", "n_steps=32", "--set", "n_epochs=2", "--out", folder, "--quiet"];
        long lastCheckpoint = 0;
        int kills = 0;
        for (int attempt = 0; attempt < 12; attempt++)
        {
            string[] args = attempt == 0 ? start : HasCheckpoint(folder) ? ["train", "--resume", folder, "--quiet"] : [.. start, "--force"];
            // The first four attempts are SIGKILLed once the run has logged a seeded number of further
            // iterations: a point inside training however fast the machine is, which a fixed delay is not
            // (on an idle machine the whole run can end before a one-second timer fires).
            bool killNow = attempt < 4;
            int killAtRow = ProgressRows(folder) + random.Next(2, 40);
            (int exitCode, string error) = RunCli(args, killNow ? () => ProgressRows(folder) >= killAtRow : null);
            if (exitCode == 0)
            {
                break;
            }

            Assert.True(killNow, $"attempt {attempt}: the CLI failed without being killed ({exitCode}): {error}");
            kills++;
            long now = CheckpointedSteps(folder);
            Assert.True(now >= lastCheckpoint, $"attempt {attempt}: the checkpointed step count went back from {lastCheckpoint} to {now}");
            lastCheckpoint = now;
        }

        Assert.True(kills >= 1, "no process was killed (it finished before every kill)");
        Assert.Equal(Weights(expected), Weights(folder));
    }

    [Fact]
    public void Sigterm_SavesACheckpointAndExits143_ThenResumesToTheUninterruptedWeights()
    {
        string expected = TrainUninterrupted("whole", ProcessBudget);
        string folder = _dir["terminated"];
        string[] args = ["train", "ppo", "CartPole-v1", "--seed", "5", "--timesteps", $"{ProcessBudget}", "--save-freq", "2048", "--set", "n_steps=32", "--set", "n_epochs=2", "--out", folder, "--quiet"];
        using Process process = StartCli(args);
        WaitFor(() => File.Exists(Path.Combine(folder, TrainingRun.ProgressFileName)) && new FileInfo(Path.Combine(folder, TrainingRun.ProgressFileName)).Length > 200, TimeSpan.FromSeconds(60));
        using (Process kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        Assert.True(process.WaitForExit(60_000), "the CLI did not stop after SIGTERM");
        string output = process.StandardOutput.ReadToEnd();
        Assert.Equal(143, process.ExitCode);
        Assert.Contains("Interrupted at", output, StringComparison.Ordinal);
        long steps = Checkpoint.Load(folder, "ppo", TrainingRun.LatestCheckpointName).GetCounter("num_timesteps");
        Assert.InRange(steps, 256, ProcessBudget - 1);

        // The interrupted run continues exactly.
        Assert.Equal(0, RunCli(["train", "--resume", folder, "--quiet"], killWhen: null).ExitCode);
        Assert.Equal(Weights(expected), Weights(folder));
    }

    private static TrainRequest Request(string folder, long budget = Budget) => new()
    {
        Algorithm = "ppo",
        EnvId = "CartPole-v1",
        Seed = 5,
        TotalTimesteps = budget,
        SaveFrequency = 512,
        Settings = [new("n_steps", "32"), new("n_epochs", "2")],
        OutputDirectory = folder,
    };

    private string TrainUninterrupted(string name, long budget = Budget)
    {
        using TrainingRun run = TrainingRun.Start(Request(_dir[name], budget), Gym.Registry);
        Assert.True(run.Learn());
        return run.Directory;
    }

    // Lines of the run's progress.csv (header included), 0 before it exists; read while the CLI appends to it.
    private static int ProgressRows(string folder)
    {
        string path = Path.Combine(folder, TrainingRun.ProgressFileName);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            int rows = 0;
            int next;
            while ((next = stream.ReadByte()) >= 0)
            {
                rows += next == '\n' ? 1 : 0;
            }

            return rows;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static bool HasCheckpoint(string folder) =>
        File.Exists(Checkpoint.MetadataPath(folder, TrainingRun.LatestCheckpointName)) || File.Exists(Checkpoint.MetadataPath(folder, TrainingRun.ModelName));

    private static long CheckpointedSteps(string folder)
    {
        foreach (string name in new[] { TrainingRun.ModelName, TrainingRun.LatestCheckpointName })
        {
            if (File.Exists(Checkpoint.MetadataPath(folder, name)))
            {
                return Checkpoint.Load(folder, "ppo", name).GetCounter("num_timesteps");
            }
        }

        return 0;
    }

    private static byte[] Weights(string folder) =>
        [.. Checkpoint.Load(folder, "ppo", TrainingRun.ModelName).Tensors.SelectMany(t => t.RawData.ToArray())];

    private static Process StartCli(string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SharpRL.Cli.dll"));
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    private static (int ExitCode, string Error) RunCli(string[] args, Func<bool>? killWhen)
    {
        using Process process = StartCli(args);
        Task<string> error = process.StandardError.ReadToEndAsync();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        if (killWhen is not null)
        {
            while (!process.WaitForExit(2))
            {
                if (killWhen())
                {
                    process.Kill();
                    break;
                }
            }
        }

        Assert.True(process.WaitForExit(120_000), "the CLI did not finish");
        return (process.ExitCode, error.GetAwaiter().GetResult() + output.GetAwaiter().GetResult());
    }

    private static void WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < timeout, "timed out waiting for the CLI to start training");
            Thread.Sleep(50);
        }
    }

    private sealed class SimulatedCrash : Exception
    {
        public SimulatedCrash()
            : base("simulated crash")
        {
        }
    }
}

/// <summary>Tests that set <see cref="Checkpoint.FaultInjection"/> (a process-wide hook) run one at a time.</summary>
[CollectionDefinition(nameof(FaultInjectionCollection), DisableParallelization = true)]
public sealed class FaultInjectionCollection;
