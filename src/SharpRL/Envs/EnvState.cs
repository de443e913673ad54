using System.Text.Json;

namespace SharpRL.Envs;

/// <summary>
/// Writes and reads the JSON snapshots of <see cref="IStatefulEnv"/>: type tags, exact doubles,
/// generator states and running statistics, with checks whose messages say which env's state is
/// wrong and how. Env authors use it to implement <see cref="IStatefulEnv"/> in a few lines.
/// </summary>
/// <remarks>
/// Finite doubles are JSON numbers: System.Text.Json writes the shortest text that parses back to
/// the same double (−0 included), so they round-trip bit for bit. JSON has no NaN or infinities;
/// those are written as the strings "NaN", "Infinity" and "-Infinity". 128-bit generator words are
/// 32-digit hex strings, since JSON numbers hold only 53 bits exactly.
/// Every read throws <see cref="ArgumentException"/> (parameter "state") when a value is missing,
/// has the wrong kind or lies outside its range.
/// </remarks>
public static class EnvState
{
    /// <summary>Key of the type tag every snapshot carries.</summary>
    public const string TypeKey = "type";

    /// <summary>Key under which a wrapper keeps the snapshot of the env it wraps.</summary>
    public const string InnerKey = "env";

    private const string StateParameter = "state";

    /// <summary>The type tag of <paramref name="env"/>'s snapshots: its class name, e.g. "CartPoleEnv".</summary>
    /// <param name="env">The env.</param>
    public static string TypeName(object env)
    {
        ArgumentNullException.ThrowIfNull(env);
        return env.GetType().Name;
    }

    /// <summary>Starts a snapshot of <paramref name="env"/>: an object holding only its type tag.</summary>
    /// <param name="env">The env being saved.</param>
    public static JsonObject Create(object env) => new() { [TypeKey] = TypeName(env) };

    /// <summary>Checks that <paramref name="state"/> is a snapshot of an env of <paramref name="env"/>'s type and returns it as an object.</summary>
    /// <param name="state">The snapshot handed to <see cref="IStatefulEnv.LoadState"/>.</param>
    /// <param name="env">The env loading it.</param>
    public static JsonObject Open(JsonNode? state, object env) => Open(state, env, [TypeName(env)]);

    /// <summary>Checks that <paramref name="state"/> is tagged with one of <paramref name="acceptedTypes"/> and returns it as an object.</summary>
    /// <param name="state">The snapshot handed to <see cref="IStatefulEnv.LoadState"/>.</param>
    /// <param name="env">The env loading it (named in errors).</param>
    /// <param name="acceptedTypes">Type tags whose snapshots this env can load (e.g. two vector envs that step copies identically).</param>
    public static JsonObject Open(JsonNode? state, object env, IReadOnlyCollection<string> acceptedTypes)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(acceptedTypes);
        if (state is not JsonObject snapshot)
        {
            throw new ArgumentException($"{env} cannot load {Describe(state)} as its state: expected the JSON object its SaveState wrote.", StateParameter);
        }

        string? type = snapshot[TypeKey] is JsonValue tag && tag.TryGetValue(out string? text) ? text : null;
        if (type is null || !acceptedTypes.Contains(type))
        {
            string saved = type is null ? "an untagged state (no \"type\")" : $"the state of a {type}";
            throw new ArgumentException(
                $"{env} cannot load {saved}: it takes the state of a {string.Join(" or ", acceptedTypes)}. Build the env exactly as the one that was saved (same id, wrappers and settings).",
                StateParameter);
        }

        return snapshot;
    }

    /// <summary>A double as a JSON node that reads back bit for bit (non-finite values as strings).</summary>
    /// <param name="value">Any double.</param>
    public static JsonNode Number(double value) =>
        double.IsFinite(value) ? JsonValue.Create(value)
        : JsonValue.Create(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");

    /// <summary>Doubles as a JSON array of <see cref="Number(double)"/> nodes.</summary>
    /// <param name="values">The values, in order.</param>
    public static JsonArray Numbers(ReadOnlySpan<double> values)
    {
        var array = new JsonArray();
        foreach (double value in values)
        {
            array.Add(Number(value));
        }

        return array;
    }

    /// <summary>Reads a double written by <see cref="Number(double)"/>.</summary>
    /// <param name="state">The snapshot (or a nested object of it).</param>
    /// <param name="key">The field.</param>
    public static double ReadDouble(JsonObject state, string key)
    {
        ArgumentNullException.ThrowIfNull(state);
        return ParseDouble(state[key], state, key);
    }

    /// <summary>Reads an array of exactly <paramref name="expectedLength"/> doubles.</summary>
    /// <param name="state">The snapshot (or a nested object of it).</param>
    /// <param name="key">The field.</param>
    /// <param name="expectedLength">The number of values the loading env needs.</param>
    public static double[] ReadDoubles(JsonObject state, string key, int expectedLength)
    {
        JsonArray array = ReadArray(state, key, expectedLength);
        double[] values = new double[expectedLength];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = ParseDouble(array[i], state, $"{key}[{i}]");
        }

        return values;
    }

    /// <summary>Reads an integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <param name="state">The snapshot (or a nested object of it).</param>
    /// <param name="key">The field.</param>
    /// <param name="min">Smallest valid value.</param>
    /// <param name="max">Largest valid value.</param>
    public static long ReadInt64(JsonObject state, string key, long min = long.MinValue, long max = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(state);
        return ParseInteger(state[key], state, key, min, max);
    }

    /// <summary>Reads an integer in [<paramref name="min"/>, <paramref name="max"/>] that fits an int.</summary>
    /// <param name="state">The snapshot (or a nested object of it).</param>
    /// <param name="key">The field.</param>
    /// <param name="min">Smallest valid value.</param>
    /// <param name="max">Largest valid value.</param>
    public static int ReadInt32(JsonObject state, string key, int min = int.MinValue, int max = int.MaxValue) =>
        (int)ReadInt64(state, key, min, max);

    /// <summary>Reads an array of exactly <paramref name="expectedLength"/> integers in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <param name="state">The snapshot (or a nested object of it).</param>
    /// <param name="key">The field.</param>
    /// <param name="expectedLength">The number of values the loading env needs.</param>
    /// <param name="min">Smallest valid value.</param>
    /// <param name="max">Largest valid value.</param>
    public static int[] ReadInt32s(JsonObject state, string key, int expectedLength, int min = int.MinValue, int max = int.MaxValue)
    {
        JsonArray array = ReadArray(state, key, expectedLength);
        int[] values = new int[expectedLength];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (int)ParseInteger(array[i], state, $"{key}[{i}]", min, max);
        }

        return values;
    }

    /// <summary>Reads a boolean.</summary>
    /// <param name="state">The snapshot (or a nested object of it).</param>
    /// <param name="key">The field.</param>
    public static bool ReadBoolean(JsonObject state, string key)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state[key] is JsonValue value && value.TryGetValue(out bool flag)
            ? flag
            : throw Invalid(state, key, "must be true or false", state[key]);
    }

    /// <summary>Reads a nested object.</summary>
    /// <param name="state">The snapshot (or a nested object of it).</param>
    /// <param name="key">The field.</param>
    public static JsonObject ReadObject(JsonObject state, string key)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state[key] as JsonObject ?? throw Invalid(state, key, "must be an object", state[key]);
    }

    /// <summary>Reads an array, of exactly <paramref name="expectedLength"/> elements when given.</summary>
    /// <param name="state">The snapshot (or a nested object of it).</param>
    /// <param name="key">The field.</param>
    /// <param name="expectedLength">The number of elements the loading env needs, or null for any.</param>
    public static JsonArray ReadArray(JsonObject state, string key, int? expectedLength = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state[key] is not JsonArray array)
        {
            throw Invalid(state, key, "must be an array", state[key]);
        }

        if (expectedLength is int n && array.Count != n)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The state of a {TagOf(state)} has {array.Count} entries in \"{key}\" but this env needs {n}: it was saved from an env of another size."),
                StateParameter);
        }

        return array;
    }

    /// <summary>
    /// Checks that a constructor setting saved under <paramref name="key"/> equals the loading env's
    /// (a state saved with g = 9.8 would not continue exactly under g = 10).
    /// </summary>
    /// <param name="state">The snapshot.</param>
    /// <param name="key">The setting's field.</param>
    /// <param name="expected">The loading env's value.</param>
    public static void RequireSetting(JsonObject state, string key, double expected)
    {
        double saved = ReadDouble(state, key);
        if (BitConverter.DoubleToInt64Bits(saved) != BitConverter.DoubleToInt64Bits(expected) && !(double.IsNaN(saved) && double.IsNaN(expected)))
        {
            throw SettingMismatch(state, key, saved.ToString("R", CultureInfo.InvariantCulture), expected.ToString("R", CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Checks that an integer setting saved under <paramref name="key"/> equals the loading env's.</summary>
    /// <param name="state">The snapshot.</param>
    /// <param name="key">The setting's field.</param>
    /// <param name="expected">The loading env's value.</param>
    public static void RequireSetting(JsonObject state, string key, long expected)
    {
        long saved = ReadInt64(state, key);
        if (saved != expected)
        {
            throw SettingMismatch(state, key, saved.ToString(CultureInfo.InvariantCulture), expected.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Checks that a boolean setting saved under <paramref name="key"/> equals the loading env's.</summary>
    /// <param name="state">The snapshot.</param>
    /// <param name="key">The setting's field.</param>
    /// <param name="expected">The loading env's value.</param>
    public static void RequireSetting(JsonObject state, string key, bool expected)
    {
        bool saved = ReadBoolean(state, key);
        if (saved != expected)
        {
            throw SettingMismatch(state, key, saved ? "true" : "false", expected ? "true" : "false");
        }
    }

    /// <summary>A generator's full state (null stays null: a generator not created yet).</summary>
    /// <param name="generator">The generator, or null.</param>
    public static JsonNode? Generator(NumpyGenerator? generator)
    {
        if (generator is null)
        {
            return null;
        }

        NumpyGeneratorState s = generator.GetState();
        return new JsonObject
        {
            ["state"] = Hex(s.State),
            ["increment"] = Hex(s.Increment),
            ["has_uint32"] = s.HasUInt32,
            ["uint32"] = s.UInt32,
        };
    }

    /// <summary>Reads a generator written by <see cref="Generator"/>; null where null was saved.</summary>
    /// <param name="state">The snapshot.</param>
    /// <param name="key">The field.</param>
    public static NumpyGenerator? ReadGenerator(JsonObject state, string key)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!state.ContainsKey(key))
        {
            throw Invalid(state, key, "must be a generator state or null", null);
        }

        if (state[key] is null)
        {
            return null;
        }

        JsonObject generator = ReadObject(state, key);
        UInt128 lcgState = ParseHex(generator, "state", state);
        UInt128 increment = ParseHex(generator, "increment", state);
        if ((increment & UInt128.One) == UInt128.Zero)
        {
            throw Invalid(state, key + ".increment", "must be odd (a PCG64 increment)", generator["increment"]);
        }

        bool hasUInt32 = ReadBoolean(generator, "has_uint32");
        uint stash = (uint)ReadInt64(generator, "uint32", 0, uint.MaxValue);
        return new NumpyGenerator(new NumpyGeneratorState(lcgState, increment, hasUInt32, stash));
    }

    /// <summary>Running statistics: <c>{"mean": [...], "var": [...], "count": n}</c>.</summary>
    /// <param name="statistics">The statistics.</param>
    public static JsonObject Statistics(RunningMeanStd statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        return new JsonObject
        {
            ["mean"] = Numbers(statistics.Mean),
            ["var"] = Numbers(statistics.Variance),
            ["count"] = Number(statistics.Count),
        };
    }

    /// <summary>Reads statistics written by <see cref="Statistics"/> for <paramref name="size"/> components.</summary>
    /// <param name="state">The snapshot.</param>
    /// <param name="key">The field.</param>
    /// <param name="size">Components per sample of the loading env's statistics.</param>
    public static RunningMeanStdState ReadStatistics(JsonObject state, string key, int size)
    {
        JsonObject statistics = ReadObject(state, key);
        double[] mean = ReadNested(statistics, state, key, "mean", size);
        double[] variance = ReadNested(statistics, state, key, "var", size);
        double count = ParseDouble(statistics["count"], state, key + ".count");
        if (!(count > 0) || double.IsInfinity(count))
        {
            throw Invalid(state, key + ".count", "must be positive and finite", statistics["count"]);
        }

        for (int i = 0; i < size; i++)
        {
            if (!double.IsFinite(mean[i]) || !(variance[i] >= 0) || double.IsInfinity(variance[i]))
            {
                throw Invalid(state, $"{key}[{i}]", "must have a finite mean and a finite non-negative variance", statistics);
            }
        }

        return new RunningMeanStdState(mean, variance, count);
    }

    /// <summary>The snapshot of the env inside a wrapper, or <see cref="NotSupportedException"/> naming it when it cannot save one.</summary>
    /// <param name="inner">The wrapped env.</param>
    /// <param name="owner">The wrapper (named in the error).</param>
    public static JsonNode SaveInner(object inner, object owner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(owner);
        return inner is IStatefulEnv stateful
            ? stateful.SaveState()
            : throw new NotSupportedException(
                $"{owner} cannot save its state: the env it wraps, {inner.GetType().FullName}, does not implement IStatefulEnv. " +
                "Training works without it; only an exact resume from a checkpoint needs it.");
    }

    /// <summary>Loads the <see cref="InnerKey"/> snapshot of <paramref name="state"/> into the env inside a wrapper.</summary>
    /// <param name="inner">The wrapped env.</param>
    /// <param name="state">The wrapper's snapshot.</param>
    /// <param name="owner">The wrapper (named in the error).</param>
    public static void LoadInner(object inner, JsonObject state, object owner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(owner);
        if (inner is not IStatefulEnv stateful)
        {
            throw new NotSupportedException($"{owner} cannot load a state: the env it wraps, {inner.GetType().FullName}, does not implement IStatefulEnv.");
        }

        stateful.LoadState(ReadObject(state, InnerKey));
    }

    private static double[] ReadNested(JsonObject statistics, JsonObject state, string key, string field, int size)
    {
        if (statistics[field] is not JsonArray array)
        {
            throw Invalid(state, $"{key}.{field}", "must be an array", statistics[field]);
        }

        if (array.Count != size)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The state of a {TagOf(state)} has statistics of {array.Count} components in \"{key}.{field}\" but this env's have {size}: it was saved from an env with other observations."),
                StateParameter);
        }

        double[] values = new double[size];
        for (int i = 0; i < size; i++)
        {
            values[i] = ParseDouble(array[i], state, $"{key}.{field}[{i}]");
        }

        return values;
    }

    private static double ParseDouble(JsonNode? node, JsonObject state, string key)
    {
        if (node is JsonValue value)
        {
            switch (value.GetValueKind())
            {
                case JsonValueKind.Number:
                    // A node made in memory from an int is not readable as a double; its text always is.
                    return value.TryGetValue(out double number) ? number : double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
                case JsonValueKind.String:
                    switch (value.GetValue<string>())
                    {
                        case "NaN":
                            return double.NaN;
                        case "Infinity":
                            return double.PositiveInfinity;
                        case "-Infinity":
                            return double.NegativeInfinity;
                    }

                    break;
            }
        }

        throw Invalid(state, key, "must be a number (or \"NaN\", \"Infinity\", \"-Infinity\")", node);
    }

    private static long ParseInteger(JsonNode? node, JsonObject state, string key, long min, long max)
    {
        long number = 0;
        bool ok = node is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            && (value.TryGetValue(out number) || long.TryParse(value.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out number));
        if (!ok || number < min || number > max)
        {
            throw Invalid(state, key, string.Create(CultureInfo.InvariantCulture, $"must be an integer in [{min}, {max}]"), node);
        }

        return number;
    }

    private static string Hex(UInt128 value) => value.ToString("x32", CultureInfo.InvariantCulture);

    private static UInt128 ParseHex(JsonObject generator, string field, JsonObject state)
    {
        JsonNode? node = generator[field];
        return node is JsonValue value && value.TryGetValue(out string? text) && text.Length is > 0 and <= 32
            && UInt128.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out UInt128 number)
            ? number
            : throw Invalid(state, "generator " + field, "must be a 128-bit hex string (up to 32 hex digits)", node);
    }

    private static ArgumentException Invalid(JsonObject state, string key, string expectation, JsonNode? found) =>
        new($"The state of a {TagOf(state)} is malformed: \"{key}\" {expectation}, but is {Describe(found)}.", StateParameter);

    private static ArgumentException SettingMismatch(JsonObject state, string key, string saved, string expected) =>
        new($"The state of a {TagOf(state)} was saved with {key} = {saved}, but this env has {key} = {expected}; it would not continue the same way. Build the env with the settings of the one that was saved.", StateParameter);

    private static string TagOf(JsonObject state)
    {
        // Nested objects (a generator, statistics) carry no tag: name the nearest tagged ancestor.
        for (JsonNode? node = state; node is not null; node = node.Parent)
        {
            if (node is JsonObject o && o[TypeKey] is JsonValue tag && tag.TryGetValue(out string? text))
            {
                return text;
            }
        }

        return "env";
    }

    private static string Describe(JsonNode? node)
    {
        if (node is null)
        {
            return "missing (null)";
        }

        string json = node.ToJsonString();
        return json.Length <= 80 ? json : json[..77] + "...";
    }
}
