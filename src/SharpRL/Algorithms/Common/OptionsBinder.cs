using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;

namespace SharpRL.Algorithms.Common;

/// <summary>
/// Reads and writes option records by rl-zoo style snake_case keys ("n_steps", "learning_rate",
/// "policy.log_std_init"), for <c>--set key=value</c>, YAML configs and checkpoint sidecars.
/// Unknown keys and ill-typed values are refused with a message that lists what is accepted.
/// </summary>
public static class OptionsBinder
{
    /// <summary>Returns a copy of <paramref name="options"/> with each key set from its text value.</summary>
    public static TOptions Apply<TOptions>(TOptions options, IEnumerable<KeyValuePair<string, string>> settings)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        TOptions copy = CloneRecord(options);
        foreach ((string key, string text) in settings)
        {
            SetValue(copy, key, text);
        }

        return copy;
    }

    /// <summary>Parses "key=value" into a pair; throws with the expected form otherwise.</summary>
    public static KeyValuePair<string, string> ParseAssignment(string assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        int equals = assignment.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new FormatException($"'{assignment}' is not a setting; expected key=value (e.g. n_steps=128).");
        }

        return new(assignment[..equals].Trim(), assignment[(equals + 1)..].Trim());
    }

    /// <summary>All settable keys of <paramref name="options"/> with their current values as text.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Describe(object options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new List<KeyValuePair<string, string>>();
        Collect(options, prefix: "", result);
        return result;
    }

    /// <summary>The options as a JSON object of key → text value (the resolved config of a run).</summary>
    public static JsonObject ToJson(object options)
    {
        var json = new JsonObject();
        foreach ((string key, string value) in Describe(options))
        {
            json[key] = value;
        }

        return json;
    }

    /// <summary>Restores options from <see cref="ToJson"/>'s output, starting from <paramref name="defaults"/>.</summary>
    public static TOptions FromJson<TOptions>(TOptions defaults, JsonObject json)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(json);
        return Apply(defaults, json.Select(p => new KeyValuePair<string, string>(p.Key, p.Value?.GetValue<string>() ?? "")));
    }

    /// <summary>snake_case of a PascalCase property name (NumSteps → n_steps has an explicit alias table).</summary>
    public static string KeyOf(PropertyInfo property)
    {
        ArgumentNullException.ThrowIfNull(property);
        if (Aliases.TryGetValue(property.Name, out string? alias))
        {
            return alias;
        }

        var builder = new StringBuilder();
        foreach (char c in property.Name)
        {
            if (char.IsUpper(c) && builder.Length > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    // rl-zoo / SB3 spell these with an "n_" prefix.
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["NumEnvs"] = "n_envs",
        ["NumSteps"] = "n_steps",
        ["NumEpochs"] = "n_epochs",
        ["PolicyHiddenSizes"] = "pi_hidden",
        ["ValueHiddenSizes"] = "vf_hidden",
    };

    private static IEnumerable<PropertyInfo> SettableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract");

    private static void Collect(object options, string prefix, List<KeyValuePair<string, string>> result)
    {
        foreach (PropertyInfo property in SettableProperties(options.GetType()))
        {
            object? value = property.GetValue(options);
            string key = prefix + KeyOf(property);
            if (IsNested(property.PropertyType) && value is not null)
            {
                Collect(value, key + ".", result);
            }
            else
            {
                result.Add(new(key, Format(value)));
            }
        }
    }

    private static bool IsNested(Type type) =>
        type.IsClass && type != typeof(string) && type != typeof(Schedule) && !typeof(System.Collections.IEnumerable).IsAssignableFrom(type);

    private static void SetValue(object target, string key, string text)
    {
        int dot = key.IndexOf('.', StringComparison.Ordinal);
        string head = dot < 0 ? key : key[..dot];
        PropertyInfo? property = SettableProperties(target.GetType()).FirstOrDefault(p => KeyOf(p) == head);
        if (property is null)
        {
            string known = string.Join(", ", Describe(target).Select(p => p.Key));
            throw new ArgumentException($"Unknown setting '{key}' for {target.GetType().Name}; known settings: {known}.", nameof(key));
        }

        if (dot >= 0)
        {
            object nested = property.GetValue(target) ?? throw new ArgumentException($"Setting '{head}' has no value to set '{key}' in.", nameof(key));
            object nestedCopy = CloneRecord(nested);
            SetValue(nestedCopy, key[(dot + 1)..], text);
            property.SetValue(target, nestedCopy);
            return;
        }

        object? parsed;
        try
        {
            parsed = Parse(property.PropertyType, text);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"Setting '{key}' = '{text}' is ill-typed: {e.Message}", nameof(key), e);
        }

        property.SetValue(target, parsed);
    }

    private static object? Parse(Type type, string text)
    {
        Type? underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null || type == typeof(Schedule))
        {
            if (text.Length == 0 || text.Equals("null", StringComparison.OrdinalIgnoreCase) || text.Equals("none", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            type = underlying ?? type;
        }

        if (type == typeof(int))
        {
            return (int)ParseNumber(text, "an integer", integer: true);
        }

        if (type == typeof(long))
        {
            return (long)ParseNumber(text, "an integer", integer: true);
        }

        if (type == typeof(double))
        {
            return ParseNumber(text, "a number", integer: false);
        }

        if (type == typeof(float))
        {
            return (float)ParseNumber(text, "a number", integer: false);
        }

        if (type == typeof(bool))
        {
            return text.ToLowerInvariant() switch
            {
                "true" or "1" or "yes" => true,
                "false" or "0" or "no" => false,
                _ => throw new FormatException("expected true or false."),
            };
        }

        if (type == typeof(string))
        {
            return text;
        }

        if (type == typeof(Schedule))
        {
            return Schedule.Parse(text);
        }

        if (type.IsEnum)
        {
            return Enum.TryParse(type, text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out object? value)
                ? value
                : throw new FormatException($"expected one of {string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))}.");
        }

        if (type == typeof(IReadOnlyList<int>))
        {
            string inner = text.Trim().TrimStart('[').TrimEnd(']');
            return inner.Length == 0
                ? Array.Empty<int>()
                : inner.Split(',').Select(s => (int)ParseNumber(s.Trim(), "a list of integers like 64,64", integer: true)).ToArray();
        }

        throw new FormatException($"settings of type {type.Name} cannot be set from text.");
    }

    private static double ParseNumber(string text, string expected, bool integer)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value)
            || (integer && (value != Math.Floor(value) || Math.Abs(value) > long.MaxValue)))
        {
            throw new FormatException($"expected {expected}.");
        }

        return value;
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        Enum e => e.ToString().ToLowerInvariant(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable<int> list => string.Join(",", list),
        _ => value.ToString() ?? "",
    };

    private static T CloneRecord<T>(T record)
        where T : class
    {
        // Records expose a compiler-generated virtual clone; it keeps the runtime (derived) type.
        MethodInfo clone = record.GetType().GetMethod("<Clone>$")
            ?? throw new ArgumentException($"{record.GetType().Name} is not a record; options must be records.", nameof(record));
        return (T)clone.Invoke(record, null)!;
    }
}
