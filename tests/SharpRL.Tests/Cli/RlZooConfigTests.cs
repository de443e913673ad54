using System.Text.Json.Nodes;

namespace SharpRL.Tests.Cli;

/// <summary>rl-zoo hyperparameter files in their own syntax (written here): anchors, merge keys, policy_kwargs, other envs' blocks.</summary>
public class RlZooConfigTests
{
    // The shape of rl-zoo's ppo.yml: an Atari block with a Python wrapper path, a block with gSDE, and MuJoCo
    // blocks sharing an anchored default block through merge keys.
    private const string PpoFile = """
        atari:
          env_wrapper:
            - stable_baselines3.common.atari_wrappers.AtariWrapper
          frame_stack: 4
          policy: 'CnnPolicy'
          n_envs: 8

        MountainCarContinuous-v0:
          normalize: true
          n_envs: 1
          policy: 'MlpPolicy'
          use_sde: True
          policy_kwargs: "dict(log_std_init=-3.29, ortho_init=False)"

        HalfCheetah-v4: &mujoco-defaults
          normalize: true
          n_timesteps: !!float 1e6
          policy: 'MlpPolicy'
          n_steps: 512
          batch_size: 64
          gamma: 0.98
          learning_rate: 2.0633e-05
          policy_kwargs: "dict(log_std_init=-2, ortho_init=False, activation_fn=nn.ReLU, net_arch=dict(pi=[256, 256], vf=[256, 256]))"

        Hopper-v4:
          <<: *mujoco-defaults
          gamma: 0.999
          n_timesteps: 2048
          policy_kwargs: "dict(log_std_init=-2, ortho_init=False, activation_fn=nn.Tanh, net_arch=dict(pi=[32], vf=[16]))"
        """;

    [Fact]
    public void Read_MergeKeyBlock_TakesTheAnchoredDefaultsUnderItsOwnValues()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir["ppo.yml"], PpoFile);

        SharpRL.Cli.ConfigFile file = SharpRL.Cli.YamlConfig.Read(dir["ppo.yml"], "Hopper-v4", KnownKeys("ppo"));

        Dictionary<string, string> settings = file.Settings.ToDictionary(s => s.Key, s => s.Value);
        Assert.Equal(2048, file.TotalTimesteps);
        Assert.Equal("0.999", settings["gamma"]);         // its own value over the anchor's 0.98
        Assert.Equal("512", settings["n_steps"]);         // from the anchor
        Assert.Equal("2.0633e-05", settings["learning_rate"]);
        Assert.Equal("true", settings["normalize_observations"]);
        Assert.Equal("32", settings["policy.pi_hidden"]);
        Assert.Equal("16", settings["policy.vf_hidden"]);
        Assert.Equal("tanh", settings["policy.activation"]);
        Assert.Equal("false", settings["policy.orthogonal_init"]);
        Assert.Equal("-2", settings["policy.log_std_init"]);
    }

    [Fact]
    public void Train_RlZooFileVerbatim_PolicyKwargsBecomeNetworkSettings()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir["ppo.yml"], PpoFile.Replace("Hopper-v4:", "Pendulum-v1:", StringComparison.Ordinal));

        CliResult result = CliHarness.Run("train", "ppo", "Pendulum-v1", "--config", dir["ppo.yml"], "--out", dir["run"], "--quiet");

        Assert.True(result.ExitCode == 0, result.Error);
        JsonObject config = JsonNode.Parse(File.ReadAllText(dir["run/config.json"]))!.AsObject();
        Assert.Equal(2048, config["total_timesteps"]!.GetValue<long>());
        JsonObject options = config["options"]!.AsObject();
        Assert.Equal("32", options["policy.pi_hidden"]!.GetValue<string>());
        Assert.Equal("16", options["policy.vf_hidden"]!.GetValue<string>());
        Assert.Equal("false", options["policy.orthogonal_init"]!.GetValue<string>());
        Assert.Equal("0.999", options["gamma"]!.GetValue<string>());
    }

    [Fact]
    public void Train_UnsupportedOptionInTheSelectedBlock_RefusedByNameOrIgnoredOnRequest()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir["ppo.yml"], PpoFile);

        CliResult refused = CliHarness.Run("train", "ppo", "MountainCarContinuous-v0", "--config", dir["ppo.yml"], "--timesteps", "256", "--out", dir["refused"], "--quiet");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("use_sde is not supported", refused.Error, StringComparison.Ordinal);
        Assert.Contains("--ignore-unsupported", refused.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir["refused"]));

        CliResult ignored = CliHarness.Run("train", "ppo", "MountainCarContinuous-v0", "--config", dir["ppo.yml"], "--ignore-unsupported", "--timesteps", "256", "--out", dir["ignored"], "--quiet");
        Assert.True(ignored.ExitCode == 0, ignored.Error);
        Assert.Contains("config: ignored use_sde", ignored.Output, StringComparison.Ordinal);
        JsonObject options = JsonNode.Parse(File.ReadAllText(dir["ignored/config.json"]))!["options"]!.AsObject();
        Assert.Equal("-3.29", options["policy.log_std_init"]!.GetValue<string>());
    }

    [Fact]
    public void Train_OffPolicyNetArchList_SetsTheSharedWidths()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir["td3.yml"], """
            Pendulum-v1:
              n_timesteps: 300
              policy: 'MlpPolicy'
              learning_starts: 100
              noise_type: 'normal'
              noise_std: 0.1
              train_freq: [1, "episode"]
              policy_kwargs: "dict(net_arch=[64, 32], n_critics=2)"
            """);

        CliResult result = CliHarness.Run("train", "td3", "Pendulum-v1", "--config", dir["td3.yml"], "--out", dir["run"], "--quiet");

        Assert.True(result.ExitCode == 0, result.Error);
        JsonObject options = JsonNode.Parse(File.ReadAllText(dir["run/config.json"]))!["options"]!.AsObject();
        Assert.Equal("64,32", options["hidden_sizes"]!.GetValue<string>());
        Assert.Equal("2", options["n_critics"]!.GetValue<string>());
        Assert.Equal("1", options["train_freq"]!.GetValue<string>());
        Assert.Equal("episode", options["train_freq_unit"]!.GetValue<string>(), ignoreCase: true);
    }

    [Theory]
    [InlineData("dict(net_arch=dict(pi=[64], vf=[32]), activation_fn=nn.ReLU)", "net_arch")]
    [InlineData("{'net_arch': [400, 300], 'ortho_init': False, }", "ortho_init")]
    [InlineData("dict(a=(1, 2.5e-3, 'x', None, True), b=th.nn.Tanh)", "b")]
    public void PythonLiteral_RlZooForms_Parse(string text, string key)
    {
        var parsed = Assert.IsType<Dictionary<string, object?>>(SharpRL.Cli.PythonLiteral.Parse(text));
        Assert.True(parsed.ContainsKey(key));
    }

    [Theory]
    [InlineData("dict(a=1", "expected ','")]
    [InlineData("dict(a=1, a=2)", "key 'a' is given twice")]
    [InlineData("dict(a=*b)", "'*' cannot start a value")]
    [InlineData("[1, 2] + [3]", "unexpected text after the value")]
    public void PythonLiteral_NotALiteral_RefusedWithPosition(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => SharpRL.Cli.PythonLiteral.Parse(text));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("at character", error.Message, StringComparison.Ordinal);
    }

    private static string[] KnownKeys(string algorithm) =>
        [.. SharpRL.Algorithms.Common.OptionsBinder.Describe(SharpRL.Algorithms.AlgorithmRegistry.Get(algorithm).DefaultOptions).Select(s => s.Key)];
}
