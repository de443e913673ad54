using System.Collections.Generic;
using System.Text;

namespace SharpRL.Inference;

/// <summary>
/// The compact policy file (<c>.srlp</c>) that <see cref="Agent.Load(string, int?)"/> reads and
/// <c>sharprl export --format sharprl</c> writes: one little-endian binary file holding a
/// <see cref="PolicyModel"/>, readable with nothing but the base class library.
/// </summary>
/// <remarks>
/// Layout, version 1 (every integer int32, every float IEEE float32, every double float64):
/// <code>
/// "SRLPOLICY" (9 ASCII bytes)  version
/// observationSize
/// isDiscreteObservation (byte 0/1) [count start]
/// hasNormalizer (byte 0/1) [clip(double) mean(double × obs) scale(double × obs)]
/// network policy   hasValue (byte 0/1) [network value]
/// head (0 Categorical, 1 MultiCategorical, 2 DiagGaussian, 3 DeterministicTanh, 4 SquashedGaussian)
/// discrete: components  categoryCounts(int × components)  actionStart(float × components)
/// gaussian: d  logStd(float × d)  low(float × d)  high(float × d)
/// tanh heads: d  low(float × d)  high(float × d)
/// network = activation (0 tanh, 1 relu)  layers  then per layer: in  out  W(float × in·out, row-major [in × out])  b(float × out)
/// </code>
/// </remarks>
public static class PolicyModelFile
{
    /// <summary>The file's format version this build writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>The usual file extension.</summary>
    public const string Extension = ".srlp";

    private const int MaxCount = 1 << 24;
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("SRLPOLICY");

    /// <summary>Writes <paramref name="model"/> to <paramref name="stream"/>.</summary>
    public static void Write(PolicyModel model, Stream stream)
    {
        if (model is null)
        {
            throw new ArgumentNullException(nameof(model));
        }

        using var writer = new BinaryWriter(stream ?? throw new ArgumentNullException(nameof(stream)), Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(model.ObservationSize);
        writer.Write(model.DiscreteObservation is null ? (byte)0 : (byte)1);
        if (model.DiscreteObservation is { } discrete)
        {
            writer.Write(discrete.Count);
            writer.Write(discrete.Start);
        }

        writer.Write(model.Normalizer is null ? (byte)0 : (byte)1);
        if (model.Normalizer is { } normalizer)
        {
            writer.Write(normalizer.Clip);
            foreach (double m in normalizer.Mean)
            {
                writer.Write(m);
            }

            foreach (double s in normalizer.Scale)
            {
                writer.Write(s);
            }
        }

        WriteNetwork(writer, model.Policy);
        writer.Write(model.Value is null ? (byte)0 : (byte)1);
        if (model.Value is not null)
        {
            WriteNetwork(writer, model.Value);
        }

        writer.Write((int)model.Head);
        if (model.IsDiscrete)
        {
            writer.Write(model.CategoryCounts.Length);
            foreach (int n in model.CategoryCounts)
            {
                writer.Write(n);
            }

            WriteFloats(writer, model.ActionStart);
        }
        else
        {
            writer.Write(model.ActionSize);
            if (model.Head == ActionHead.DiagGaussian)
            {
                WriteFloats(writer, model.LogStd);
            }

            WriteFloats(writer, model.ActionLow);
            WriteFloats(writer, model.ActionHigh);
        }
    }

    /// <summary>Reads a model written by <see cref="Write"/>.</summary>
    /// <param name="stream">The file's bytes.</param>
    /// <param name="sourceName">Named in error messages (e.g. the path).</param>
    /// <exception cref="InvalidDataException">Not a SharpRL policy file, a newer version, truncated, or inconsistent.</exception>
    public static PolicyModel Read(Stream stream, string sourceName = "stream")
    {
        using var reader = new BinaryReader(stream ?? throw new ArgumentNullException(nameof(stream)), Encoding.UTF8, leaveOpen: true);
        try
        {
            byte[] magic = reader.ReadBytes(Magic.Length);
            if (!magic.AsSpan().SequenceEqual(Magic))
            {
                throw new InvalidDataException($"'{sourceName}' is not a SharpRL policy file (it does not start with \"SRLPOLICY\"; export one with `sharprl export <run> --format sharprl`).");
            }

            int version = reader.ReadInt32();
            if (version < 1 || version > FormatVersion)
            {
                throw new InvalidDataException($"'{sourceName}' is a SharpRL policy file of version {version}; this build reads version 1 to {FormatVersion} (written by a newer SharpRL?).");
            }

            int observationSize = ReadCount(reader, sourceName, "observation size");
            DiscreteObservation? discreteObservation = null;
            if (ReadFlag(reader, sourceName, "discrete observation flag"))
            {
                discreteObservation = new DiscreteObservation(ReadCount(reader, sourceName, "observation count"), reader.ReadInt32());
            }

            ObservationNormalizer? normalizer = null;
            if (ReadFlag(reader, sourceName, "normaliser flag"))
            {
                double clip = reader.ReadDouble();
                double[] mean = ReadDoubles(reader, observationSize);
                double[] scale = ReadDoubles(reader, observationSize);
                normalizer = new ObservationNormalizer(mean, scale, clip);
            }

            DenseNetwork policy = ReadNetwork(reader, sourceName);
            DenseNetwork? value = ReadFlag(reader, sourceName, "value flag") ? ReadNetwork(reader, sourceName) : null;
            var head = (ActionHead)reader.ReadInt32();
            int[] counts = [];
            float[] start = [], logStd = [], low = [], high = [];
            if (head is ActionHead.Categorical or ActionHead.MultiCategorical)
            {
                int components = ReadCount(reader, sourceName, "action components");
                counts = new int[components];
                for (int k = 0; k < components; k++)
                {
                    counts[k] = ReadCount(reader, sourceName, "category count");
                }

                start = ReadFloats(reader, components);
            }
            else if (head is ActionHead.DiagGaussian or ActionHead.DeterministicTanh or ActionHead.SquashedGaussian)
            {
                int d = ReadCount(reader, sourceName, "action dimension");
                logStd = head == ActionHead.DiagGaussian ? ReadFloats(reader, d) : [];
                low = ReadFloats(reader, d);
                high = ReadFloats(reader, d);
            }
            else
            {
                throw new InvalidDataException($"'{sourceName}' names action head {(int)head}; this build knows 0 (Categorical), 1 (MultiCategorical), 2 (DiagGaussian), 3 (DeterministicTanh) and 4 (SquashedGaussian).");
            }

            return new PolicyModel(observationSize, normalizer, policy, value, head, counts, start, logStd, low, high, discreteObservation);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"'{sourceName}' is truncated: the policy file ends before its last layer.", e);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"'{sourceName}' holds an inconsistent policy: {e.Message}", e);
        }
    }

    /// <summary>Reads the policy file at <paramref name="path"/>.</summary>
    public static PolicyModel Read(string path)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        using FileStream stream = File.OpenRead(path);
        return Read(stream, path);
    }

    private static void WriteNetwork(BinaryWriter writer, DenseNetwork network)
    {
        writer.Write((int)network.Activation);
        writer.Write(network.Layers.Count);
        foreach (DenseLayer layer in network.Layers)
        {
            writer.Write(layer.InputSize);
            writer.Write(layer.OutputSize);
            WriteFloats(writer, layer.Weight);
            WriteFloats(writer, layer.Bias);
        }
    }

    private static DenseNetwork ReadNetwork(BinaryReader reader, string sourceName)
    {
        var activation = (HiddenActivation)reader.ReadInt32();
        int count = ReadCount(reader, sourceName, "layer count");
        var layers = new List<DenseLayer>(count);
        for (int l = 0; l < count; l++)
        {
            int input = ReadCount(reader, sourceName, "layer input size");
            int output = ReadCount(reader, sourceName, "layer output size");
            if ((long)input * output > MaxCount)
            {
                throw new InvalidDataException($"'{sourceName}': layer {l} claims {input} × {output} weights, more than this reader accepts ({MaxCount}).");
            }

            float[] weight = ReadFloats(reader, input * output);
            float[] bias = ReadFloats(reader, output);
            layers.Add(new DenseLayer(input, output, weight, bias));
        }

        return new DenseNetwork(activation, layers);
    }

    private static int ReadCount(BinaryReader reader, string sourceName, string what)
    {
        int n = reader.ReadInt32();
        if (n <= 0 || n > MaxCount)
        {
            throw new InvalidDataException($"'{sourceName}': the {what} is {n}; expected 1 to {MaxCount} (corrupt file?).");
        }

        return n;
    }

    private static bool ReadFlag(BinaryReader reader, string sourceName, string what)
    {
        byte flag = reader.ReadByte();
        return flag switch
        {
            0 => false,
            1 => true,
            _ => throw new InvalidDataException($"'{sourceName}': the {what} is {flag}; expected 0 or 1 (corrupt file?)."),
        };
    }

    private static void WriteFloats(BinaryWriter writer, float[] values)
    {
        foreach (float v in values)
        {
            writer.Write(v);
        }
    }

    private static float[] ReadFloats(BinaryReader reader, int count)
    {
        float[] values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = reader.ReadSingle();
        }

        return values;
    }

    private static double[] ReadDoubles(BinaryReader reader, int count)
    {
        double[] values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = reader.ReadDouble();
        }

        return values;
    }
}
