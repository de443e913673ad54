using System.Text.Json.Nodes;

namespace SharpRL.Tests.Cli;

public class TrainConfigTests
{
    [Fact]
    public void Train_FlatRlZooConfig_AppliesSettingsBeforeSet()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir["ppo.yaml"], """
            n_steps: 64
            batch_size: 128
            learning_rate: lin_3e-4
            gae_lambda: 0.9
            n_epochs: 5
            policy.pi_hidden: [32, 32]
            """);

        CliResult result = CliHarness.Run("train", "ppo", "CartPole-v1", "--config", dir["ppo.yaml"], "--set", "n_epochs=2", "--timesteps", "512", "--out", dir["run"], "--quiet");

        Assert.True(result.ExitCode == 0, result.Error);
        JsonObject options = Options(dir["run"]);
        Assert.Equal("64", Value(options, "n_steps"));
        Assert.Equal("128", Value(options, "batch_size"));
        Assert.Equal("lin_0.0003", Value(options, "learning_rate"));
        Assert.Equal("0.9", Value(options, "gae_lambda"));
        Assert.Equal("32,32", Value(options, "policy.pi_hidden"));
        Assert.Equal("2", Value(options, "n_epochs"));
        // Keys the file does not set keep the CartPole preset's values.
        Assert.Equal("8", Value(options, "n_envs"));
        Assert.Equal("0.98", Value(options, "gamma"));
    }

    [Fact]
    public void Train_RlZooHyperparameterFile_TakesTheEnvBlockAndItsBudget()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir["ppo.yml"], """
            CartPole-v1:
              n_envs: 4
              n_timesteps: !!float 1024
              policy: 'MlpPolicy'
              n_steps: 64
              batch_size: 64
              normalize: true
              learning_rate: lin_0.001
            Pendulum-v1:
              n_envs: 1
              n_timesteps: !!float 1e5
              policy: 'MlpPolicy'
              n_steps: 1024
            """);

        CliResult result = CliHarness.Run("train", "ppo", "CartPole-v1", "--config", dir["ppo.yml"], "--out", dir["run"], "--quiet");

        Assert.True(result.ExitCode == 0, result.Error);
        JsonObject config = JsonNode.Parse(File.ReadAllText(dir["run/config.json"]))!.AsObject();
        Assert.Equal(1024, config["total_timesteps"]!.GetValue<long>());
        JsonObject options = config["options"]!.AsObject();
        Assert.Equal("4", Value(options, "n_envs"));
        Assert.Equal("64", Value(options, "n_steps"));
        Assert.Equal("true", Value(options, "normalize_observations"));
        Assert.Equal("true", Value(options, "normalize_rewards"));
        Assert.Equal("lin_0.001", Value(options, "learning_rate"));
    }

    [Fact]
    public void Train_RlZooNormalizeDictionary_SetsEachNormaliser()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir["ppo.yml"], """
            n_steps: 64
            normalize: "{'norm_obs': True, 'norm_reward': False}"
            """);

        CliResult result = CliHarness.Run("train", "ppo", "CartPole-v1", "--config", dir["ppo.yml"], "--timesteps", "512", "--out", dir["run"], "--quiet");

        Assert.True(result.ExitCode == 0, result.Error);
        JsonObject options = Options(dir["run"]);
        Assert.Equal("true", Value(options, "normalize_observations"));
        Assert.Equal("false", Value(options, "normalize_rewards"));
    }

    [Theory]
    [InlineData("Pendulum-v1:\n  n_steps: 1024\n", "has no settings for CartPole-v1; it has blocks for: Pendulum-v1")]
    [InlineData("n_steps: 64\npolicy: 'CnnPolicy'\n", "policy 'CnnPolicy' is not available")]
    [InlineData("policy_kwargs: \"dict(squash_output=True)\"\n", "policy_kwargs squash_output is not supported")]
    [InlineData("policy_kwargs: \"dict(net_arch=make_arch())\"\n", "'make_arch(…)' is a call; only dict(…) is read")]
    [InlineData("n_timesteps: lots\n", "n_timesteps = 'lots' is invalid")]
    [InlineData("use_sde: true\n", "use_sde is not supported: generalized state-dependent exploration (gSDE) is not implemented")]
    [InlineData("gamma: high\n", "Setting 'gamma' = 'high' is invalid: expected a number")]
    public void Train_ConfigItCannotApply_RefusedAndWritesNothing(string yaml, string expectedMessage)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir["ppo.yml"], yaml);

        CliResult result = CliHarness.Run("train", "ppo", "CartPole-v1", "--config", dir["ppo.yml"], "--out", dir["run"], "--quiet");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expectedMessage, result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir["run"]));
    }

    private static JsonObject Options(string runFolder) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(runFolder, "config.json")))!["options"]!.AsObject();

    private static string Value(JsonObject options, string key) => options[key]!.GetValue<string>();
}
