namespace SharpRL.Environments;

/// <summary>
/// Reads the constructor options of a built-in env, MuJoCo or classic control (Gymnasium's <c>gymnasium.make(id, **kwargs)</c>), given
/// as numbers, booleans, strings or text as typed on a command line ("0.7,inf", "(0.7, inf)", "true").
/// Every option is read with its Gymnasium default; <see cref="EnsureAllUsed"/> then refuses unknown names.
/// </summary>
internal sealed class EnvOptions
{
    private readonly string _envId;
    private readonly IReadOnlyDictionary<string, object>? _options;
    private readonly List<string> _known = [];

    public EnvOptions(string envId, IReadOnlyDictionary<string, object>? options)
    {
        _envId = envId;
        _options = options;
    }

    public double Double(string key, double defaultValue)
    {
        _known.Add(key);
        return TryGet(key, out object? value) ? ToDouble(key, value) : defaultValue;
    }

    public int Int(string key, int defaultValue, int min = int.MinValue)
    {
        _known.Add(key);
        if (!TryGet(key, out object? value))
        {
            return defaultValue;
        }

        double number = ToDouble(key, value);
        if (number != Math.Floor(number) || number < min || number > int.MaxValue)
        {
            throw Invalid(key, value, string.Create(CultureInfo.InvariantCulture, $"an integer ≥ {min}"));
        }

        return (int)number;
    }

    public bool Bool(string key, bool defaultValue)
    {
        _known.Add(key);
        if (!TryGet(key, out object? value))
        {
            return defaultValue;
        }

        return value switch
        {
            bool b => b,
            string s when s.Trim().Equals("true", StringComparison.OrdinalIgnoreCase) || s.Trim() == "1" => true,
            string s when s.Trim().Equals("false", StringComparison.OrdinalIgnoreCase) || s.Trim() == "0" => false,
            int i when i is 0 or 1 => i == 1,
            _ => throw Invalid(key, value, "true or false"),
        };
    }

    public string String(string key, string defaultValue)
    {
        _known.Add(key);
        if (!TryGet(key, out object? value))
        {
            return defaultValue;
        }

        return value is string s && s.Length > 0 ? s : throw Invalid(key, value, "a non-empty string");
    }

    /// <summary>A body (or other element) named or numbered, as Gymnasium's <c>int | str</c> options take it: an integer comes back in invariant digits.</summary>
    public string NameOrIndex(string key, string defaultValue)
    {
        _known.Add(key);
        if (!TryGet(key, out object? value))
        {
            return defaultValue;
        }

        return value switch
        {
            int or long => Convert.ToString(value, CultureInfo.InvariantCulture)!,
            string s when s.Length > 0 => s,
            _ => throw Invalid(key, value, "a body name or a non-negative body index"),
        };
    }

    public (double Low, double High) Range(string key, (double Low, double High) defaultValue)
    {
        _known.Add(key);
        if (!TryGet(key, out object? value))
        {
            return defaultValue;
        }

        double[] pair = value switch
        {
            ValueTuple<double, double> t => [t.Item1, t.Item2],
            double[] a => a,
            float[] a => [.. a.Select(x => (double)x)],
            string s => [.. s.Trim().TrimStart('(', '[').TrimEnd(')', ']').Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(part => ToDouble(key, part))],
            _ => throw Invalid(key, value, "a pair (low, high)"),
        };
        if (pair.Length != 2 || double.IsNaN(pair[0]) || double.IsNaN(pair[1]) || pair[0] > pair[1])
        {
            throw Invalid(key, value, "a pair (low, high) with low ≤ high, e.g. \"0.7,inf\"");
        }

        return (pair[0], pair[1]);
    }

    /// <summary>Refuses options this env does not have, naming the ones it has.</summary>
    public void EnsureAllUsed()
    {
        if (_options is null)
        {
            return;
        }

        string[] unknown = [.. _options.Keys.Where(k => !_known.Contains(k, StringComparer.Ordinal))];
        if (unknown.Length > 0)
        {
            throw new ArgumentException(
                $"{_envId} has no option {string.Join(", ", unknown.Select(k => $"'{k}'"))}; its options are {string.Join(", ", _known)}.", "options");
        }
    }

    private static double ParseNumber(string text)
    {
        string t = text.Trim().Replace("np.", string.Empty, StringComparison.Ordinal);
        return t.ToUpperInvariant() switch
        {
            "INF" or "+INF" or "INFINITY" or "FLOAT('INF')" => double.PositiveInfinity,
            "-INF" or "-INFINITY" or "-FLOAT('INF')" => double.NegativeInfinity,
            _ => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : double.NaN,
        };
    }

    private bool TryGet(string key, out object? value)
    {
        value = null;
        return _options is not null && _options.TryGetValue(key, out value);
    }

    private double ToDouble(string key, object? value)
    {
        double number = value switch
        {
            double d => d,
            float f => f,
            int i => i,
            long l => l,
            decimal m => (double)m,
            string s => ParseNumber(s),
            _ => double.NaN,
        };
        return double.IsNaN(number) ? throw Invalid(key, value, "a number") : number;
    }

    private ArgumentException Invalid(string key, object? value, string expected) =>
        new($"{_envId} option '{key}' must be {expected}, got '{value ?? "null"}'.", "options");
}
