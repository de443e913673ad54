namespace SharpRL.Cli.Tests;

/// <summary>
/// The command line as a user meets it: --help, and every kind of bad input refused with exit code 2 and
/// one <c>error:</c> line that names what was wrong, with no stack trace and nothing written.
/// </summary>
public sealed class ParsingTests
{
    [Fact]
    public void Help_ListsEveryCommand_AndExitsZero()
    {
        Invocation result = Sharprl.InProcess("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Error);
        foreach (string command in new[] { "train", "eval", "envs", "bench", "compare", "export", "record", "dataset" })
        {
            Assert.Contains(command, result.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TrainHelp_ListsItsOptions()
    {
        Invocation result = Sharprl.InProcess("train", "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (string option in new[] { "--timesteps", "--seed", "--set", "--out", "--resume", "--eval-freq" })
        {
            Assert.Contains(option, result.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(new[] { "fly" }, "unknown command 'fly'")]
    [InlineData(new string[0], "no command given")]
    [InlineData(new[] { "train", "nosuchalgo", "CartPole-v1" }, "Unknown algorithm 'nosuchalgo'")]
    [InlineData(new[] { "train", "ppo", "NoSuchEnv-v0" }, "'NoSuchEnv-v0'")]
    [InlineData(new[] { "train", "ppo", "CartPole-v1", "--timesteps", "lots" }, "--timesteps 'lots' is invalid")]
    [InlineData(new[] { "train", "ppo", "CartPole-v1", "--set", "learning_rate=-1" }, "Setting learning_rate = -1 is invalid; expected")]
    [InlineData(new[] { "train", "ppo", "CartPole-v1", "--set", "policy.pi_hidden=0" }, "Setting policy.pi_hidden = 0 is invalid; expected positive layer widths")]
    [InlineData(new[] { "train", "td3", "Pendulum-v1", "--set", "tau=2" }, "Setting tau = 2 is invalid; expected in (0, 1]")]
    [InlineData(new[] { "train", "awr", "Pendulum-v1", "--set", "gamma=2" }, "gamma must be in [0, 1]")]
    [InlineData(new[] { "train", "impala", "CartPole-v1", "--set", "unroll_length=0" }, "Setting unroll_length = 0 is invalid; expected a positive integer")]
    [InlineData(new[] { "train", "ppo", "CartPole-v1", "--set", "no_such_setting=1" }, "Unknown setting 'no_such_setting'")]
    [InlineData(new[] { "train", "ppo", "CartPole-v1", "--set", "n_steps" }, "expected key=value")]
    [InlineData(new[] { "train", "ppo", "CartPole-v1", "--no-such-flag" }, "--no-such-flag")]
    [InlineData(new[] { "eval", "/nonexistent/sharprl-run" }, "/nonexistent/sharprl-run")]
    [InlineData(new[] { "bench", "vector", "--env", "NoSuchEnv-v0" }, "No env registered with id 'NoSuchEnv-v0'")]
    [InlineData(new[] { "bench", "vector", "--env", "CartPole-v1", "--threads", "9" }, "--threads = 9 is more than the 8 env copies (--envs)")]
    [InlineData(new[] { "bench", "vector", "--envs", "0" }, "--envs = 0 is invalid; expected 1 to 4096 copies")]
    public void BadInput_GivesOneErrorLine_ExitCode2(string[] args, string expected)
    {
        using var scratch = new ScratchFolder();
        string[] withOut = args.Length > 0 && args[0] == "train" ? [.. args, "--out", scratch["run"], "--quiet"] : args;

        Invocation result = Sharprl.InProcess(withOut);

        Sharprl.AssertOneLineError(result, expected);
        Assert.False(Directory.Exists(scratch["run"]), "a refused command must not create its run folder");
    }

    [Fact]
    public void BadInput_AsARealProcess_ExitsWith2_AndOneLineOnStderr()
    {
        // The in-process tests above cannot see what escapes Main; the process's own streams can.
        Invocation result = Sharprl.AsProcess("train", "ppo", "CartPole-v1", "--set", "gamma=2", "--quiet");

        Sharprl.AssertOneLineError(result, "Setting gamma = 2 is invalid");
        Assert.Equal("", result.Output.Trim());
    }
}
