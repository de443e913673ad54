using System.Numerics;

namespace SharpRL.Serialization;

/// <summary>
/// Everything needed to resume training or run a trained policy: the tensors (weights, optimiser
/// moments, normaliser statistics) and the metadata around them. <see cref="Checkpoint.Save"/>
/// writes it; <see cref="Checkpoint.Load"/> reads it back and sets <see cref="SourcePath"/>.
/// </summary>
/// <remarks>
/// Conventions for algorithms: parameters under their <see cref="Parameter{T}.Name"/> (prefixed
/// for several networks, e.g. "target."), Adam moments as "optimizer.m.&lt;name&gt;" and
/// "optimizer.v.&lt;name&gt;" with the step count in <see cref="Counters"/>, running normaliser
/// statistics as F64 tensors ("obs_rms.mean", "obs_rms.var", "obs_rms.count" with shape []), and RNG
/// states (<see cref="Rng.SerializableRandom.SaveState"/>) as strings in <see cref="Extra"/>.
/// </remarks>
public sealed record CheckpointData
{
    /// <summary>The algorithm that wrote the checkpoint, e.g. "PPO"; checked on load when an expected one is given.</summary>
    public required string Algorithm { get; init; }

    /// <summary>Format version of the files; <see cref="Checkpoint.FormatVersion"/> for a new checkpoint.</summary>
    public int FormatVersion { get; init; } = Checkpoint.FormatVersion;

    /// <summary>The algorithm's options as JSON (its options record serialised).</summary>
    public JsonObject Options { get; init; } = [];

    /// <summary>Description of the observation space (e.g. its ToString()), compared on load by the caller.</summary>
    public string? ObservationSpace { get; init; }

    /// <summary>Description of the action space.</summary>
    public string? ActionSpace { get; init; }

    /// <summary>Step counters: "num_timesteps", "n_updates", "iterations", optimiser step, …</summary>
    public IReadOnlyDictionary<string, long> Counters { get; init; } = new Dictionary<string, long>();

    /// <summary>The tensors, written in this order.</summary>
    public IReadOnlyList<SafeTensor> Tensors { get; init; } = [];

    /// <summary>Anything else: RNG states, episode statistics, schedules' positions.</summary>
    public JsonObject Extra { get; init; } = [];

    /// <summary>The metadata file this checkpoint was loaded from; null for one built in memory.</summary>
    public string? SourcePath { get; init; }

    /// <summary>Returns the tensor named <paramref name="name"/>.</summary>
    /// <param name="name">The tensor's key.</param>
    /// <exception cref="CheckpointException">No tensor has that name.</exception>
    public SafeTensor GetTensor(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (SafeTensor tensor in Tensors)
        {
            if (tensor.Name == name)
            {
                return tensor;
            }
        }

        string available = Tensors.Count == 0 ? "none" : string.Join(", ", Tensors.Select(t => t.Name));
        throw new CheckpointException($"Checkpoint '{Describe()}' has no tensor '{name}' (algorithm {Algorithm}); it holds: {available}.");
    }

    /// <summary>Copies a tensor into <paramref name="destination"/> after checking its shape.</summary>
    /// <param name="name">The tensor's key.</param>
    /// <param name="destination">Receives the elements, converted to <typeparamref name="T"/>.</param>
    /// <param name="expectedShape">The shape the caller's buffer represents.</param>
    /// <exception cref="CheckpointException">The tensor is missing or has another shape.</exception>
    public void CopyTensorTo<T>(string name, Span<T> destination, IReadOnlyList<int> expectedShape)
        where T : unmanaged, INumberBase<T>
    {
        ArgumentNullException.ThrowIfNull(expectedShape);
        SafeTensor tensor = GetTensor(name);
        if (!tensor.HasShape(expectedShape))
        {
            throw new CheckpointException(
                $"Checkpoint '{Describe()}': tensor '{name}' has shape {SafeTensor.FormatShape(tensor.Shape)} but the model expects {SafeTensor.FormatShape(expectedShape)} " +
                "(different network sizes or spaces than when it was saved?).");
        }

        if (destination.Length != tensor.ElementCount)
        {
            throw new ArgumentException($"destination holds {destination.Length} elements but shape {SafeTensor.FormatShape(expectedShape)} has {tensor.ElementCount}.", nameof(destination));
        }

        tensor.CopyTo(destination);
    }

    /// <summary>Restores each parameter's value from the tensor with its (prefixed) name.</summary>
    /// <param name="parameters">The model's parameters.</param>
    /// <param name="prefix">Prepended to every name, as when saved with <see cref="WithParameters{T}"/>.</param>
    /// <exception cref="CheckpointException">A tensor is missing or has another shape; parameters before it are already overwritten.</exception>
    public void LoadParameters<T>(IEnumerable<Parameter<T>> parameters, string prefix = "")
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(prefix);
        Parameter<T>[] list = [.. parameters];

        // Check every tensor first so that a mismatch leaves the model untouched.
        foreach (Parameter<T> parameter in list)
        {
            SafeTensor tensor = GetTensor(prefix + parameter.Name);
            if (!tensor.HasShape(parameter.Shape))
            {
                CopyTensorTo<T>(prefix + parameter.Name, parameter.Value, parameter.Shape);
            }
        }

        foreach (Parameter<T> parameter in list)
        {
            CopyTensorTo<T>(prefix + parameter.Name, parameter.Value, parameter.Shape);
        }
    }

    /// <summary>Returns a copy with the parameters' current values appended as tensors.</summary>
    /// <param name="parameters">The model's parameters.</param>
    /// <param name="prefix">Prepended to every name, e.g. "target." for a target network.</param>
    public CheckpointData WithParameters<T>(IEnumerable<Parameter<T>> parameters, string prefix = "")
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return this with { Tensors = [.. Tensors, .. parameters.Select(p => SafeTensor.FromParameter(p, prefix))] };
    }

    /// <summary>Returns a counter.</summary>
    /// <param name="name">The counter's key.</param>
    /// <exception cref="CheckpointException">No counter has that name.</exception>
    public long GetCounter(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Counters.TryGetValue(name, out long value)
            ? value
            : throw new CheckpointException($"Checkpoint '{Describe()}' has no counter '{name}' (algorithm {Algorithm}); it holds: {(Counters.Count == 0 ? "none" : string.Join(", ", Counters.Keys))}.");
    }

    /// <summary>A counter that counts something (steps, updates): refused, naming the file, when it is missing or negative.</summary>
    /// <param name="name">Counter name.</param>
    public long GetCount(string name)
    {
        long value = GetCounter(name);
        return value >= 0
            ? value
            : throw new CheckpointException($"Checkpoint '{Describe()}' has counter '{name}' = {value}; a count cannot be negative (the file is damaged).");
    }

    private string Describe() => SourcePath ?? "<in memory>";
}
