namespace SharpRL.Algorithms.Common;

/// <summary>
/// A hyperparameter that may change over training, as a function of the remaining progress
/// p = 1 − timesteps / total (1 at the start, 0 at the end), like SB3's schedules.
/// Written as a number ("3e-4") or "lin_&lt;start&gt;" for a linear decay from start to 0
/// (rl-zoo's notation), or "lin_&lt;start&gt;_&lt;end&gt;".
/// </summary>
public sealed record Schedule(double Start, double End, bool Linear)
{
    /// <summary>A constant value.</summary>
    public static Schedule Constant(double value) => new(value, value, false);

    /// <summary>Linear from <paramref name="start"/> (p = 1) to <paramref name="end"/> (p = 0).</summary>
    public static Schedule LinearDecay(double start, double end = 0) => new(start, end, true);

    /// <summary>The value at remaining progress <paramref name="progressRemaining"/> ∈ [0, 1].</summary>
    public double ValueAt(double progressRemaining) =>
        Linear ? End + ((Start - End) * Math.Clamp(progressRemaining, 0, 1)) : Start;

    /// <summary>Parses "0.001", "lin_1e-3" or "lin_1e-3_1e-5".</summary>
    public static Schedule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        if (trimmed.StartsWith("lin_", StringComparison.OrdinalIgnoreCase))
        {
            string[] parts = trimmed[4..].Split('_');
            if (parts.Length is 1 or 2 && TryNumber(parts[0], out double start))
            {
                double end = 0;
                if (parts.Length == 1 || TryNumber(parts[1], out end))
                {
                    return LinearDecay(start, end);
                }
            }
        }
        else if (TryNumber(trimmed, out double constant))
        {
            return Constant(constant);
        }

        throw new FormatException($"'{text}' is not a schedule; expected a number (e.g. 3e-4) or lin_<start>[_<end>] (e.g. lin_1e-3).");
    }

    /// <inheritdoc />
    public override string ToString() => Linear
        ? (End == 0 ? $"lin_{Format(Start)}" : $"lin_{Format(Start)}_{Format(End)}")
        : Format(Start);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
