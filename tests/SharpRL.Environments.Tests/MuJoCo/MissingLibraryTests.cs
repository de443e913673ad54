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

/// <summary><c>sharprl envs play</c> on a MuJoCo env prints the simulator state and the info dict in round-trip precision.</summary>
public class EnvsPlayMuJoCoTests
{
    [SkippableFact]
    public void Cli_EnvsPlayHopper_PrintsQposQvelWarmStartAndInfoThatRoundTrip()
    {
        MuJoCoRequirement.Require();
        string cli = Path.Combine(AppContext.BaseDirectory, "SharpRL.Cli.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in (string[])[cli, "envs", "play", "Hopper-v4", "--seed", "3", "--steps", "1"])
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(output.Trim());
        double[] qpos = [.. json.RootElement.GetProperty("qpos").EnumerateArray().Select(e => e.GetDouble())];
        double[] warm = [.. json.RootElement.GetProperty("qacc_warmstart").EnumerateArray().Select(e => e.GetDouble())];
        float[] action = [.. json.RootElement.GetProperty("action").EnumerateArray().Select(e => e.GetSingle())];

        // The same seeded reset and action here must land on exactly the printed state.
        using var env = new SharpRL.Environments.MuJoCo.HopperEnv();
        var observation = new float[11];
        env.Reset(observation, seed: 3);
        env.Step(action, observation);
        Assert.Equal(env.Qpos.ToArray(), qpos);
        Assert.Equal(env.QaccWarmstart.ToArray(), warm);
        Assert.Equal(env.Observation64.ToArray(), json.RootElement.GetProperty("next_obs64").EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(6, json.RootElement.GetProperty("qvel").GetArrayLength());

        // Gymnasium's Hopper-v4 info dict, {"x_position", "x_velocity"}, with the step's own values.
        var info = new double[env.InfoKeys.Count];
        env.GetInfo(info);
        var printed = json.RootElement.GetProperty("info").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        Assert.Equal(["x_position", "x_velocity"], printed.Keys);
        Assert.Equal(env.InfoKeys.Zip(info).Where(entry => !double.IsNaN(entry.Second)).ToDictionary(entry => entry.First, entry => entry.Second), printed);
    }
}
