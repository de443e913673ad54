using System.Reflection;
using System.Text;

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
            SetValue(copy, key, text, key);
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
        return Apply(defaults, json.Select(p => new KeyValuePair<string, string>(p.Key, p.Value switch
        {
            null => "null",
            JsonValue value when value.TryGetValue(out string? text) => text,
            JsonValue value => value.ToJsonString(),
            _ => throw new ArgumentException($"Setting '{p.Key}' must be a text value, but is {Shorten(p.Value.ToJsonString())}.", nameof(json)),
        })));
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
        ["NumCriticUpdates"] = "n_critic_updates",
        ["RmsPropEpsilon"] = "rms_prop_eps",
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

    private static void SetValue(object target, string key, string text, string fullKey)
    {
        int dot = key.IndexOf('.', StringComparison.Ordinal);
        string head = dot < 0 ? key : key[..dot];
        PropertyInfo? property = SettableProperties(target.GetType()).FirstOrDefault(p => KeyOf(p) == head);
        if (property is null)
        {
            string prefix = fullKey[..^key.Length];
            string known = string.Join(", ", Describe(target).Select(p => prefix + p.Key));
            throw new ArgumentException($"Unknown setting '{fullKey}' for {target.GetType().Name}; known settings: {known}.", nameof(key));
        }

        if (dot >= 0)
        {
            if (!IsNested(property.PropertyType))
            {
                throw new ArgumentException($"Unknown setting '{fullKey}': '{fullKey[..(fullKey.Length - key.Length + dot)]}' is a value, not a group of settings.", nameof(key));
            }

            object nested = property.GetValue(target) ?? throw new ArgumentException($"Setting '{head}' has no value to set '{fullKey}' in.", nameof(key));
            object nestedCopy = CloneRecord(nested);
            SetValue(nestedCopy, key[(dot + 1)..], text, fullKey);
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
            throw new ArgumentException($"Setting '{fullKey}' = '{Shorten(text)}' is invalid: {e.Message}", nameof(key), e);
        }

        if (parsed is null && new NullabilityInfoContext().Create(property).WriteState != NullabilityState.Nullable)
        {
            throw new ArgumentException($"Setting '{fullKey}' = '{Shorten(text)}' is invalid: it needs a value (it cannot be empty or null).", nameof(key));
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
            return (int)ParseInteger(text, int.MinValue, int.MaxValue);
        }

        if (type == typeof(long))
        {
            return ParseInteger(text, long.MinValue, long.MaxValue);
        }

        if (type == typeof(double))
        {
            return ParseNumber(text, "a number");
        }

        if (type == typeof(float))
        {
            double value = ParseNumber(text, "a number");
            return Math.Abs(value) <= float.MaxValue ? (float)value : throw new FormatException($"expected a number within ±{float.MaxValue:G3} (float32); {text} is out of range.");
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
            // By name only: Enum.TryParse also takes numbers, even ones that name no member.
            return !text.Any(char.IsAsciiDigit) && Enum.TryParse(type, text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out object? value) && Enum.IsDefined(type, value!)
                ? value
                : throw new FormatException($"expected one of {string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))}.");
        }

        if (type == typeof(IReadOnlyList<int>))
        {
            string inner = text.Trim().TrimStart('[').TrimEnd(']');
            return inner.Length == 0
                ? Array.Empty<int>()
                : inner.Split(',').Select(s => (int)ParseInteger(s.Trim(), int.MinValue, int.MaxValue, "a list of integers like 64,64")).ToArray();
        }

        throw new FormatException($"settings of type {type.Name} cannot be set from text.");
    }

    private static double ParseNumber(string text, string expected)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            throw new FormatException($"expected {expected}.");
        }

        return value;
    }

    /// <summary>
    /// An integer, parsed exactly (never through double, which rounds above 2^53): plain digits, or
    /// the exponent form rl-zoo files use for budgets (1e5), as long as the value is a whole number in range.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="min">Smallest accepted value.</param>
    /// <param name="max">Largest accepted value.</param>
    /// <param name="expected">What is expected, for the message.</param>
    /// <exception cref="FormatException">Not a whole number in [min, max]; the message says which.</exception>
    public static long ParseInteger(string text, long min, long max, string expected = "an integer")
    {
        string range = string.Create(CultureInfo.InvariantCulture, $"{expected} in [{min}, {max}]");
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long plain))
        {
            return plain >= min && plain <= max ? plain : throw new FormatException($"expected {range}; {text} is out of range.");
        }

        // decimal holds 28 significant digits: exact for every long, and for 1e5-style text.
        if (text.Length <= 64 && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal exact))
        {
            if (exact != decimal.Truncate(exact))
            {
                throw new FormatException($"expected {range}; {text} is not a whole number.");
            }

            return exact >= min && exact <= max ? (long)exact : throw new FormatException($"expected {range}; {text} is out of range.");
        }

        throw new FormatException(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double huge) && double.IsFinite(huge)
            ? $"expected {range}; {text} is out of range."
            : $"expected {range}.");
    }

    // A fuzzed or pasted value can be megabytes long; the message needs only its start.
    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";

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
