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
    public static string HeaderName(this SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.F32 => "F32",
        SafeTensorDType.F64 => "F64",
        SafeTensorDType.I32 => "I32",
        SafeTensorDType.I64 => "I64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown safetensors dtype."),
    };

    /// <summary>Parses a header dtype name; false for a name this library does not support.</summary>
    /// <param name="name">The dtype string from the JSON header.</param>
    /// <param name="dtype">The parsed element type.</param>
    public static bool TryParseHeaderName(string? name, out SafeTensorDType dtype)
    {
        switch (name)
        {
            case "F32":
                dtype = SafeTensorDType.F32;
                return true;
            case "F64":
                dtype = SafeTensorDType.F64;
                return true;
            case "I32":
                dtype = SafeTensorDType.I32;
                return true;
            case "I64":
                dtype = SafeTensorDType.I64;
                return true;
            default:
                dtype = default;
                return false;
        }
    }
}
