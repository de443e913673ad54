using System.Diagnostics;

namespace SharpRL.Environments.Tests.MuJoCo;

/// <summary>
/// Without a usable MuJoCo library (simulated by pointing MUJOCO_LIBRARY_PATH at a missing file, in a child
/// process so this process's loaded library is untouched), MuJoCo ids fail with one line saying what to
/// install, and the rest of SharpRL works.
/// </summary>
public class MissingLibraryTests
{
    [Fact]
    public void Cli_MuJoCoIdWithoutTheLibrary_FailsWithOneLineSayingWhatToInstall()
    {
        (int exitCode, string output, string error) = RunCli("envs", "play", "Hopper-v4", "--steps", "1");
        Assert.Equal(2, exitCode);
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("MuJoCo 2.2.2", lines[0], StringComparison.Ordinal);
        Assert.Contains("apt-get install -y libmujoco2.2.2", lines[0], StringComparison.Ordinal);
        Assert.Contains("MUJOCO_LIBRARY_PATH", lines[0], StringComparison.Ordinal);
        Assert.Equal(string.Empty, output.Trim());
    }

    [Fact]
    public void Cli_ClassicEnvWithoutTheLibrary_StillWorks()
    {
        (int exitCode, string output, _) = RunCli("envs", "play", "CartPole-v1", "--steps", "2");
        Assert.Equal(0, exitCode);
        Assert.Equal(2, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    private static (int ExitCode, string Output, string Error) RunCli(params string[] arguments)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "SharpRL.Cli.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(cli);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["MUJOCO_LIBRARY_PATH"] = Path.Combine(Path.GetTempPath(), "no-such-folder", "libmujoco.so.2.2.2");
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}
