namespace SharpRL.Datasets;

/// <summary>
/// Spaces as Minari 0.5 serialises them into metadata.json (<c>minari/serialization.py</c>): a JSON
/// object as a string, e.g. <c>{"type": "Discrete", "dtype": "int64", "start": 0, "n": 2}</c> or
/// <c>{"type": "Box", "dtype": "float32", "shape": [3], "low": [...], "high": [...]}</c>, where a Box's
/// bounds are the float32 values widened to float64 (NumPy's <c>tolist()</c>), nested by shape, with
/// <c>Infinity</c> for unbounded dimensions. Box, Discrete and MultiDiscrete are supported; Dict,
/// Tuple, Text and MultiBinary (which SharpRL's envs do not have) are refused with a message.
/// </summary>
public static class MinariSpaces
{
    /// <summary>The space as Minari's serialised JSON string.</summary>
    public static string Serialize(Space space)
    {
        ArgumentNullException.ThrowIfNull(space);
        JsonObject node = space switch
        {
            Box box => new JsonObject
            {
                ["type"] = "Box",
                ["dtype"] = "float32",
                ["shape"] = new JsonArray([.. box.Shape.Select(d => (JsonNode)JsonValue.Create(d))]),
                ["low"] = Nest(box.Low.ToArray(), box.Shape),
                ["high"] = Nest(box.High.ToArray(), box.Shape),
            },
            Discrete discrete => new JsonObject
            {
                ["type"] = "Discrete",
                ["dtype"] = "int64",
                ["start"] = discrete.Start,
                ["n"] = discrete.N,
            },
            MultiDiscrete multi => new JsonObject
            {
                ["type"] = "MultiDiscrete",
                ["dtype"] = "int64",
                ["nvec"] = new JsonArray([.. multi.Nvec.Select(n => (JsonNode)JsonValue.Create(n))]),
                ["start"] = new JsonArray([.. multi.Start.Select(s => (JsonNode)JsonValue.Create(s))]),
            },
            _ => throw new ArgumentException($"Space {space} cannot be written to a Minari dataset; expected Box, Discrete or MultiDiscrete.", nameof(space)),
        };
        return PythonJson.Serialize(node);
    }

    /// <summary>Parses Minari's serialised space; <paramref name="what"/> names it in errors.</summary>
    public static Space Deserialize(string json, string what)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonObject node = PythonJson.Parse(json) as JsonObject ?? throw new FormatException($"{what} is not a JSON object: {json}");
        string type = node["type"]?.GetValue<string>() ?? throw new FormatException($"{what} has no \"type\": {json}");
        switch (type)
        {
            case "Box":
                string dtype = node["dtype"]?.GetValue<string>() ?? "float32";
                if (dtype != "float32")
                {
                    throw new FormatException($"{what} is a Box of dtype {dtype}; SharpRL's Box spaces are float32.");
                }

                int[] shape = Ints(node["shape"], $"{what}.shape");
                float[] low = [.. Flatten(node["low"], $"{what}.low").Select(x => (float)x)];
                float[] high = [.. Flatten(node["high"], $"{what}.high").Select(x => (float)x)];
                return new Box(low, high, shape);
            case "Discrete":
                return new Discrete(node["n"]?.GetValue<int>() ?? throw new FormatException($"{what} has no \"n\"."), node["start"]?.GetValue<int>() ?? 0);
            case "MultiDiscrete":
                int[] nvec = Ints(node["nvec"], $"{what}.nvec");
                int[]? start = node["start"] is null ? null : Ints(node["start"], $"{what}.start");
                return new MultiDiscrete(nvec, start);
            default:
                throw new FormatException($"{what} is a {type} space; SharpRL reads Box, Discrete and MultiDiscrete spaces.");
        }
    }

    private static JsonNode Nest(float[] values, IReadOnlyList<int> shape)
    {
        int index = 0;
        return Build(0);

        JsonNode Build(int axis)
        {
            var array = new JsonArray();
            for (int i = 0; i < shape[axis]; i++)
            {
                array.Add(axis == shape.Count - 1 ? JsonValue.Create((double)values[index++]) : Build(axis + 1));
            }

            return array;
        }
    }

    private static List<double> Flatten(JsonNode? node, string what)
    {
        var result = new List<double>();
        Visit(node);
        return result;

        void Visit(JsonNode? n)
        {
            if (n is JsonArray array)
            {
                foreach (JsonNode? child in array)
                {
                    Visit(child);
                }
            }
            else
            {
                result.Add(PythonJson.ReadDouble(n, what));
            }
        }
    }

    private static int[] Ints(JsonNode? node, string what) =>
        node is JsonArray array
            ? [.. array.Select(n => n?.GetValue<int>() ?? throw new FormatException($"{what} holds a null."))]
            : throw new FormatException($"{what} is {node?.ToJsonString() ?? "missing"}; expected a list of integers.");
}
