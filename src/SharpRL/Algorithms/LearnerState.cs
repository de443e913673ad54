namespace SharpRL.Algorithms;

/// <summary>
/// What a learner contributes to a checkpoint (<see cref="ILearner.SaveState"/>): the run layer adds the
/// run's configuration and its own bookkeeping, then writes it as one crash-safe <see cref="Checkpoint"/>.
/// </summary>
/// <remarks>
/// Tensors are written in the order added; keep it fixed, so equal states give byte-identical files.
/// Extra keys the run layer reserves: "run", "evaluation", "stop_reason".
/// </remarks>
public sealed class LearnerState
{
    /// <summary>Weights, optimizer moments, buffers: anything numeric and large.</summary>
    public List<SafeTensor> Tensors { get; } = [];

    /// <summary>Integer counters; "num_timesteps" is required (the run layer reads it to validate resumes).</summary>
    public Dictionary<string, long> Counters { get; } = new(StringComparer.Ordinal);

    /// <summary>Everything else as JSON: generator states, episode windows, the env's state.</summary>
    public JsonObject Extra { get; init; } = [];

    /// <summary>Description of the observation space the networks were built for (compared on load).</summary>
    public string? ObservationSpace { get; set; }

    /// <summary>Description of the action space the networks were built for (compared on load).</summary>
    public string? ActionSpace { get; set; }
}
