using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace SharpRL.Serialization;

/// <summary>
/// One named tensor as safetensors stores it: element type, shape, and the elements as
/// little-endian bytes in row-major (C) order. Immutable.
/// </summary>
public sealed class SafeTensor
{
    private readonly byte[] _data;
    private readonly int[] _shape;

    private SafeTensor(string name, SafeTensorDType dtype, int[] shape, byte[] data)
    {
        Name = name;
        DType = dtype;
        _shape = shape;
        _data = data;
    }

    /// <summary>The tensor's key in the file, e.g. "policy.0.weight".</summary>
    public string Name { get; }

    /// <summary>Element type.</summary>
    public SafeTensorDType DType { get; }

    /// <summary>Dimensions, outermost first; empty for a scalar.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>Number of elements (the product of <see cref="Shape"/>; 1 for a scalar).</summary>
    public int ElementCount => _data.Length / DType.ElementSize();

    /// <summary>The elements as stored: little-endian, row-major.</summary>
    public ReadOnlySpan<byte> RawData => _data;

    /// <summary>
    /// Creates a tensor from values of type float (stored F32), double (F64), int (I32) or long (I64).
    /// </summary>
    /// <param name="name">Key in the file; not empty and not "__metadata__".</param>
    /// <param name="values">Row-major elements; their count must equal the product of <paramref name="shape"/>.</param>
    /// <param name="shape">Dimensions, each at least 0; empty for a scalar.</param>
    public static SafeTensor Create<T>(string name, ReadOnlySpan<T> values, params IReadOnlyList<int> shape)
        where T : unmanaged
    {
        SafeTensorDType dtype = DTypeOf<T>();
        ValidateName(name);
        ArgumentNullException.ThrowIfNull(shape);
        int[] dims = [.. shape];
        long count = 1;
        foreach (int dim in dims)
        {
            if (dim < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(shape), dim, $"Every dimension of tensor '{name}' must be non-negative; got shape {FormatShape(dims)}.");
            }

            count *= dim;
        }

        if (count != values.Length)
        {
            throw new ArgumentException($"Tensor '{name}' has shape {FormatShape(dims)} = {count} elements but {values.Length} values were given.", nameof(values));
        }

        byte[] data = MemoryMarshal.AsBytes(values).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            ReverseElementBytes(data, dtype.ElementSize());
        }

        return new SafeTensor(name, dtype, dims, data);
    }

    /// <summary>Creates a tensor holding a parameter's current value under its name, with an optional prefix.</summary>
    /// <param name="parameter">The parameter to store.</param>
    /// <param name="prefix">Prepended to the name, e.g. "target." for a target network.</param>
    public static SafeTensor FromParameter<T>(Parameter<T> parameter, string prefix = "")
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(prefix);
        return Create<T>(prefix + parameter.Name, parameter.Value, parameter.Shape);
    }

    /// <summary>
    /// Copies the elements into <paramref name="destination"/>, converting from the stored type
    /// (e.g. F64 into float) when it differs from <typeparamref name="T"/>.
    /// </summary>
    /// <param name="destination">Exactly <see cref="ElementCount"/> elements.</param>
    public void CopyTo<T>(Span<T> destination)
        where T : unmanaged, INumberBase<T>
    {
        if (destination.Length != ElementCount)
        {
            throw new ArgumentException($"destination holds {destination.Length} elements but tensor '{Name}' has {ElementCount}.", nameof(destination));
        }

        if (BitConverter.IsLittleEndian && TryDTypeOf<T>(out SafeTensorDType own) && own == DType)
        {
            _data.AsSpan().CopyTo(MemoryMarshal.AsBytes(destination));
            return;
        }

        ReadOnlySpan<byte> data = _data;
        int size = DType.ElementSize();
        for (int i = 0; i < destination.Length; i++)
        {
            ReadOnlySpan<byte> element = data.Slice(i * size, size);
            destination[i] = DType switch
            {
                SafeTensorDType.F32 => T.CreateChecked(BinaryPrimitives.ReadSingleLittleEndian(element)),
                SafeTensorDType.F64 => T.CreateChecked(BinaryPrimitives.ReadDoubleLittleEndian(element)),
                SafeTensorDType.I32 => T.CreateChecked(BinaryPrimitives.ReadInt32LittleEndian(element)),
                _ => T.CreateChecked(BinaryPrimitives.ReadInt64LittleEndian(element)),
            };
        }
    }

    /// <summary>The elements as a new array of <typeparamref name="T"/>, converted if the stored type differs.</summary>
    public T[] ToArray<T>()
        where T : unmanaged, INumberBase<T>
    {
        var result = new T[ElementCount];
        CopyTo<T>(result);
        return result;
    }

    /// <summary>Whether <see cref="Shape"/> equals <paramref name="shape"/>.</summary>
    /// <param name="shape">The expected dimensions.</param>
    public bool HasShape(IReadOnlyList<int> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Count != _shape.Length)
        {
            return false;
        }

        for (int i = 0; i < _shape.Length; i++)
        {
            if (shape[i] != _shape[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Formats a shape as "[2, 3]".</summary>
    /// <param name="shape">The dimensions.</param>
    public static string FormatShape(IEnumerable<int> shape) => $"[{string.Join(", ", shape)}]";

    /// <summary>Wraps bytes already validated by the reader (little-endian, length = count × size).</summary>
    internal static SafeTensor FromValidatedBytes(string name, SafeTensorDType dtype, int[] shape, byte[] data) =>
        new(name, dtype, shape, data);

    internal static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name == SafeTensors.MetadataKey)
        {
            throw new ArgumentException($"A tensor name must be non-empty and not '{SafeTensors.MetadataKey}'; got '{name}'.", nameof(name));
        }
    }

    private static SafeTensorDType DTypeOf<T>()
        where T : unmanaged =>
        TryDTypeOf<T>(out SafeTensorDType dtype)
            ? dtype
            : throw new ArgumentException($"Element type {typeof(T).Name} has no safetensors dtype here; use float, double, int or long.", nameof(T));

    private static bool TryDTypeOf<T>(out SafeTensorDType dtype)
    {
        if (typeof(T) == typeof(float))
        {
            dtype = SafeTensorDType.F32;
        }
        else if (typeof(T) == typeof(double))
        {
            dtype = SafeTensorDType.F64;
        }
        else if (typeof(T) == typeof(int))
        {
            dtype = SafeTensorDType.I32;
        }
        else if (typeof(T) == typeof(long))
        {
            dtype = SafeTensorDType.I64;
        }
        else
        {
            dtype = default;
            return false;
        }

        return true;
    }

    private static void ReverseElementBytes(byte[] data, int size)
    {
        for (int i = 0; i < data.Length; i += size)
        {
            data.AsSpan(i, size).Reverse();
        }
    }
}
