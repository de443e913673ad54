using YamlDotNet.RepresentationModel;

namespace SharpRL.Cli;

/// <summary>Reads a flat YAML mapping of settings (rl-zoo style: <c>n_steps: 32</c>, <c>learning_rate: lin_1e-3</c>).</summary>
internal static class YamlConfig
{
    public static IReadOnlyList<KeyValuePair<string, string>> Read(string path)
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
            throw new CliError($"Config file '{path}' is not valid YAML: {e.Message}");
        }

        if (stream.Documents.Count == 0)
        {
            return [];
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode mapping)
        {
            throw new CliError($"Config file '{path}' must be a mapping of key: value settings.");
        }

        var settings = new List<KeyValuePair<string, string>>();
        foreach ((YamlNode key, YamlNode value) in mapping.Children)
        {
            string name = ((YamlScalarNode)key).Value ?? "";
            string text = value switch
            {
                YamlScalarNode scalar => scalar.Value ?? "",
                YamlSequenceNode sequence => string.Join(",", sequence.Children.Select(c => ((YamlScalarNode)c).Value)),
                _ => throw new CliError($"Config file '{path}': setting '{name}' must be a scalar or a list."),
            };
            settings.Add(new(name, text));
        }

        return settings;
    }
}
