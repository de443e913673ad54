using System.Numerics;

namespace SharpRL.Nn;

/// <summary>
/// The internal state of an <see cref="IOptimizer{T}"/>: its step count and named per-parameter
/// buffers (named as PyTorch names them: "exp_avg", "exp_avg_sq", "momentum_buffer", "square_avg").
/// </summary>
/// <typeparam name="T">Element type of the parameters.</typeparam>
public sealed class OptimizerState<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates a state record.</summary>
    /// <param name="stepCount">Steps taken so far; not negative.</param>
    /// <param name="buffers">Buffer name → one array per parameter, in parameter order.</param>
    public OptimizerState(long stepCount, IReadOnlyDictionary<string, T[][]> buffers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        ArgumentNullException.ThrowIfNull(buffers);
        StepCount = stepCount;
        Buffers = buffers;
    }

    /// <summary>Steps taken so far.</summary>
    public long StepCount { get; }

    /// <summary>Buffer name → one array per parameter, in parameter order.</summary>
    public IReadOnlyDictionary<string, T[][]> Buffers { get; }

    /// <summary>Deep-copies the named per-parameter buffers.</summary>
    internal static OptimizerState<T> Snapshot(long stepCount, params (string Name, T[][] PerParameter)[] buffers)
    {
        var copies = new Dictionary<string, T[][]>(StringComparer.Ordinal);
        foreach ((string name, T[][] perParameter) in buffers)
        {
            copies[name] = [.. perParameter.Select(buffer => (T[])buffer.Clone())];
        }

        return new OptimizerState<T>(stepCount, copies);
    }

    /// <summary>Checks that this state has exactly the expected buffers, with matching lengths, then copies them in.</summary>
    internal void RestoreInto(string optimizerName, params (string Name, T[][] PerParameter)[] targets)
    {
        string expectedNames = string.Join(", ", targets.Select(t => t.Name));
        if (Buffers.Count != targets.Length || targets.Any(t => !Buffers.ContainsKey(t.Name)))
        {
            throw new ArgumentException(
                $"state has buffers [{string.Join(", ", Buffers.Keys)}]; {optimizerName} expects [{expectedNames}].",
                "state");
        }

        foreach ((string name, T[][] perParameter) in targets)
        {
            T[][] source = Buffers[name];
            if (source.Length != perParameter.Length)
            {
                throw new ArgumentException(
                    $"state buffer '{name}' has {source.Length} arrays; expected one per parameter, {perParameter.Length}.",
                    "state");
            }

            for (int i = 0; i < source.Length; i++)
            {
                if (source[i].Length != perParameter[i].Length)
                {
                    throw new ArgumentException(
                        $"state buffer '{name}'[{i}] has {source[i].Length} elements; expected {perParameter[i].Length} (the parameter's length).",
                        "state");
                }
            }
        }

        foreach ((string name, T[][] perParameter) in targets)
        {
            for (int i = 0; i < perParameter.Length; i++)
            {
                Buffers[name][i].CopyTo(perParameter[i], 0);
            }
        }
    }
}
