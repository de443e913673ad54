using System.Text.Json.Nodes;

namespace SharpRL.Tests.Cli;

public class TrainCommandTests
{
    [Theory]
    [InlineData("train foo CartPole-v1", "Unknown algorithm 'foo'; expected one of: ppo")]
    [InlineData("train ppo CartPol-v1", "Did you mean 'CartPole-v1'?")]
    [InlineData("train ppo CartPole-v1 --set nsteps=3", "Unknown setting 'nsteps' for PpoOptions; known settings: batch_size")]
    [InlineData("train ppo CartPole-v1 --set n_steps=abc", "Setting 'n_steps' = 'abc' is invalid: expected an integer")]
    [InlineData("train ppo CartPole-v1 --set n_steps=0", "Setting n_steps = 0 is invalid; expected a positive integer")]
    [InlineData("train ppo CartPole-v1 --set n_steps", "'n_steps' is not a setting; expected key=value")]
    [InlineData("train ppo CartPole-v1 --preset Pendulum-v1", "The preset of Pendulum-v1 is for a Box action space, but CartPole-v1 has Discrete(2)")]
    [InlineData("train ppo CartPole-v1 --timesteps 0", "--timesteps = 0 is invalid")]
    [InlineData("train ppo CartPole-v1 --config {dir}/missing.yaml", "missing.yaml' does not exist")]
    [InlineData("train ppo CartPole-v1 --config {dir}/bad.yaml", "bad.yaml' is not valid YAML")]
    [InlineData("train ppo CartPole-v1 --config {dir}/unclosed.yaml", "unclosed.yaml' is not valid YAML (line ")]
    [InlineData("train ppo CartPole-v1 --config {dir}/list.yaml", "list.yaml' must be a mapping of key: value settings")]
    public void Train_BadInput_ExitsWithMessageAndWritesNothing(string commandLine, string expectedMessage)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir["bad.yaml"], "n_steps: [32\nbatch_size: : 4\n");
        File.WriteAllText(dir["unclosed.yaml"], "n_steps: [32, 64\n");
        File.WriteAllText(dir["list.yaml"], "- n_steps\n- 32\n");
        string runFolder = dir["run"];
        string[] args = [.. commandLine.Replace("{dir}", dir.Path, StringComparison.Ordinal).Split(' '), "--out", runFolder, "--quiet"];

        CliResult result = CliHarness.Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expectedMessage, result.Error, StringComparison.Ordinal);
        Assert.StartsWith("error: ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter '", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Output);
        Assert.False(Directory.Exists(runFolder), $"{runFolder} was created");
        Assert.Equal(["bad.yaml", "list.yaml", "unclosed.yaml"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Train_ExistingNonEmptyOut_RefusedAndLeftAlone()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir["run"]);
        File.WriteAllText(dir["run/notes.txt"], "mine");

        CliResult result = CliHarness.Run("train", "ppo", "CartPole-v1", "--out", dir["run"], "--quiet");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("already exists and is not empty", result.Error, StringComparison.Ordinal);
        Assert.Equal([dir["run/notes.txt"]], Directory.EnumerateFileSystemEntries(dir["run"]));
    }

    [Fact]
    public void Train_MalformedOptionValue_ReportedOnTheErrorWriter()
    {
        using var dir = new TempDirectory();

        CliResult result = CliHarness.Run("train", "ppo", "CartPole-v1", "--seed", "abc", "--out", dir["run"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("abc", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir["run"]));
    }

    [Fact]
    public void Train_SameSeedTwice_IdenticalProgressApartFromWallClock()
    {
        using var dir = new TempDirectory();
        string[] wallClockColumns = ["time/fps", "time/time_elapsed"];

        CliHarness.TrainQuick(dir["A"], timesteps: 5000, seed: 3);
        CliHarness.TrainQuick(dir["B"], timesteps: 5000, seed: 3);

        string[][] a = ReadCsvWithout(dir["A/progress.csv"], wallClockColumns);
        string[][] b = ReadCsvWithout(dir["B/progress.csv"], wallClockColumns);
        // 8 envs × 32 steps per iteration (the CartPole preset) until 5000 steps: 20 iterations.
        Assert.Equal(21, a.Length);
        Assert.Contains("train/approx_kl", a[0]);
        Assert.Equal(a.Length, b.Length);
        for (int row = 0; row < a.Length; row++)
        {
            Assert.Equal(a[row], b[row]);
        }

        Assert.Equal(File.ReadAllBytes(dir["A/model.000001.safetensors"]), File.ReadAllBytes(dir["B/model.000001.safetensors"]));
    }

    [Fact]
    public void Train_DifferentSeeds_DifferentProgress()
    {
        using var dir = new TempDirectory();

        CliHarness.TrainQuick(dir["A"], timesteps: 512, seed: 3);
        CliHarness.TrainQuick(dir["B"], timesteps: 512, seed: 4);

        Assert.NotEqual(ReadCsvWithout(dir["A/progress.csv"], ["time/fps", "time/time_elapsed"])[1], ReadCsvWithout(dir["B/progress.csv"], ["time/fps", "time/time_elapsed"])[1]);
    }

    [Fact]
    public void Train_ShortRun_WritesRunFolderAndSummary()
    {
        using var dir = new TempDirectory();

        CliResult result = CliHarness.TrainQuick(dir["run"], timesteps: 512, seed: 1);

        Assert.Contains($"ppo on CartPole-v1, seed 1, 512 env steps → {dir["run"]}", result.Output, StringComparison.Ordinal);
        Assert.Contains("  n_steps = 32", result.Output, StringComparison.Ordinal);
        Assert.Contains("Done: 512 env steps", result.Output, StringComparison.Ordinal);
        string[] files = [.. Directory.EnumerateFiles(dir["run"]).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(["config.json", "model.000001.safetensors", "model.json", "progress.csv"], files.Where(f => !f!.StartsWith("events.out.tfevents.", StringComparison.Ordinal)));
        Assert.Single(files, f => f!.StartsWith("events.out.tfevents.", StringComparison.Ordinal));
        JsonObject config = JsonNode.Parse(File.ReadAllText(dir["run/config.json"]))!.AsObject();
        Assert.Equal(512, config["total_timesteps"]!.GetValue<long>());
        Assert.Equal(1, config["seed"]!.GetValue<int>());
    }

    internal static string[][] ReadCsvWithout(string path, string[] dropColumns)
    {
        string[][] rows = [.. File.ReadAllLines(path).Select(line => line.Split(','))];
        int[] keep = [.. Enumerable.Range(0, rows[0].Length).Where(i => !dropColumns.Contains(rows[0][i]))];
        Assert.Equal(rows[0].Length - dropColumns.Length, keep.Length);
        return [.. rows.Select(row => keep.Select(i => row[i]).ToArray())];
    }
}
