using YamlDotNet.RepresentationModel;

namespace SharpRL.Cli;

/// <summary>What a config file sets: settings (applied before --set) and, optionally, the step budget.</summary>
/// <param name="Settings">Key/value settings in file order.</param>
/// <param name="TotalTimesteps">rl-zoo's n_timesteps, or null when the file has none.</param>
internal sealed record ConfigFile(IReadOnlyList<KeyValuePair<string, string>> Settings, long? TotalTimesteps);

/// <summary>
/// Reads YAML settings with rl-zoo's keys: a flat mapping (<c>n_steps: 32</c>, <c>learning_rate: lin_1e-3</c>),
/// or an rl-zoo hyperparameter file (<c>CartPole-v1: {n_steps: 32, …}</c>, one block per env id), from which
/// the block of the env being trained is taken, so rl-zoo's own files load verbatim: the other blocks (Atari,
/// Python wrapper paths) are not read, YAML anchors and merge keys (<c>&lt;&lt;: *mujoco-defaults</c>) are
/// applied. Of rl-zoo's non-option keys, <c>n_timesteps</c> sets the budget, <c>policy: MlpPolicy</c> is
/// accepted, <c>normalize</c> (true/false or its dict form) turns on observation and reward normalisation, and
/// <c>policy_kwargs</c>, a Python dict literal, is translated into SharpRL's network settings. An option SharpRL
/// does not implement is refused with its name, or, with <c>--ignore-unsupported</c>, reported as ignored.
/// </summary>
internal static class YamlConfig
{
    private const string MergeKey = "<<";

    /// <summary>Reads <paramref name="path"/> for training <paramref name="envId"/>.</summary>
    /// <param name="path">The YAML file.</param>
    /// <param name="envId">The env being trained (selects the block of an rl-zoo file).</param>
    /// <param name="knownKeys">Setting keys of the algorithm being trained (how policy_kwargs is translated, and
    /// which keys are unsupported), or null to pass every key on unchecked.</param>
    /// <param name="ignoreUnsupported">Report unsupported options on <paramref name="notices"/> instead of refusing them.</param>
    /// <param name="notices">Where ignored options are reported.</param>
    public static ConfigFile Read(string path, string? envId, IReadOnlyCollection<string>? knownKeys = null, bool ignoreUnsupported = false, TextWriter? notices = null)
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

        var reading = new Reading(path, knownKeys, ignoreUnsupported, notices);
        List<KeyValuePair<string, YamlNode>> entries = Merged(path, mapping);
        if (entries.Count > 0 && entries.All(e => e.Value is YamlMappingNode))
        {
            entries = Merged(path, SelectEnvBlock(path, entries, envId));
        }

        long? totalTimesteps = null;
        foreach ((string name, YamlNode value) in entries)
        {
            switch (name)
            {
                case "n_timesteps":
                    totalTimesteps = ParseTimesteps(path, Text(path, name, value));
                    break;
                case "policy":
                    string policy = Text(path, name, value);
                    if (policy != "MlpPolicy")
                    {
                        throw new CliError($"Config file '{path}': policy '{policy}' is not available; SharpRL trains MLP policies (MlpPolicy).");
                    }

                    break;
                case "normalize":
                    (bool observations, bool rewards) = ParseNormalize(reading, Text(path, name, value));
                    reading.Add("normalize_observations", observations ? "true" : "false");
                    reading.Add("normalize_rewards", rewards ? "true" : "false");
                    break;
                case "use_sde" or "sde_sample_freq" or "use_sde_at_warmup":
                    if (name == "use_sde" && Text(path, name, value) is "False" or "false")
                    {
                        // gSDE switched off is what SharpRL does anyway.
                        break;
                    }

                    reading.Unsupported(name, "generalized state-dependent exploration (gSDE) is not implemented; SharpRL's Gaussian policies explore with a state-independent σ, as rl-zoo without gSDE");
                    break;
                case "frame_stack" or "env_wrapper" or "vec_env_wrapper" or "callback" or "normalize_kwargs" or "monitor_kwargs" or "env_kwargs" or "replay_buffer_class" or "replay_buffer_kwargs":
                    reading.Unsupported(name, "this rl-zoo option is not implemented (env kwargs go in --env-kwargs)");
                    break;
                case "policy_kwargs":
                    PolicyKwargs(reading, Text(path, name, value));
                    break;
                case "train_freq" when value is YamlSequenceNode { Children.Count: 2 } pair:
                    // rl-zoo's [n, "episode"] / [n, "step"] form: n units between updates.
                    string unit = Text(path, name, pair.Children[1]);
                    if (unit is not ("episode" or "step"))
                    {
                        throw new CliError($"Config file '{path}': train_freq unit '{unit}' is invalid; expected \"step\" or \"episode\".");
                    }

                    reading.AddChecked("train_freq", Text(path, name, pair.Children[0]));
                    reading.AddChecked("train_freq_unit", unit, "train_freq's unit");
                    break;
                default:
                    reading.AddChecked(name, Text(path, name, value));
                    break;
            }
        }

        return new ConfigFile(reading.Settings, totalTimesteps);
    }

    // The mapping's entries with YAML merge keys applied: "<<: *defaults" (or a list of aliases) brings in the
    // anchored mapping's entries that the mapping does not set itself (YAML 1.1 merge, as PyYAML does).
    private static List<KeyValuePair<string, YamlNode>> Merged(string path, YamlMappingNode mapping)
    {
        var own = new List<KeyValuePair<string, YamlNode>>();
        var merged = new List<KeyValuePair<string, YamlNode>>();
        foreach ((YamlNode key, YamlNode value) in mapping.Children)
        {
            string name = (key as YamlScalarNode)?.Value ?? throw new CliError($"Config file '{path}': keys must be plain names, found {key}.");
            if (name != MergeKey)
            {
                own.Add(new(name, value));
                continue;
            }

            IEnumerable<YamlNode> sources = value is YamlSequenceNode list ? list.Children : [value];
            foreach (YamlNode source in sources)
            {
                if (source is not YamlMappingNode sourceMapping)
                {
                    throw new CliError($"Config file '{path}': a merge key (<<) must refer to a mapping (e.g. <<: *defaults), found {source}.");
                }

                foreach (KeyValuePair<string, YamlNode> entry in Merged(path, sourceMapping))
                {
                    if (!merged.Any(m => m.Key == entry.Key))
                    {
                        merged.Add(entry);
                    }
                }
            }
        }

        return [.. merged.Where(m => !own.Any(o => o.Key == m.Key)), .. own];
    }

    private static string Text(string path, string name, YamlNode value) => value switch
    {
        YamlScalarNode scalar => scalar.Value ?? "",
        YamlSequenceNode sequence => string.Join(",", sequence.Children.Select(c => (c as YamlScalarNode)?.Value
            ?? throw new CliError($"Config file '{path}': the list of setting '{name}' must hold plain values."))),
        _ => throw new CliError($"Config file '{path}': setting '{name}' must be a scalar or a list."),
    };

    private static YamlMappingNode SelectEnvBlock(string path, List<KeyValuePair<string, YamlNode>> file, string? envId)
    {
        string[] ids = [.. file.Select(e => e.Key)];
        if (envId is null)
        {
            throw new CliError($"Config file '{path}' holds settings per env ({string.Join(", ", ids)}); name the env to train.");
        }

        foreach ((string id, YamlNode value) in file)
        {
            if (id == envId)
            {
                return (YamlMappingNode)value;
            }
        }

        throw new CliError($"Config file '{path}' has no settings for {envId}; it has blocks for: {string.Join(", ", ids)}.");
    }

    // A Python dict literal (rl-zoo's policy_kwargs, normalize); error(reason) names what was wrong: the parser's
    // message, or null when the text is a valid literal but not a dict.
    private static Dictionary<string, object?> ParseDict(string text, Func<string?, CliError> error)
    {
        object? parsed;
        try
        {
            parsed = PythonLiteral.Parse(text);
        }
        catch (FormatException e)
        {
            throw error(e.Message);
        }

        return parsed as Dictionary<string, object?> ?? throw error(null);
    }

    // policy_kwargs: rl-zoo writes a Python dict literal; its network parts become SharpRL settings.
    private static void PolicyKwargs(Reading reading, string text)
    {
        Dictionary<string, object?> kwargs = ParseDict(text, reason => reason is null
            ? new CliError($"Config file '{reading.Path}': policy_kwargs = {text} is not a dict; expected e.g. dict(net_arch=[64, 64]).")
            : new CliError($"Config file '{reading.Path}': policy_kwargs could not be read: {reason}; expected a dict literal such as dict(net_arch=[64, 64], activation_fn=nn.ReLU)."));

        // On-policy algorithms name their networks policy.pi_hidden / policy.vf_hidden; the off-policy ones
        // share one width list between actor and critics (hidden_sizes), as SB3's net_arch=[400, 300] does.
        bool onPolicy = reading.Knows("policy.pi_hidden");
        string prefix = onPolicy ? "policy." : "";
        foreach ((string key, object? value) in kwargs)
        {
            switch (key)
            {
                case "net_arch":
                    NetArch(reading, value, onPolicy);
                    break;
                case "activation_fn":
                    reading.AddChecked(prefix + "activation", value switch
                    {
                        PythonLiteral.Name { Text: var t } when t.EndsWith("ReLU", StringComparison.Ordinal) => "relu",
                        PythonLiteral.Name { Text: var t } when t.EndsWith("Tanh", StringComparison.Ordinal) => "tanh",
                        _ => throw new CliError($"Config file '{reading.Path}': policy_kwargs activation_fn = {Show(value)} is not available; SharpRL has nn.ReLU and nn.Tanh."),
                    }, "policy_kwargs activation_fn");
                    break;
                case "ortho_init":
                    reading.AddChecked(prefix + "orthogonal_init", Boolean(reading, key, value), "policy_kwargs ortho_init");
                    break;
                case "log_std_init":
                    reading.AddChecked(prefix + "log_std_init", Number(reading, key, value), "policy_kwargs log_std_init");
                    break;
                case "n_critics":
                    reading.AddChecked("n_critics", Number(reading, key, value), "policy_kwargs n_critics");
                    break;
                default:
                    reading.Unsupported($"policy_kwargs {key}", "SharpRL's MLP policies have no such setting");
                    break;
            }
        }
    }

    private static void NetArch(Reading reading, object? value, bool onPolicy)
    {
        // SB3 < 1.8 wrote [dict(pi=[…], vf=[…])]: a list holding the dict.
        if (value is List<object?> { Count: 1 } single && single[0] is Dictionary<string, object?>)
        {
            value = single[0];
        }

        switch (value)
        {
            case List<object?> widths:
                string shared = Widths(reading, widths);
                if (onPolicy)
                {
                    reading.AddChecked("policy.pi_hidden", shared, "policy_kwargs net_arch");
                    reading.AddChecked("policy.vf_hidden", shared, "policy_kwargs net_arch");
                }
                else
                {
                    reading.AddChecked("hidden_sizes", shared, "policy_kwargs net_arch");
                }

                break;
            case Dictionary<string, object?> parts:
                foreach (string part in parts.Keys.Where(k => k is not ("pi" or "vf" or "qf")))
                {
                    throw new CliError($"Config file '{reading.Path}': policy_kwargs net_arch has a part '{part}'; expected pi and vf (on-policy) or pi and qf (off-policy).");
                }

                if (onPolicy)
                {
                    if (parts.TryGetValue("pi", out object? pi))
                    {
                        reading.AddChecked("policy.pi_hidden", Widths(reading, pi), "policy_kwargs net_arch pi");
                    }

                    if (parts.TryGetValue("vf", out object? vf))
                    {
                        reading.AddChecked("policy.vf_hidden", Widths(reading, vf), "policy_kwargs net_arch vf");
                    }
                }
                else
                {
                    string actor = parts.TryGetValue("pi", out object? a) ? Widths(reading, a) : "";
                    string critic = parts.TryGetValue("qf", out object? q) ? Widths(reading, q) : actor;
                    if (actor.Length > 0 && actor != critic)
                    {
                        throw new CliError($"Config file '{reading.Path}': policy_kwargs net_arch gives the actor [{actor}] and the critics [{critic}]; SharpRL's off-policy networks share one width list (hidden_sizes).");
                    }

                    reading.AddChecked("hidden_sizes", critic, "policy_kwargs net_arch");
                }

                break;
            default:
                throw new CliError($"Config file '{reading.Path}': policy_kwargs net_arch = {Show(value)} is invalid; expected a list of widths such as [64, 64] or dict(pi=[64, 64], vf=[64, 64]).");
        }
    }

    private static string Widths(Reading reading, object? value) =>
        value is List<object?> list && list.All(w => w is long and > 0)
            ? string.Join(",", list.Select(w => ((long)w!).ToString(CultureInfo.InvariantCulture)))
            : throw new CliError($"Config file '{reading.Path}': policy_kwargs net_arch widths {Show(value)} are invalid; expected a list of positive integers such as [256, 256].");

    private static string Boolean(Reading reading, string key, object? value) =>
        value is bool b ? (b ? "true" : "false") : throw new CliError($"Config file '{reading.Path}': policy_kwargs {key} = {Show(value)} is invalid; expected True or False.");

    private static string Number(Reading reading, string key, object? value) => value switch
    {
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => throw new CliError($"Config file '{reading.Path}': policy_kwargs {key} = {Show(value)} is invalid; expected a number."),
    };

    private static string Show(object? value) => value switch
    {
        null => "None",
        PythonLiteral.Name name => name.Text,
        List<object?> list => $"[{string.Join(", ", list.Select(Show))}]",
        Dictionary<string, object?> dict => $"dict({string.Join(", ", dict.Select(e => $"{e.Key}={Show(e.Value)}"))})",
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static long ParseTimesteps(string path, string text)
    {
        // rl-zoo writes budgets as floats (n_timesteps: !!float 1e5).
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value >= 1 && value <= long.MaxValue) || value != Math.Floor(value))
        {
            throw new CliError($"Config file '{path}': n_timesteps = '{text}' is invalid; expected a positive whole number of env steps (e.g. 1e5).");
        }

        return (long)value;
    }

    private static (bool Observations, bool Rewards) ParseNormalize(Reading reading, string text)
    {
        if (bool.TryParse(text, out bool both))
        {
            return (both, both);
        }

        // rl-zoo's dict form: "{'norm_obs': True, 'norm_reward': False}" (a string holding a Python dict).
        string expected = "expected true, false or {'norm_obs': True, 'norm_reward': False}";
        Dictionary<string, object?> flags = ParseDict(text, reason => reason is null
            ? new CliError($"Config file '{reading.Path}': normalize = '{text}' is invalid; {expected}.")
            : new CliError($"Config file '{reading.Path}': normalize = '{text}' is invalid ({reason}); {expected}."));

        bool observations = true, rewards = true;
        foreach ((string key, object? value) in flags)
        {
            switch (key)
            {
                case "norm_obs" when value is bool b:
                    observations = b;
                    break;
                case "norm_reward" when value is bool b:
                    rewards = b;
                    break;
                case "norm_obs" or "norm_reward":
                    throw new CliError($"Config file '{reading.Path}': normalize {key} = {Show(value)} is invalid; expected True or False.");
                default:
                    // clip_obs, gamma, epsilon: SharpRL's normalisers use SB3's defaults (clip 10, ε 1e-8, the run's γ).
                    reading.Unsupported($"normalize {key}", "SharpRL's normalisers use VecNormalize's defaults (clip 10, ε 1e-8, the run's γ)");
                    break;
            }
        }

        return (observations, rewards);
    }

    // What one read collects, and how it treats keys the algorithm does not have.
    private sealed class Reading(string path, IReadOnlyCollection<string>? knownKeys, bool ignoreUnsupported, TextWriter? notices)
    {
        public string Path { get; } = path;

        public List<KeyValuePair<string, string>> Settings { get; } = [];

        public bool Knows(string key) => knownKeys is null ? key.StartsWith("policy.", StringComparison.Ordinal) : knownKeys.Contains(key);

        public void Add(string key, string value) => Settings.Add(new(key, value));

        // A key the algorithm has is kept; one it lacks is unsupported (refused, or ignored on request).
        public void AddChecked(string key, string value, string? source = null)
        {
            if (knownKeys is null || knownKeys.Contains(key))
            {
                Add(key, value);
                return;
            }

            Unsupported(source ?? key, "the algorithm has no such setting");
        }

        public void Unsupported(string what, string why)
        {
            if (ignoreUnsupported)
            {
                notices?.WriteLine($"config: ignored {what} ({why})");
                return;
            }

            throw new CliError($"Config file '{Path}': {what} is not supported: {why}. Remove it, or pass --ignore-unsupported to skip it.");
        }
    }
}
