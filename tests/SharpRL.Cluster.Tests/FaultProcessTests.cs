using System.Globalization;
using SharpRL.Training;

namespace SharpRL.Cluster.Tests;

/// <summary>Fault tests with real processes run one at a time (each starts several silos).</summary>
[CollectionDefinition(nameof(FaultProcessCollection), DisableParallelization = true)]
public sealed class FaultProcessCollection;

/// <summary>
/// Fault injection with real processes: the built CLI's <c>sharprl cluster learner|worker</c> on loopback,
/// killed with SIGKILL (kill -9) at seeded times inside an iteration.
/// </summary>
[Collection(nameof(FaultProcessCollection))]
public class FaultProcessTests
{
    // 4 copies of CartPole sleeping 1 ms a step, 2 slices of 2: a rollout of 128 steps takes ≈ 0.3 s a worker.
    private static readonly string[] RunSettings = ["--n-envs", "4", "--set", "n_steps=128", "--set", "batch_size=128", "--set", "n_epochs=2"];
    private const int StepsPerIteration = 4 * 128;

    [Fact]
    [Trait("Category", "Slow")]
    public void KillWorker_MidIteration_TrainingContinuesWithTheSpareAndNothingCheckpointedIsLost()
    {
        string folder = FaultSupport.NewFolder("killworker");
        int port = FaultSupport.FreePortPair();
        var random = new Random(14);
        var processes = new List<CliProcess>();
        try
        {
            const long Budget = 8L * StepsPerIteration;
            CliProcess learner = CliProcess.Start("learner", [
                "cluster", "learner", "ppo", FaultTestEnvs.SlowCartPole, "--env-assembly", FaultSupport.EnvAssembly, .. RunSettings,
                "--workers", "2", "--port", Port(port), "--timesteps", Budget.ToString(CultureInfo.InvariantCulture), "--save-freq", Port(StepsPerIteration),
                "--deadline", "4", "--join-timeout", "60", "--out", folder, "--quiet"]);
            processes.Add(learner);
            for (int w = 0; w < 3; w++)
            {
                processes.Add(CliProcess.Start($"worker {w}", "cluster", "worker", "--join", $"127.0.0.1:{port}", "--env-assembly", FaultSupport.EnvAssembly, "--port", Port(port + 2 + (2 * w))));
            }

            // Two iterations done and checkpointed; then SIGKILL the worker of copies 0..1 at a seeded time
            // inside the next iteration (a rollout takes ≈ 0.3 s).
            learner.WaitFor(() => FaultSupport.CheckpointedSteps(folder) >= 2 * StepsPerIteration, TimeSpan.FromSeconds(90), "two checkpointed iterations");
            int rows = FaultSupport.ProgressRows(folder);
            learner.WaitFor(() => FaultSupport.ProgressRows(folder) > rows, TimeSpan.FromSeconds(30), "an iteration boundary");
            Thread.Sleep(random.Next(20, 200));
            int victim = FaultSupport.WorkerPidsFor(learner.Output, 0).Single();
            long checkpointedBeforeKill = FaultSupport.CheckpointedSteps(folder);
            CliProcess killed = processes.Single(p => p.Id == victim);
            killed.KillHard();

            Assert.True(learner.WaitForExit(TimeSpan.FromSeconds(120)), $"the learner did not finish. Output:\n{learner.Output}");
            string output = learner.Output;
            Assert.True(learner.ExitCode == 0, $"learner exit {learner.ExitCode}. Output:\n{output}");
            Assert.Contains("dropped, its partial rollout discarded", output, StringComparison.Ordinal);

            // The spare took the dead worker's copies; the run reached its budget without a restart.
            IReadOnlyList<int> holders = FaultSupport.WorkerPidsFor(output, 0);
            Assert.Equal(2, holders.Count);
            Assert.NotEqual(victim, holders[1]);
            Assert.Contains("1 workers dropped", output, StringComparison.Ordinal);
            Assert.Equal(Budget, FaultSupport.CheckpointedSteps(folder, TrainingRun.ModelName));
            Assert.True(checkpointedBeforeKill >= 2 * StepsPerIteration);
            Assert.Equal((int)(Budget / StepsPerIteration), FaultSupport.ProgressRows(folder));

            // The final model loads and plays.
            FaultTestEnvs.RegisterEnvs(Gym.Registry);
            LoadedPolicy loaded = AgentCheckpoint.LoadPolicy(folder, Gym.Registry);
            using IEnv env = Gym.Make("CartPole-v1");
            EvaluationResult result = Evaluation.Evaluate(loaded.Policy, env, 3);
            Assert.True(double.IsFinite(result.Mean) && result.Mean >= 8, $"mean return {result.Mean}");
        }
        finally
        {
            processes.ForEach(p => p.Dispose());
            FaultSupport.DeleteQuietly(folder);
        }
    }

    [SkippableFact]
    [Trait("Category", "Slow")]
    public void KillLearner_RestartedWithResume_ContinuesFromItsCheckpointAndTheWorkersReattach()
    {
        using TestRedis redis = TestRedis.Start();
        string folder = FaultSupport.NewFolder("killlearner");
        int port = FaultSupport.FreePortPair();
        string[] clustering = ["--clustering", "redis", "--redis", redis.Address, "--advertise-ip", "127.0.0.1", "--cluster-id", $"test-{Guid.NewGuid():N}"];
        var random = new Random(15);
        var processes = new List<CliProcess>();
        try
        {
            const long Budget = 10L * StepsPerIteration;
            string[] learnerArgs = ["cluster", "learner", "ppo", FaultTestEnvs.SlowCartPole, "--env-assembly", FaultSupport.EnvAssembly,
                "--workers", "2", "--port", Port(port), "--timesteps", Budget.ToString(CultureInfo.InvariantCulture), "--save-freq", Port(StepsPerIteration),
                "--deadline", "20", "--join-timeout", "60", "--quiet", .. clustering];
            var workers = new List<CliProcess>();
            for (int w = 0; w < 2; w++)
            {
                workers.Add(CliProcess.Start($"worker {w}", ["cluster", "worker", "--env-assembly", FaultSupport.EnvAssembly, "--port", Port(port + 2 + (2 * w)), .. clustering]));
            }

            processes.AddRange(workers);
            CliProcess first = CliProcess.Start("learner", [.. learnerArgs, .. RunSettings, "--out", folder]);
            processes.Add(first);
            first.WaitFor(() => FaultSupport.CheckpointedSteps(folder) >= 3 * StepsPerIteration, TimeSpan.FromSeconds(90), "three checkpointed iterations");
            Thread.Sleep(random.Next(20, 200));
            first.KillHard();
            long checkpointed = FaultSupport.CheckpointedSteps(folder);
            Assert.True(checkpointed >= 3 * StepsPerIteration);
            Assert.All(workers, w => Assert.False(w.HasExited, $"{w.Name} exited with the learner:\n{w.Output}"));

            // The same command with --resume (a resumed run keeps its settings), on the same port.
            CliProcess second = CliProcess.Start("restarted learner", [.. learnerArgs, "--resume", folder]);
            processes.Add(second);
            Assert.True(second.WaitForExit(TimeSpan.FromSeconds(120)), $"the restarted learner did not finish. Output:\n{second.Output}");
            string output = second.Output;
            Assert.True(second.ExitCode == 0, $"restarted learner exit {second.ExitCode}. Output:\n{output}");
            Assert.Contains($"Resuming at {checkpointed:N0} env steps", output, StringComparison.Ordinal);

            // The same two worker processes joined the restarted learner.
            int[] before = [.. FaultSupport.WorkerPidsFor(first.Output, 0), .. FaultSupport.WorkerPidsFor(first.Output, 2)];
            int[] after = [.. FaultSupport.WorkerPidsFor(output, 0), .. FaultSupport.WorkerPidsFor(output, 2)];
            Assert.Equal(before.Order(), after.Order());
            Assert.Equal([.. workers.Select(w => w.Id).Order()], after.Order());
            Assert.Equal(Budget, FaultSupport.CheckpointedSteps(folder, TrainingRun.ModelName));
            Assert.All(workers, w => Assert.False(w.HasExited, $"{w.Name} exited:\n{w.Output}"));
        }
        finally
        {
            processes.ForEach(p => p.Dispose());
            FaultSupport.DeleteQuietly(folder);
        }
    }

    [Theory]
    [InlineData("learner", "--clustering|gossip", "--clustering 'gossip' is unknown; expected localhost or redis")]
    [InlineData("learner", "--clustering|redis", "--clustering redis needs --redis HOST:PORT")]
    [InlineData("learner", "--clustering|redis|--redis|127.0.0.1:1", "no Redis server answers there")]
    [InlineData("learner", "--quorum|1.5", "expected a quorum in (0, 1]")]
    [InlineData("learner", "--tls-cert|/nonexistent/cert.pfx", "--tls-cert '/nonexistent/cert.pfx' does not exist")]
    [InlineData("worker", "", "--join HOST:PORT is required with localhost clustering")]
    [InlineData("learner", "--join-timeout|1", "Waited 1 s for the workers of 1 of 1 slices; 0 joined")]
    [InlineData("worker", "--join|localhost:1|--clustering|redis|--redis|127.0.0.1:1", "--join is only used with localhost clustering")]
    public void BadClusterOptions_FailWithOneLineNamingTheOption(string role, string extra, string expected)
    {
        string folder = FaultSupport.NewFolder("badinput");
        string[] args = role == "learner" ? ["cluster", "learner", "ppo", "CartPole-v1", "--out", folder, "--port", Port(FaultSupport.FreePortPair())] : ["cluster", "worker"];
        using CliProcess process = CliProcess.Start(role, [.. args, .. extra.Split('|', StringSplitOptions.RemoveEmptyEntries)]);
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "the CLI did not exit");
        string output = process.Output.Trim();
        Assert.Equal(2, process.ExitCode);
        string error = Assert.Single(output.Split('\n'), line => line.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        if (!expected.StartsWith("Waited", StringComparison.Ordinal))
        {
            // Options are validated before anything starts: the error is all there is, and no run folder.
            Assert.Single(output.Split('\n'));
            Assert.False(Directory.Exists(folder), "a run folder was written before the options were validated");
        }

        FaultSupport.DeleteQuietly(folder);
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
