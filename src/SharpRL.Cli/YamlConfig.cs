using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace SharpRL.Cli;

/// <summary>What a config file sets: settings (applied before --set) and, optionally, the step budget.</summary>
/// <param name="Settings">Key/value settings in file order.</param>
/// <param name="TotalTimesteps">rl-zoo's n_timesteps, or null when the file has none.</param>
internal sealed record ConfigFile(IReadOnlyList<KeyValuePair<string, string>> Settings, long? TotalTimesteps);

/// <summary>
/// Reads YAML settings with rl-zoo's keys: a flat mapping (<c>n_steps: 32</c>, <c>learning_rate: lin_1e-3</c>),
/// or an rl-zoo hyperparameter file (<c>CartPole-v1: {n_steps: 32, …}</c>, one block per env id), from which
/// the block of the env being trained is taken. Of rl-zoo's non-option keys, <c>n_timesteps</c> sets the
/// budget, <c>policy: MlpPolicy</c> is accepted and <c>normalize</c> turns on observation and reward normalisation.
/// </summary>
internal static partial class YamlConfig
{
    public static ConfigFile Read(string path, string? envId)
    {
        if (!File.Exists(path))
        {
            throw new CliError($"Config file '{path}' does not exist.");
        }

        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new CliError($"Config file '{path}' is not valid YAML (line {e.Start.Line}, column {e.Start.Column}): {e.Message}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this, without a position, on some malformed input.
            throw new CliError($"Config file '{path}' is not valid YAML: the parser could not read it.");
        }

        if (stream.Documents.Count == 0)
        {
            return new ConfigFile([], null);
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode mapping)
        {
            throw new CliError($"Config file '{path}' must be a mapping of key: value settings.");
        }

        if (mapping.Children.Count > 0 && mapping.Children.Values.All(v => v is YamlMappingNode))
        {
            mapping = SelectEnvBlock(path, mapping, envId);
        }

        var settings = new List<KeyValuePair<string, string>>();
        long? totalTimesteps = null;
        foreach ((YamlNode key, YamlNode value) in mapping.Children)
        {
            string name = (key as YamlScalarNode)?.Value ?? throw new CliError($"Config file '{path}': keys must be plain names, found {key}.");
            string text = value switch
            {
                YamlScalarNode scalar => scalar.Value ?? "",
                YamlSequenceNode sequence => string.Join(",", sequence.Children.Select(c => (c as YamlScalarNode)?.Value
                    ?? throw new CliError($"Config file '{path}': the list of setting '{name}' must hold plain values."))),
                _ => throw new CliError($"Config file '{path}': setting '{name}' must be a scalar or a list."),
            };
            switch (name)
            {
                case "n_timesteps":
                    totalTimesteps = ParseTimesteps(path, text);
                    break;
                case "policy":
                    if (text != "MlpPolicy")
                    {
                        throw new CliError($"Config file '{path}': policy '{text}' is not available; SharpRL trains MLP policies (MlpPolicy).");
                    }

                    break;
                case "normalize":
                    (bool observations, bool rewards) = ParseNormalize(path, text);
                    settings.Add(new("normalize_observations", observations ? "true" : "false"));
                    settings.Add(new("normalize_rewards", rewards ? "true" : "false"));
                    break;
                case "use_sde" or "sde_sample_freq" or "use_sde_at_warmup":
                    throw new CliError($"Config file '{path}': {name} is an rl-zoo option SharpRL does not implement yet (generalized state-dependent exploration, gSDE); remove it (SharpRL's Gaussian policies explore with a state-independent σ, as rl-zoo without gSDE).");
                case "frame_stack" or "env_wrapper" or "vec_env_wrapper" or "callback" or "normalize_kwargs" or "monitor_kwargs" or "env_kwargs" or "replay_buffer_class" or "replay_buffer_kwargs":
                    throw new CliError($"Config file '{path}': {name} is an rl-zoo option SharpRL does not implement yet; remove it.");
                case "policy_kwargs":
                    throw new CliError($"Config file '{path}': policy_kwargs is Python and is not read; write its parts as policy.pi_hidden, policy.vf_hidden, policy.activation, policy.orthogonal_init and policy.log_std_init.");
                default:
                    settings.Add(new(name, text));
                    break;
            }
        }

        return new ConfigFile(settings, totalTimesteps);
    }

    private static YamlMappingNode SelectEnvBlock(string path, YamlMappingNode file, string? envId)
    {
        string[] ids = [.. file.Children.Keys.Select(k => (k as YamlScalarNode)?.Value ?? "")];
        if (envId is null)
        {
            throw new CliError($"Config file '{path}' holds settings per env ({string.Join(", ", ids)}); name the env to train.");
        }

        foreach ((YamlNode key, YamlNode value) in file.Children)
        {
            if ((key as YamlScalarNode)?.Value == envId)
            {
                return (YamlMappingNode)value;
            }
        }

        throw new CliError($"Config file '{path}' has no settings for {envId}; it has blocks for: {string.Join(", ", ids)}.");
    }

    private static long ParseTimesteps(string path, string text)
    {
        // rl-zoo writes budgets as floats (n_timesteps: !!float 1e5).
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value >= 1 && value <= long.MaxValue) || value != Math.Floor(value))
        {
            throw new CliError($"Config file '{path}': n_timesteps = '{text}' is invalid; expected a positive whole number of env steps (e.g. 1e5).");
        }

        return (long)value;
    }

    private static (bool Observations, bool Rewards) ParseNormalize(string path, string text)
    {
        if (bool.TryParse(text, out bool both))
        {
            return (both, both);
        }

        // rl-zoo's dictionary form: "{'norm_obs': True, 'norm_reward': False}".
        Match observations = NormalizeFlag("norm_obs").Match(text);
        Match rewards = NormalizeFlag("norm_reward").Match(text);
        if (observations.Success || rewards.Success)
        {
            return (IsTrue(observations, defaultValue: true), IsTrue(rewards, defaultValue: true));
        }

        throw new CliError($"Config file '{path}': normalize = '{text}' is invalid; expected true, false or {{'norm_obs': True, 'norm_reward': False}}.");
    }

    private static bool IsTrue(Match match, bool defaultValue) =>
        match.Success ? match.Groups[1].Value.Equals("true", StringComparison.OrdinalIgnoreCase) : defaultValue;

    private static Regex NormalizeFlag(string name) => name == "norm_obs" ? NormObsFlag() : NormRewardFlag();

    [GeneratedRegex("""['"]?norm_obs['"]?\s*:\s*(true|false)""", RegexOptions.IgnoreCase)]
    private static partial Regex NormObsFlag();

    [GeneratedRegex("""['"]?norm_reward['"]?\s*:\s*(true|false)""", RegexOptions.IgnoreCase)]
    private static partial Regex NormRewardFlag();
}
