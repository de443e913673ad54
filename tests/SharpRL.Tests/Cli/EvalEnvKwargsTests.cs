using SharpRL.Environments.MuJoCo;

namespace SharpRL.Tests.Cli;

public class EvalEnvKwargsTests
{
    [SkippableFact]
    public void Eval_EnvKwargs_EvaluatesOnTheChangedEnvAndRefusesUnknownOptions()
    {
        bool inCi = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        if (!MuJoCoLibrary.IsAvailable)
        {
            Assert.False(inCi, "MuJoCo 2.2.2 is missing under CI=true: .ci/run installs libmujoco2.2.2.");
            Skip.If(true, "MuJoCo 2.2.2 is not installed: run `sudo apt-get install -y libmujoco2.2.2`.");
        }

        using var dir = new TempDirectory();
        CliResult trained = CliHarness.Run("train", "ppo", "Hopper-v4", "--timesteps", "256", "--set", "n_steps=128", "--set", "batch_size=64", "--set", "n_epochs=1", "--out", dir["run"], "--quiet");
        Assert.True(trained.ExitCode == 0, trained.Error);

        CliResult plain = CliHarness.Run("eval", dir["run"], "--episodes", "2");
        CliResult heavy = CliHarness.Run("eval", dir["run"], "--episodes", "2", "--env-kwargs", "mass_scale_range=3,3");
        Assert.True(heavy.ExitCode == 0, heavy.Error);
        Assert.Contains("on Hopper-v4[mass_scale_range=3,3]", heavy.Output, StringComparison.Ordinal);
        Assert.NotEqual(plain.Output.Split("mean return")[1], heavy.Output.Split("mean return")[1]);

        CliResult unknown = CliHarness.Run("eval", dir["run"], "--env-kwargs", "gravity_scale=2");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("gravity_scale", unknown.Error, StringComparison.Ordinal);
    }
}
