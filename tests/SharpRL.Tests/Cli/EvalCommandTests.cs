using System.Globalization;
using System.Text.RegularExpressions;
using SharpRL.Environments;
using SharpRL.Envs;
using SharpRL.Training;

namespace SharpRL.Tests.Cli;

/// <summary>One short training run shared by the eval tests (they copy it before damaging it).</summary>
public sealed class TrainedRunFixture : IDisposable
{
    private readonly TempDirectory _directory = new();

    public TrainedRunFixture()
    {
        RunFolder = _directory["run"];
        CliHarness.TrainQuick(RunFolder, timesteps: 2048, seed: 5);
    }

    public string RunFolder { get; }

    public void Dispose() => _directory.Dispose();
}

public partial class EvalCommandTests(TrainedRunFixture trained) : IClassFixture<TrainedRunFixture>
{
    [Fact]
    public void Eval_FreshRun_PrintsMeanReturnOfTheLibraryEvaluation()
    {
        CliResult result = CliHarness.Run("eval", trained.RunFolder, "--episodes", "3");

        Assert.True(result.ExitCode == 0, result.Error);
        Match match = MeanReturn().Match(result.Output);
        Assert.True(match.Success, $"no 'mean return X ± Y' in: {result.Output}");
        Assert.Contains("ppo on CartPole-v1 (deterministic, 3 episodes)", result.Output, StringComparison.Ordinal);
        LoadedPolicy loaded = AgentCheckpoint.LoadPolicy(AgentCheckpoint.Resolve(trained.RunFolder), Gym.Registry);
        using IEnv env = Gym.Make("CartPole-v1");
        EvaluationResult expected = Evaluation.Evaluate(loaded.Policy, env, episodes: 3, deterministic: true, seed: 0);
        Assert.Equal(expected.Mean.ToString("F2", CultureInfo.InvariantCulture), match.Groups["mean"].Value);
        Assert.Equal(expected.Std.ToString("F2", CultureInfo.InvariantCulture), match.Groups["std"].Value);
    }

    [Fact]
    public void Eval_RunWithNormalisedObservations_UsesTheFrozenStatistics()
    {
        using var dir = new TempDirectory();
        // The Pendulum preset normalises observations and rewards; one 4 × 1024-step rollout is enough here.
        CliResult train = CliHarness.Run("train", "ppo", "Pendulum-v1", "--timesteps", "4096", "--set", "n_epochs=1", "--out", dir["run"], "--quiet");
        Assert.True(train.ExitCode == 0, train.Error);

        CliResult result = CliHarness.Run("eval", dir["run"], "--episodes", "1");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("ppo on Pendulum-v1 (deterministic, 1 episode): mean return -", result.Output, StringComparison.Ordinal);
        Assert.Contains("mean length 200.0", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_CheckpointJsonPath_SameAsRunFolder()
    {
        CliResult byFolder = CliHarness.Run("eval", trained.RunFolder, "--episodes", "2", "--seed", "7");
        CliResult byFile = CliHarness.Run("eval", Path.Combine(trained.RunFolder, "model.json"), "--episodes", "2", "--seed", "7");

        Assert.Equal(0, byFile.ExitCode);
        Assert.Equal(byFolder.Output, byFile.Output);
    }

    [Fact]
    public void Eval_TruncatedWeights_RefusedNamingTheFile()
    {
        using var dir = new TempDirectory();
        string run = CopyRun(dir["run"]);
        string weights = Path.Combine(run, "model.000001.safetensors");
        using (var stream = new FileStream(weights, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }

        CliResult result = CliHarness.Run("eval", run, "--episodes", "3");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(weights, result.Error, StringComparison.Ordinal);
        Assert.Contains("truncated", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Output);
    }

    [Fact]
    public void Eval_CorruptWeights_RefusedNamingTheFile()
    {
        using var dir = new TempDirectory();
        string run = CopyRun(dir["run"]);
        string weights = Path.Combine(run, "model.000001.safetensors");
        byte[] bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(weights, bytes);

        CliResult result = CliHarness.Run("eval", run);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(weights, result.Error, StringComparison.Ordinal);
        Assert.Contains("SHA-256", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_MissingCheckpoint_RefusedNamingThePath()
    {
        using var dir = new TempDirectory();
        string missing = dir["no-such-run"];

        CliResult result = CliHarness.Run("eval", missing);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"No checkpoint at '{missing}'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_FolderWithoutCheckpoint_RefusedNamingWhatIsExpected()
    {
        using var dir = new TempDirectory();

        CliResult result = CliHarness.Run("eval", dir.Path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"'{dir.Path}' holds no checkpoint: expected model.json or checkpoint.json", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_ZeroEpisodes_Refused()
    {
        CliResult result = CliHarness.Run("eval", trained.RunFolder, "--episodes", "0");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--episodes = 0 is invalid", result.Error, StringComparison.Ordinal);
    }

    private string CopyRun(string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (string file in Directory.EnumerateFiles(trained.RunFolder))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }

        return destination;
    }

    [GeneratedRegex(@"mean return (?<mean>-?\d+\.\d+) ± (?<std>\d+\.\d+)")]
    private static partial Regex MeanReturn();
}
