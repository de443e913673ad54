using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SharpRL.Nn;
using SharpRL.Serialization;

namespace SharpRL.Algorithms.OffPolicy;

/// <summary>
/// Saves and restores everything an off-policy run needs to continue exactly: every network and
/// target, every optimiser's moments and step count, algorithm state (SAC's ln α), the loop's counters,
/// generator, noise processes, env state and current observations, and the replay buffer.
/// </summary>
/// <remarks>
/// A checkpoint is a directory: <c>model.safetensors</c> (weights and optimiser buffers),
/// <c>replay_buffer.safetensors</c> (optional: it can be GBs), and <c>state.json</c>, written last,
/// so a crash mid-save leaves the previous <c>state.json</c> pointing at complete files of the earlier
/// save only if those were not yet replaced: each file is replaced atomically. Without the replay
/// buffer, a resumed run starts from an empty buffer and is not an exact continuation.
/// </remarks>
public static class OffPolicyCheckpoint
{
    /// <summary>Weights and optimiser state.</summary>
    public const string ModelFile = "model.safetensors";

    /// <summary>The replay buffer.</summary>
    public const string ReplayBufferFile = "replay_buffer.safetensors";

    /// <summary>Counters, generator, noise, env state (JSON).</summary>
    public const string StateFile = "state.json";

    private const int FormatVersion = 1;

    /// <summary>Writes a checkpoint of <paramref name="agent"/> into <paramref name="directory"/>.</summary>
    /// <param name="agent">The agent, between env steps (after Learn returned).</param>
    /// <param name="directory">Created if missing; its checkpoint files are replaced.</param>
    /// <param name="saveReplayBuffer">False skips the buffer (--no-save-replay-buffer): smaller, but the resume is not exact.</param>
    public static void Save(OffPolicyAlgorithm agent, string directory, bool saveReplayBuffer = true)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var tensors = new List<SafeTensor>();
        foreach (KeyValuePair<string, IReadOnlyList<Parameter<float>>> network in agent.Networks)
        {
            tensors.AddRange(network.Value.Select(p => SafeTensor.FromParameter(p)));
        }

        var optimizerSteps = new JsonObject();
        foreach ((string name, IOptimizer<float> optimizer) in agent.Optimizers)
        {
            OptimizerState<float> state = optimizer.SaveState();
            optimizerSteps[name] = state.StepCount;
            foreach ((string buffer, float[][] perParameter) in state.Buffers)
            {
                for (int i = 0; i < perParameter.Length; i++)
                {
                    tensors.Add(SafeTensor.Create<float>($"optimizer.{name}.{buffer}.{i}", perParameter[i], perParameter[i].Length));
                }
            }
        }

        var document = new JsonObject
        {
            ["format_version"] = FormatVersion,
            ["algorithm"] = agent.GetType().Name,
            ["observation_size"] = agent.ObservationSize,
            ["action_size"] = agent.ActionSize,
            ["replay_buffer"] = saveReplayBuffer ? ReplayBufferFile : null,
            ["optimizer_steps"] = optimizerSteps,
            ["loop"] = agent.SaveLoopState(),
            ["algorithm_state"] = agent.SaveAlgorithmState(),
        };

        Directory.CreateDirectory(directory);
        if (saveReplayBuffer)
        {
            (List<SafeTensor> bufferTensors, Dictionary<string, string> metadata) = agent.Buffer.Save();
            SafeTensors.WriteFile(Path.Combine(directory, ReplayBufferFile), bufferTensors, metadata);
        }

        SafeTensors.WriteFile(Path.Combine(directory, ModelFile), tensors, new Dictionary<string, string> { ["algorithm"] = agent.GetType().Name });
        AtomicFile.WriteAllBytes(Path.Combine(directory, StateFile), JsonSerializer.SerializeToUtf8Bytes(document, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>
    /// Restores a checkpoint into <paramref name="agent"/>, built with the same algorithm, settings and env.
    /// Everything is read and checked before the agent is touched.
    /// </summary>
    /// <returns>Whether the replay buffer was restored (false: the resume is not exact).</returns>
    /// <exception cref="InvalidDataException">A file is missing, corrupt, or from another algorithm or shape; the message names it.</exception>
    public static bool Load(OffPolicyAlgorithm agent, string directory)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string statePath = Path.Combine(directory, StateFile);
        if (!File.Exists(statePath))
        {
            throw new InvalidDataException($"{statePath} does not exist: '{directory}' is not an off-policy checkpoint.");
        }

        JsonObject document;
        try
        {
            document = JsonNode.Parse(File.ReadAllBytes(statePath)) as JsonObject ?? throw new InvalidDataException($"{statePath}: expected a JSON object.");
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{statePath} is not valid JSON: {error.Message}", error);
        }

        string? algorithm = (string?)document["algorithm"];
        if (algorithm != agent.GetType().Name || (int?)document["observation_size"] != agent.ObservationSize || (int?)document["action_size"] != agent.ActionSize)
        {
            throw new InvalidDataException(
                $"{statePath} holds a {algorithm} agent for observations of {document["observation_size"]} and actions of {document["action_size"]}; " +
                $"this agent is {agent.GetType().Name} with {agent.ObservationSize} and {agent.ActionSize}.");
        }

        SafeTensorsFile model = SafeTensors.ReadFile(Path.Combine(directory, ModelFile));
        var parameterValues = new List<(Parameter<float> Parameter, float[] Value)>();
        foreach (KeyValuePair<string, IReadOnlyList<Parameter<float>>> network in agent.Networks)
        {
            foreach (Parameter<float> p in network.Value)
            {
                parameterValues.Add((p, Read(model, p.Name, p.Shape)));
            }
        }

        var optimizerStates = new List<(IOptimizer<float> Optimizer, OptimizerState<float> State)>();
        foreach ((string name, IOptimizer<float> optimizer) in agent.Optimizers)
        {
            OptimizerState<float> current = optimizer.SaveState();
            long steps = (long?)document["optimizer_steps"]?[name] ?? throw new InvalidDataException($"{statePath}: optimizer_steps.{name} is missing.");
            var buffers = new Dictionary<string, float[][]>(StringComparer.Ordinal);
            foreach ((string buffer, float[][] perParameter) in current.Buffers)
            {
                buffers[buffer] = [.. perParameter.Select((b, i) => Read(model, $"optimizer.{name}.{buffer}.{i}", [b.Length]))];
            }

            optimizerStates.Add((optimizer, new OptimizerState<float>(steps, buffers)));
        }

        SafeTensorsFile? replay = null;
        if (document["replay_buffer"] is JsonValue replayName)
        {
            replay = SafeTensors.ReadFile(Path.Combine(directory, (string)replayName!));
        }

        JsonObject loop = document["loop"] as JsonObject ?? throw new InvalidDataException($"{statePath}: 'loop' is missing.");
        JsonObject algorithmState = document["algorithm_state"] as JsonObject ?? throw new InvalidDataException($"{statePath}: 'algorithm_state' is missing.");

        foreach ((Parameter<float> p, float[] value) in parameterValues)
        {
            value.CopyTo(p.Value, 0);
        }

        foreach ((IOptimizer<float> optimizer, OptimizerState<float> state) in optimizerStates)
        {
            optimizer.LoadState(state);
        }

        agent.LoadAlgorithmState(algorithmState);
        agent.LoadLoopState(loop);
        if (replay is null)
        {
            agent.Buffer.Clear();
            return false;
        }

        agent.Buffer.Load(replay);
        return true;
    }

    private static float[] Read(SafeTensorsFile file, string name, IReadOnlyList<int> shape)
    {
        if (!file.TryGetTensor(name, out SafeTensor? tensor))
        {
            throw new InvalidDataException($"{file.SourceName}: tensor '{name}' is missing.");
        }

        if (tensor.DType != SafeTensorDType.F32 || !tensor.HasShape(shape))
        {
            throw new InvalidDataException(
                $"{file.SourceName}: tensor '{name}' is {tensor.DType} {SafeTensor.FormatShape(tensor.Shape)}; expected F32 {SafeTensor.FormatShape(shape)}.");
        }

        return tensor.ToArray<float>();
    }

    internal static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
