namespace SharpRL.Algorithms.OffPolicy;

/// <summary>
/// Library-level checkpoints of an off-policy agent, outside a run folder: the run layer's crash-safe
/// checkpoint pair (<c>checkpoint.json</c> + weights) holding everything but the replay buffer, plus
/// the replay buffer in its own safetensors file, <c>replay_buffer.safetensors</c> (it can be GBs).
/// </summary>
/// <remarks>
/// The replay file is written (atomically) before the checkpoint pair, whose JSON is replaced last,
/// so a crash leaves either the old or the new checkpoint, each with a complete buffer file only if the
/// crash came after the buffer's replacement. Without the buffer a resumed run starts from an empty
/// buffer and is not an exact continuation.
/// </remarks>
public static class OffPolicyCheckpoint
{
    /// <summary>The replay buffer's file.</summary>
    public const string ReplayBufferFile = "replay_buffer.safetensors";

    /// <summary>Writes a checkpoint of <paramref name="agent"/> into <paramref name="directory"/>.</summary>
    /// <param name="agent">The agent, after Learn returned.</param>
    /// <param name="directory">Created if missing; its checkpoint files are replaced.</param>
    /// <param name="saveReplayBuffer">False skips the buffer (smaller; the resume is then not exact).</param>
    public static void Save(OffPolicyAlgorithm agent, string directory, bool saveReplayBuffer = true)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var state = new LearnerState();
        agent.SaveState(state, saveReplayBuffer ? OffPolicyAlgorithm.ReplayStorage.File : OffPolicyAlgorithm.ReplayStorage.None);
        Directory.CreateDirectory(directory);
        string replayPath = Path.Combine(directory, ReplayBufferFile);
        if (saveReplayBuffer)
        {
            (List<SafeTensor> tensors, Dictionary<string, string> metadata) = agent.Buffer.Save();
            SafeTensors.WriteFile(replayPath, tensors, metadata);
        }

        Checkpoint.Save(directory, new CheckpointData
        {
            Algorithm = agent.Name,
            ObservationSpace = state.ObservationSpace,
            ActionSpace = state.ActionSpace,
            Counters = state.Counters,
            Tensors = state.Tensors,
            Extra = state.Extra,
        });
        if (!saveReplayBuffer && File.Exists(replayPath))
        {
            File.Delete(replayPath);
        }
    }

    /// <summary>
    /// Restores a checkpoint written by <see cref="Save"/> into <paramref name="agent"/>, built with the same
    /// algorithm, settings and env; everything is checked before the agent is changed.
    /// </summary>
    /// <returns>Whether the replay buffer was restored (false: the resume is not exact).</returns>
    /// <exception cref="CheckpointException">A file is missing, corrupt or from another algorithm or shape; the message names it.</exception>
    public static bool Load(OffPolicyAlgorithm agent, string directory)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        CheckpointData data = Checkpoint.Load(directory, agent.Name);
        string replayPath = Path.Combine(directory, ReplayBufferFile);
        SafeTensorsFile? replay = null;
        if (File.Exists(replayPath))
        {
            try
            {
                replay = SafeTensors.ReadFile(replayPath);
            }
            catch (InvalidDataException error)
            {
                throw new CheckpointException($"{replayPath} is corrupt: {error.Message}", error);
            }
        }

        return agent.LoadState(data, replay);
    }
}
