namespace SharpRL.Spaces;

/// <summary>Argument checks shared by the spaces.</summary>
internal static class SpaceValidation
{
    public static void CheckLength(ReadOnlySpan<float> value, int expected, string parameterName)
    {
        if (value.Length != expected)
        {
            throw new ArgumentException($"Expected a span of {expected} floats (the space's FlatSize), got {value.Length}.", parameterName);
        }
    }

    public static void CheckLength(Span<float> value, int expected, string parameterName)
        => CheckLength((ReadOnlySpan<float>)value, expected, parameterName);

    /// <summary>Adds every element of <paramref name="values"/> to <paramref name="hash"/>, in order.</summary>
    public static void AddAll<T>(ref HashCode hash, ReadOnlySpan<T> values)
    {
        foreach (T value in values)
        {
            hash.Add(value);
        }
    }

    public static string ShapeToString(IReadOnlyList<int> shape)
        => shape.Count == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
}
