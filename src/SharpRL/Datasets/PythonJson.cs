using System.Text;

namespace SharpRL.Datasets;

/// <summary>
/// JSON as Python's <c>json.dumps</c> writes it (Minari writes metadata.json and the serialised
/// spaces that way): ", " and ": " separators, floats in <c>repr</c> form ("1.0", "1e-05"), and the
/// non-standard literals <c>Infinity</c>, <c>-Infinity</c> and <c>NaN</c> for non-finite numbers
/// (a Box with unbounded dimensions contains them). Reading accepts those literals too.
/// </summary>
internal static class PythonJson
{
    /// <summary>Python's <c>repr(float)</c> of <paramref name="value"/>: shortest round-trip digits.</summary>
    public static string Float(double value)
    {
        if (double.IsPositiveInfinity(value))
        {
            return "Infinity";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "-Infinity";
        }

        if (double.IsNaN(value))
        {
            return "NaN";
        }

        string text = value.ToString("R", CultureInfo.InvariantCulture);
        int e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return text.Contains('.', StringComparison.Ordinal) ? text : text + ".0";
        }

        // .NET "1.5E-05" → Python "1.5e-05" (exponent with a sign and at least two digits).
        string mantissa = text[..e];
        int exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{mantissa}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}");
    }

    /// <summary>A JSON string literal with Python's default escaping (non-ASCII as \uXXXX).</summary>
    public static string String(string value)
    {
        var builder = new StringBuilder(value.Length + 2);
        builder.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e)
                    {
                        builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
        return builder.ToString();
    }

    /// <summary>Writes a node with Python's separators (objects keep their insertion order).</summary>
    public static string Serialize(JsonNode? node)
    {
        var builder = new StringBuilder();
        Write(node, builder);
        return builder.ToString();
    }

    /// <summary>
    /// Parses JSON that may contain Python's <c>Infinity</c>, <c>-Infinity</c> and <c>NaN</c>
    /// literals: they become the strings "Infinity", "-Infinity" and "NaN", which
    /// <see cref="ReadDouble"/> understands.
    /// </summary>
    public static JsonNode? Parse(string json)
    {
        var builder = new StringBuilder(json.Length + 16);
        bool inString = false;
        for (int i = 0; i < json.Length; i++)
        {
            char c = json[i];
            if (inString)
            {
                builder.Append(c);
                if (c == '\\' && i + 1 < json.Length)
                {
                    builder.Append(json[++i]);
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            if (c == '"')
            {
                inString = true;
                builder.Append(c);
            }
            else if (TryLiteral(json, i, "-Infinity") || TryLiteral(json, i, "Infinity") || TryLiteral(json, i, "NaN"))
            {
                string literal = json[i] == '-' ? "-Infinity" : json[i] == 'I' ? "Infinity" : "NaN";
                builder.Append('"').Append(literal).Append('"');
                i += literal.Length - 1;
            }
            else
            {
                builder.Append(c);
            }
        }

        return JsonNode.Parse(builder.ToString());
    }

    /// <summary>A number, or one of the strings "Infinity", "-Infinity", "NaN".</summary>
    public static double ReadDouble(JsonNode? node, string what)
    {
        if (node is JsonValue value)
        {
            if (value.TryGetValue(out double number))
            {
                return number;
            }

            if (value.TryGetValue(out string? text))
            {
                switch (text)
                {
                    case "Infinity": return double.PositiveInfinity;
                    case "-Infinity": return double.NegativeInfinity;
                    case "NaN": return double.NaN;
                }
            }
        }

        throw new FormatException($"{what} is {node?.ToJsonString() ?? "missing"}; expected a number.");
    }

    private static bool TryLiteral(string json, int index, string literal) =>
        string.CompareOrdinal(json, index, literal, 0, literal.Length) == 0;

    private static void Write(JsonNode? node, StringBuilder builder)
    {
        switch (node)
        {
            case null:
                builder.Append("null");
                break;
            case JsonObject obj:
                builder.Append('{');
                bool first = true;
                foreach (KeyValuePair<string, JsonNode?> pair in obj)
                {
                    builder.Append(first ? string.Empty : ", ").Append(String(pair.Key)).Append(": ");
                    Write(pair.Value, builder);
                    first = false;
                }

                builder.Append('}');
                break;
            case JsonArray array:
                builder.Append('[');
                for (int i = 0; i < array.Count; i++)
                {
                    builder.Append(i == 0 ? string.Empty : ", ");
                    Write(array[i], builder);
                }

                builder.Append(']');
                break;
            case JsonValue value:
                WriteValue(value, builder);
                break;
        }
    }

    private static void WriteValue(JsonValue value, StringBuilder builder)
    {
        if (value.TryGetValue(out bool flag))
        {
            builder.Append(flag ? "true" : "false");
        }
        else if (value.TryGetValue(out long integer))
        {
            builder.Append(integer.ToString(CultureInfo.InvariantCulture));
        }
        else if (value.TryGetValue(out int small))
        {
            builder.Append(small.ToString(CultureInfo.InvariantCulture));
        }
        else if (value.TryGetValue(out double number))
        {
            builder.Append(Float(number));
        }
        else if (value.TryGetValue(out float single))
        {
            builder.Append(Float(single));
        }
        else if (value.TryGetValue(out string? text))
        {
            builder.Append(String(text));
        }
        else
        {
            builder.Append(value.ToJsonString());
        }
    }
}
