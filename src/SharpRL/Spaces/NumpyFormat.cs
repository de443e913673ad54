namespace SharpRL.Spaces;

/// <summary>
/// Formats float32 values and arrays the way NumPy's <c>str()</c> does, so that space
/// descriptions read like Gymnasium's (e.g. "Box(-1.0, 1.0, (3,), float32)").
/// </summary>
internal static class NumpyFormat
{
    /// <summary>NumPy scalar str: shortest round-trip digits, positional for 1e-4 ≤ |x| &lt; 1e16.</summary>
    public static string Scalar(float value)
    {
        if (!float.IsFinite(value))
        {
            return NonFinite(value);
        }

        double magnitude = Math.Abs((double)value);
        return value == 0 || (magnitude >= 1e-4 && magnitude < 1e16) ? Positional(value) : ScientificShortest(value);
    }

    /// <summary>NumPy array str for a 1-D float32 array, e.g. "[-1.2  -0.07]" or "[4.8000002e+00 3.4028235e+38]".</summary>
    public static string Array(ReadOnlySpan<float> values)
    {
        double maxMagnitude = 0;
        double minMagnitude = double.PositiveInfinity;
        foreach (float v in values)
        {
            if (float.IsFinite(v) && v != 0)
            {
                double magnitude = Math.Abs((double)v);
                maxMagnitude = Math.Max(maxMagnitude, magnitude);
                minMagnitude = Math.Min(minMagnitude, magnitude);
            }
        }

        // NumPy switches the whole array to scientific notation when magnitudes are extreme or spread out.
        bool scientific = maxMagnitude >= 1e8 || (maxMagnitude > 0 && (minMagnitude < 1e-4 || maxMagnitude / minMagnitude > 1e3));
        var parts = new string[values.Length];
        if (scientific)
        {
            int digits = 0;
            foreach (float v in values)
            {
                if (float.IsFinite(v))
                {
                    string mantissa = ScientificShortest(v).Split('e')[0];
                    int dot = mantissa.IndexOf('.', StringComparison.Ordinal);
                    digits = Math.Max(digits, dot < 0 ? 0 : mantissa.Length - dot - 1);
                }
            }

            for (int i = 0; i < values.Length; i++)
            {
                parts[i] = float.IsFinite(values[i]) ? Scientific(values[i], digits) : NonFinite(values[i]);
            }
        }
        else
        {
            int left = 0;
            int right = 0;
            var positional = new string[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                {
                    continue;
                }

                string text = Positional(values[i]);
                if (text.EndsWith(".0", StringComparison.Ordinal))
                {
                    text = text[..^1];
                }

                positional[i] = text;
                int dot = text.IndexOf('.', StringComparison.Ordinal);
                left = Math.Max(left, dot);
                right = Math.Max(right, text.Length - dot - 1);
            }

            for (int i = 0; i < values.Length; i++)
            {
                if (positional[i] is { } text)
                {
                    int dot = text.IndexOf('.', StringComparison.Ordinal);
                    parts[i] = new string(' ', left - dot) + text + new string(' ', right - (text.Length - dot - 1));
                }
                else
                {
                    parts[i] = NonFinite(values[i]);
                }
            }
        }

        int width = parts.Max(p => p.Length);
        return "[" + string.Join(" ", parts.Select(p => p.PadLeft(width))) + "]";
    }

    private static string NonFinite(float value) => float.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";

    private static string Positional(float value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        if (text.Contains('E', StringComparison.Ordinal))
        {
            // .NET switches to exponent notation earlier than NumPy; expand it exactly.
            text = ((decimal)double.Parse(text, CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture);
        }

        return text.Contains('.', StringComparison.Ordinal) ? text : text + ".0";
    }

    private static string ScientificShortest(float value)
    {
        string shortest = value.ToString("R", CultureInfo.InvariantCulture);

        // Count the significant digits of the shortest round-trip form, then print that many.
        string digitsOnly = shortest.Split('E')[0].Replace("-", string.Empty, StringComparison.Ordinal).Replace(".", string.Empty, StringComparison.Ordinal).TrimStart('0').TrimEnd('0');
        int significant = Math.Max(1, digitsOnly.Length);
        return Scientific(value, significant - 1);
    }

    private static string Scientific(float value, int fractionDigits)
    {
        string text = value.ToString("E" + fractionDigits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        int e = text.IndexOf('E', StringComparison.Ordinal);
        string mantissa = text[..e];
        char sign = text[e + 1];
        string exponent = text[(e + 2)..].TrimStart('0').PadLeft(2, '0');
        return mantissa + "e" + sign + exponent;
    }
}
