using System.CommandLine.Parsing;

namespace SharpRL.Cli;

/// <summary>Parsers of option values shared by commands.</summary>
internal static class CliParsers
{
    /// <summary>A step count option that also takes rl-zoo's exponent form (1e5 = 100000), parsed exactly.</summary>
    public static Option<long?> Steps(string name, string description) => new(name) { Description = description, CustomParser = ParseSteps };

    /// <summary>Parses a whole number of steps; an unusable value becomes a parse error naming the option.</summary>
    public static long? ParseSteps(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        try
        {
            return OptionsBinder.ParseInteger(text, long.MinValue, long.MaxValue, "a whole number of steps");
        }
        catch (FormatException e)
        {
            string name = (result.Parent as OptionResult)?.Option.Name ?? "the value";
            result.AddError($"{name} '{text}' is invalid: {e.Message}");
            return null;
        }
    }
}
