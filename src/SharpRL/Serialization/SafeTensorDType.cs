namespace SharpRL.Serialization;

/// <summary>Element types this library reads and writes in safetensors files (the names are the format's).</summary>
public enum SafeTensorDType
{
    /// <summary>32-bit IEEE float ("F32"): weights and optimiser moments.</summary>
    F32,

    /// <summary>64-bit IEEE float ("F64"): normaliser statistics and double-precision test models.</summary>
    F64,

    /// <summary>32-bit signed integer ("I32").</summary>
    I32,

    /// <summary>64-bit signed integer ("I64").</summary>
    I64,
}

/// <summary>Sizes and names of <see cref="SafeTensorDType"/> values.</summary>
public static class SafeTensorDTypeExtensions
{
    // The header names, indexed by the enum's value: one table read in both directions.
    private static readonly string[] HeaderNames = ["F32", "F64", "I32", "I64"];

    /// <summary>Bytes per element.</summary>
    /// <param name="dtype">The element type.</param>
    public static int ElementSize(this SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.F32 or SafeTensorDType.I32 => 4,
        SafeTensorDType.F64 or SafeTensorDType.I64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown safetensors dtype."),
    };

    /// <summary>The dtype's name in the JSON header ("F32", …).</summary>
    /// <param name="dtype">The element type.</param>
    public static string HeaderName(this SafeTensorDType dtype)
        => (uint)dtype < (uint)HeaderNames.Length
            ? HeaderNames[(int)dtype]
            : throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown safetensors dtype.");

    /// <summary>Parses a header dtype name; false for a name this library does not support.</summary>
    /// <param name="name">The dtype string from the JSON header.</param>
    /// <param name="dtype">The parsed element type.</param>
    public static bool TryParseHeaderName(string? name, out SafeTensorDType dtype)
    {
        int index = Array.IndexOf(HeaderNames, name);
        dtype = index >= 0 ? (SafeTensorDType)index : default;
        return index >= 0;
    }
}
