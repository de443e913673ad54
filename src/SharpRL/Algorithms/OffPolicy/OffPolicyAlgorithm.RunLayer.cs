namespace SharpRL.Algorithms.OffPolicy;

/// <summary>The run layer's view of an off-policy learner: checkpoint state and the evaluation policy.</summary>
public abstract partial class OffPolicyAlgorithm
{
    /// <summary>Prefix of the replay buffer's tensors inside a run-layer checkpoint.</summary>
    public const string ReplayTensorPrefix = "replay.";

    private const string ReplayKey = "replay_buffer";

    /// <inheritdoc />
    /// <remarks>collect (acting and env steps), train (all gradient steps), then train's parts (<see cref="TimeByUpdatePart"/>) as "train.&lt;part&gt;".</remarks>
    public IReadOnlyList<KeyValuePair<string, TimeSpan>> TimeByPhase =>
        [new("collect", _collectTime.Elapsed), new("train", _trainTime.Elapsed), .. TimeByUpdatePart.Select(p => new KeyValuePair<string, TimeSpan>($"train.{p.Key}", p.Value))];

    /// <inheritdoc />
    bool ILearner.Learn(long totalTimesteps, Action<ILearner>? afterIteration, CancellationToken cancellationToken)
        => Learn(totalTimesteps, afterIteration, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Checked after every training phase: the observations the env last returned, then the networks an update
    /// changes (the targets follow them by Polyak averaging, so they are not scanned). A NaN found here never
    /// reaches a checkpoint, and the run stops with its origin instead of the env later refusing a NaN action.
    /// </remarks>
    string? ILearner.DescribeNonFinite()
    {
        if (NonFiniteScan.DescribeObservations(_observations, ObservationSize) is { } observation)
        {
            return observation;
        }

        IReadOnlyList<KeyValuePair<string, IReadOnlyList<Parameter<float>>>> networks = Networks;
        for (int n = 0; n < networks.Count; n++)
        {
            if (!networks[n].Key.EndsWith("_target", StringComparison.Ordinal)
                && NonFiniteScan.DescribeParameters(networks[n].Value, "lower the learning rate (learning_rate)") is { } diverged)
            {
                return diverged;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public void SaveState(LearnerState state) => SaveState(state, Options.SaveReplayBuffer ? ReplayStorage.Tensors : ReplayStorage.None);

    /// <inheritdoc />
    public bool LoadState(CheckpointData checkpoint) => LoadState(checkpoint, replayFile: null);

    /// <inheritdoc />
    public abstract IActingPolicy CreateEvaluationPolicy();

    /// <summary>
    /// Everything a resumed run needs: parameters of every network and target, optimiser moments and
    /// step counts, the loop's counters, generator, noise, env state and observations, algorithm state,
    /// and (with <paramref name="replay"/> = Tensors) the replay buffer under <see cref="ReplayTensorPrefix"/>.
    /// </summary>
    internal void SaveState(LearnerState state, ReplayStorage replay)
    {
        ArgumentNullException.ThrowIfNull(state);
        foreach (KeyValuePair<string, IReadOnlyList<Parameter<float>>> network in Networks)
        {
            state.Tensors.AddRange(network.Value.Select(p => SafeTensor.FromParameter(p)));
        }

        foreach ((string name, IOptimizer<float> optimizer) in Optimizers)
        {
            PolicyCheckpoint.SaveOptimizer(state, name, optimizer);
        }

        if (replay == ReplayStorage.Tensors)
        {
            (List<SafeTensor> tensors, _) = Buffer.Save();
            state.Tensors.AddRange(tensors.Select(t => Rename(t, ReplayTensorPrefix + t.Name)));
        }

        state.Counters["num_timesteps"] = NumTimesteps;
        state.Extra["off_policy"] = SaveLoopState();
        state.Extra["algorithm_state"] = SaveAlgorithmState();
        state.Extra[ReplayKey] = new JsonObject
        {
            ["storage"] = replay.ToString().ToLowerInvariant(),
            ["capacity"] = Buffer.Capacity,
            ["count"] = Buffer.Count,
            ["position"] = Buffer.Position,
        };
        state.ObservationSpace = Env.SingleObservationSpace.ToString();
        state.ActionSpace = Env.SingleActionSpace.ToString();
    }

    /// <summary>
    /// Restores <see cref="SaveState(LearnerState, ReplayStorage)"/>'s output after checking all of it;
    /// <paramref name="replayFile"/> supplies the buffer when it was saved to its own file.
    /// </summary>
    /// <returns>False when the replay buffer was not saved or the env's state could not be restored (the resume is then not exact).</returns>
    internal bool LoadState(CheckpointData checkpoint, SafeTensorsFile? replayFile)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        string source = checkpoint.SourcePath ?? "<checkpoint>";
        if (checkpoint.ActionSpace is { } actionSpace && actionSpace != Env.SingleActionSpace.ToString())
        {
            throw new CheckpointException($"{source} was saved for actions {actionSpace}; this env's are {Env.SingleActionSpace}.");
        }

        // Read and check everything first, so that a bad checkpoint leaves the agent untouched.
        var values = new List<(float[] Destination, float[] Value)>();
        foreach (KeyValuePair<string, IReadOnlyList<Parameter<float>>> network in Networks)
        {
            foreach (Parameter<float> p in network.Value)
            {
                var value = new float[p.Length];
                checkpoint.CopyTensorTo<float>(p.Name, value, p.Shape);
                values.Add((p.Value, value));
            }
        }

        var optimizerStates = new List<(IOptimizer<float> Optimizer, OptimizerState<float> State)>();
        foreach ((string name, IOptimizer<float> optimizer) in Optimizers)
        {
            optimizerStates.Add((optimizer, PolicyCheckpoint.ReadOptimizer(checkpoint, name, optimizer)));
        }

        JsonObject loop = checkpoint.Extra["off_policy"] as JsonObject ?? throw new CheckpointException($"{source}: extra 'off_policy' (the loop state) is missing.");
        JsonObject algorithm = checkpoint.Extra["algorithm_state"] as JsonObject ?? throw new CheckpointException($"{source}: extra 'algorithm_state' is missing.");
        JsonObject replayInfo = checkpoint.Extra[ReplayKey] as JsonObject ?? throw new CheckpointException($"{source}: extra '{ReplayKey}' is missing.");
        string storage = replayInfo["storage"] is JsonValue s && s.TryGetValue(out string? text) ? text : throw new CheckpointException($"{source}: {ReplayKey}.storage is missing.");
        SafeTensorsFile? replay = storage switch
        {
            "tensors" => ReplayFromCheckpoint(checkpoint, replayInfo),
            "file" => MatchingReplayFile(replayFile, replayInfo, source),
            "none" => null,
            _ => throw new CheckpointException($"{source}: {ReplayKey}.storage '{storage}' is not one of tensors, file, none."),
        };

        bool envRestored;
        try
        {
            if (replay is not null)
            {
                Buffer.Validate(replay);
            }

            foreach ((float[] destination, float[] value) in values)
            {
                value.CopyTo(destination, 0);
            }

            foreach ((IOptimizer<float> optimizer, OptimizerState<float> optimizerState) in optimizerStates)
            {
                optimizer.LoadState(optimizerState);
            }

            LoadAlgorithmState(algorithm);
            envRestored = LoadLoopState(loop);
            if (replay is null)
            {
                Buffer.Clear();
            }
            else
            {
                Buffer.Load(replay);
            }
        }
        catch (InvalidDataException error)
        {
            throw new CheckpointException($"{source}: {error.Message}", error);
        }

        return replay is not null && envRestored;
    }

    private static SafeTensorsFile MatchingReplayFile(SafeTensorsFile? file, JsonObject info, string source)
    {
        if (file is null)
        {
            throw new CheckpointException($"{source}: the replay buffer was saved to its own file, which is missing.");
        }

        // A buffer file from another save (e.g. a crash between the two writes) has other counters.
        foreach (string key in new[] { "count", "position" })
        {
            if (!file.Metadata.TryGetValue(key, out string? value) || value != info[key]?.ToString())
            {
                throw new CheckpointException($"{file.SourceName} does not belong to {source}: its {key} is {value ?? "missing"}, the checkpoint's {info[key]}.");
            }
        }

        return file;
    }

    private SafeTensorsFile ReplayFromCheckpoint(CheckpointData checkpoint, JsonObject info)
    {
        var tensors = new List<SafeTensor>();
        foreach (string name in new[] { "observations", "next_observations", "actions", "rewards", "terminated" })
        {
            tensors.Add(Rename(checkpoint.GetTensor(ReplayTensorPrefix + name), name));
        }

        var metadata = new Dictionary<string, string>();
        foreach (string key in new[] { "capacity", "count", "position" })
        {
            metadata[key] = info[key]?.ToString() ?? throw new CheckpointException($"{checkpoint.SourcePath}: {ReplayKey}.{key} is missing.");
        }

        return SafeTensors.Deserialize(SafeTensors.Serialize(tensors, metadata), checkpoint.SourcePath ?? "<checkpoint>");
    }

    private static SafeTensor Rename(SafeTensor tensor, string name)
        => tensor.DType == SafeTensorDType.F32
            ? SafeTensor.Create<float>(name, tensor.ToArray<float>(), tensor.Shape)
            : throw new CheckpointException($"Replay tensor '{tensor.Name}' must be F32; it is {tensor.DType}.");

    /// <summary>Where a checkpoint keeps the replay buffer.</summary>
    internal enum ReplayStorage
    {
        /// <summary>Not saved (save_replay_buffer false).</summary>
        None,

        /// <summary>As tensors of the checkpoint itself.</summary>
        Tensors,

        /// <summary>In its own safetensors file beside the checkpoint.</summary>
        File,
    }
}
