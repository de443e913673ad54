using System.CommandLine;
using SharpRL.Cli;

namespace SharpRL.Tests.Cli;

/// <summary>What one in-process invocation of the CLI printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error);

/// <summary>Runs the <c>sharprl</c> command tree in process, capturing its output and error writers.</summary>
internal static class CliHarness
{
    public static CliResult Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = Program.Run(args, output, error);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Trains a tiny PPO run on CartPole-v1 into <paramref name="runFolder"/> and checks it succeeded.</summary>
    public static CliResult TrainQuick(string runFolder, long timesteps = 1024, int seed = 0)
    {
        CliResult result = Run("train", "ppo", "CartPole-v1", "--timesteps", timesteps.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", runFolder, "--quiet");
        Assert.True(result.ExitCode == 0, $"training failed ({result.ExitCode}): {result.Error}");
        return result;
    }
}

/// <summary>A fresh empty folder under the system temp directory, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Path = Directory.CreateTempSubdirectory("sharprl-cli-test-").FullName;

    public string Path { get; }

    public string this[string relative] => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a test over cleanup.
        }
    }
}
