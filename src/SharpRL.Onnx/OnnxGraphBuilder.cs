using System.Globalization;
using Google.Protobuf;
using Onnx;

namespace SharpRL.Onnx;

/// <summary>
/// Adds nodes, initializers and typed inputs/outputs to an ONNX <see cref="GraphProto"/> (OnnxSharp's
/// generated classes), naming intermediate values uniquely. Every input and output gets a full
/// shape, with the symbolic batch dimension <see cref="BatchDimension"/>.
/// </summary>
internal sealed class OnnxGraphBuilder(string graphName)
{
    public const string BatchDimension = "batch";

    private int _counter;

    public GraphProto Graph { get; } = new() { Name = graphName };

    /// <summary>A float32 constant tensor of the given shape (empty shape: a scalar).</summary>
    public string Initializer(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        byte[] raw = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BitConverter.TryWriteBytes(raw.AsSpan(i * sizeof(float)), values[i]);
        }

        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.AddRange(dims);
        Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>An int64 constant tensor (shapes, axes, slice bounds).</summary>
    public string InitializerInt64(string name, ReadOnlySpan<long> values, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Int64Data.AddRange(values.ToArray());
        tensor.Dims.AddRange(dims);
        Graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Appends a node; its output is <paramref name="output"/>, or a fresh name from <paramref name="opType"/>.</summary>
    public string Node(string opType, IReadOnlyList<string> inputs, string? output = null, params AttributeProto[] attributes)
    {
        string name = output ?? Fresh(opType.ToLowerInvariant());
        var node = new NodeProto { OpType = opType, Name = Fresh("n_" + opType.ToLowerInvariant()) };
        node.Input.AddRange(inputs);
        node.Output.Add(name);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return name;
    }

    /// <summary>A graph output that is a constant float32 tensor (ML-Agents' version and shape constants).</summary>
    public void ConstantOutput(string name, ReadOnlySpan<float> values)
    {
        byte[] raw = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BitConverter.TryWriteBytes(raw.AsSpan(i * sizeof(float)), values[i]);
        }

        var tensor = new TensorProto { Name = name + "_value", DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.Add(values.Length);
        Node("Constant", [], name, TensorAttribute("value", tensor));
        Output(name, TensorProto.Types.DataType.Float, values.Length);
    }

    public void Input(string name, TensorProto.Types.DataType type, params object[] dims) => Graph.Input.Add(ValueInfo(name, type, dims));

    public void Output(string name, TensorProto.Types.DataType type, params object[] dims) => Graph.Output.Add(ValueInfo(name, type, dims));

    public static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto FloatAttribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto TensorAttribute(string name, TensorProto value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };

    public string Fresh(string hint) => string.Create(CultureInfo.InvariantCulture, $"{hint}_{_counter++}");

    // dims: a string is a symbolic dimension, an int a fixed one.
    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (object dim in dims)
        {
            shape.Dim.Add(dim switch
            {
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                int size => new TensorShapeProto.Types.Dimension { DimValue = size },
                _ => throw new ArgumentException($"a dimension must be a string (symbolic) or an int; got {dim.GetType().Name}.", nameof(dims)),
            });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
