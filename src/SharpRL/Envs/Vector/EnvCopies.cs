namespace SharpRL.Envs.Vector;

/// <summary>
/// The N env instances of a vector env and the per-copy bookkeeping both vector envs share:
/// same-step autoreset, final observations, and episode statistics from the raw rewards.
/// Methods that touch one copy only (<see cref="StepCopy"/>, <see cref="ResetCopy"/>) may run
/// concurrently for different copies; everything else runs on the caller's thread.
/// </summary>
internal sealed class EnvCopies : IDisposable
{
    private readonly IEnv[] _envs;
    private readonly double[] _episodeReturn;
    private readonly int[] _episodeLength;
    private readonly bool[] _finished;
    private readonly double[] _finishedReturn;
    private readonly int[] _finishedLength;
    private readonly float[] _finalObservations;
    private readonly List<EpisodeStatistics> _completed;
    private readonly IStepInfoEnv[]? _infoEnvs;
    private readonly double[] _info;
    private readonly IActionMaskEnv[]? _maskEnvs;
    private bool _disposed;

    public EnvCopies(IReadOnlyList<IEnv> envs)
    {
        ArgumentNullException.ThrowIfNull(envs);
        if (envs.Count == 0)
        {
            throw new ArgumentException("envs must contain at least one env; got an empty list.", nameof(envs));
        }

        _envs = new IEnv[envs.Count];
        for (int i = 0; i < envs.Count; i++)
        {
            IEnv env = envs[i] ?? throw new ArgumentException($"envs[{i}] is null; every copy must be an env instance.", nameof(envs));
            for (int k = 0; k < i; k++)
            {
                if (ReferenceEquals(_envs[k], env))
                {
                    throw new ArgumentException($"envs[{k}] and envs[{i}] are the same instance; each copy needs its own env (a factory must return a new env per call).", nameof(envs));
                }
            }

            _envs[i] = env;
        }

        ObservationSpace = _envs[0].ObservationSpace ?? throw new ArgumentException("envs[0].ObservationSpace is null.", nameof(envs));
        ActionSpace = _envs[0].ActionSpace ?? throw new ArgumentException("envs[0].ActionSpace is null.", nameof(envs));
        for (int i = 1; i < _envs.Length; i++)
        {
            if (!ObservationSpace.Equals(_envs[i].ObservationSpace))
            {
                throw new ArgumentException($"envs[{i}].ObservationSpace ({_envs[i].ObservationSpace}) differs from envs[0].ObservationSpace ({ObservationSpace}); all copies must share their spaces.", nameof(envs));
            }

            if (!ActionSpace.Equals(_envs[i].ActionSpace))
            {
                throw new ArgumentException($"envs[{i}].ActionSpace ({_envs[i].ActionSpace}) differs from envs[0].ActionSpace ({ActionSpace}); all copies must share their spaces.", nameof(envs));
            }
        }

        Count = _envs.Length;
        ObservationSize = ObservationSpace.FlatSize;
        ActionSize = ActionSpace.FlatSize;
        _episodeReturn = new double[Count];
        _episodeLength = new int[Count];
        _finished = new bool[Count];
        _finishedReturn = new double[Count];
        _finishedLength = new int[Count];
        _finalObservations = new float[Count * ObservationSize];
        _completed = new List<EpisodeStatistics>(Count);

        // Info scalars (IStepInfoEnv): captured per copy after each reset and step, before an autoreset.
        InfoKeys = _envs[0] is IStepInfoEnv first ? first.InfoKeys : [];
        if (InfoKeys.Count > 0 && _envs.All(e => e is IStepInfoEnv info && info.InfoKeys.SequenceEqual(InfoKeys)))
        {
            _infoEnvs = [.. _envs.Cast<IStepInfoEnv>()];
        }
        else
        {
            InfoKeys = [];
        }

        _info = new double[Count * InfoKeys.Count];
        _info.AsSpan().Fill(double.NaN);

        // Action masks (IActionMaskEnv): read live from the copies, so after an autoreset a copy's mask
        // is the new episode's, and a restored snapshot needs no cached masks.
        if (_envs.All(ActionMasks.Supplies))
        {
            _maskEnvs = [.. _envs.Cast<IActionMaskEnv>()];
            ActionMaskSize = ActionMasks.SizeOf(ActionSpace);
        }
    }

    public bool HasActionMasks => _maskEnvs is not null;

    public int ActionMaskSize { get; }

    public void GetActionMasks(Span<bool> masks)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_maskEnvs is null)
        {
            throw new InvalidOperationException("The copies supply no action masks: they do not all implement IActionMaskEnv.");
        }

        if (!Started)
        {
            throw new InvalidOperationException("Reset must be called before the action masks are read.");
        }

        CheckLength(masks.Length, Count, ActionMaskSize, "masks", "mask flags");
        for (int i = 0; i < Count; i++)
        {
            _maskEnvs[i].GetActionMask(masks.Slice(i * ActionMaskSize, ActionMaskSize));
        }
    }

    public IReadOnlyList<string> InfoKeys { get; }

    public void GetInfo(int envIndex, Span<double> values)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(envIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(envIndex, Count);
        int k = InfoKeys.Count;
        if (values.Length != k)
        {
            throw new ArgumentException($"The copies report {k} info values, got a buffer of {values.Length}.", nameof(values));
        }

        _info.AsSpan(envIndex * k, k).CopyTo(values);
    }

    private void CaptureInfo(int i)
    {
        if (_infoEnvs is not null)
        {
            int k = InfoKeys.Count;
            _infoEnvs[i].GetInfo(_info.AsSpan(i * k, k));
        }
    }

    public int Count { get; }

    public Space ObservationSpace { get; }

    public Space ActionSpace { get; }

    public int ObservationSize { get; }

    public int ActionSize { get; }

    public bool Started { get; private set; }

    public ReadOnlySpan<float> FinalObservations => _finalObservations;

    public IReadOnlyList<EpisodeStatistics> CompletedEpisodes => _completed;

    public static IEnv[] Create(Func<IEnv> factory, int numEnvs)
    {
        ArgumentNullException.ThrowIfNull(factory);
        if (numEnvs <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numEnvs), numEnvs, "numEnvs must be at least 1.");
        }

        var envs = new IEnv[numEnvs];
        try
        {
            for (int i = 0; i < numEnvs; i++)
            {
                envs[i] = factory() ?? throw new ArgumentException($"factory returned null for copy {i}; it must return a new env.", nameof(factory));
            }
        }
        catch
        {
            // Release the copies already made (they may hold native resources) before reporting the failure.
            foreach (IEnv? made in envs)
            {
                made?.Dispose();
            }

            throw;
        }

        return envs;
    }

    public void ValidateReset(int observationsLength, int? seed)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckLength(observationsLength, Count, ObservationSize, "observations", "observation floats");
        if (seed is int s && s > int.MaxValue - (Count - 1))
        {
            throw new ArgumentOutOfRangeException(nameof(seed), s, $"seed + {Count - 1} (the last copy's seed) must not exceed int.MaxValue.");
        }
    }

    public void ValidateStep(int actionsLength, int observationsLength, int rewardsLength, int terminatedLength, int truncatedLength)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!Started)
        {
            throw new InvalidOperationException("Reset must be called before the first Step.");
        }

        CheckLength(actionsLength, Count, ActionSize, "actions", "action floats");
        CheckLength(observationsLength, Count, ObservationSize, "observations", "observation floats");
        CheckLength(rewardsLength, Count, 1, "rewards", "reward");
        CheckLength(terminatedLength, Count, 1, "terminated", "flag");
        CheckLength(truncatedLength, Count, 1, "truncated", "flag");
    }

    /// <summary>Called before copies are reset or stepped, on the caller's thread.</summary>
    public void BeginStep() => _completed.Clear();

    /// <summary>Called after every copy of a Reset has run.</summary>
    public void EndReset()
    {
        _completed.Clear();
        Started = true;
    }

    /// <summary>Called after every copy of a Step has run: lists finished episodes in copy order.</summary>
    public void EndStep()
    {
        for (int i = 0; i < Count; i++)
        {
            if (_finished[i])
            {
                _completed.Add(new EpisodeStatistics(i, _finishedReturn[i], _finishedLength[i]));
            }
        }
    }

    /// <summary>
    /// Copy <paramref name="i"/>'s episode that ended in its latest step, if it ended (what
    /// <see cref="EndStep"/> lists, for a caller that steps copies individually, as the env pool does).
    /// </summary>
    public bool TryGetFinishedEpisode(int i, out EpisodeStatistics episode)
    {
        episode = _finished[i] ? new EpisodeStatistics(i, _finishedReturn[i], _finishedLength[i]) : default;
        return _finished[i];
    }

    public void ResetCopy(int i, Span<float> observation, int? seed)
    {
        _envs[i].Reset(observation, seed);
        CaptureInfo(i);
        _episodeReturn[i] = 0;
        _episodeLength[i] = 0;
        _finished[i] = false;
    }

    public void StepCopy(int i, ReadOnlySpan<float> action, Span<float> observation, out double reward, out bool terminated, out bool truncated)
    {
        StepResult result = _envs[i].Step(action, observation);
        CaptureInfo(i);
        reward = result.Reward;
        terminated = result.Terminated;
        truncated = result.Truncated;
        _episodeReturn[i] += result.Reward;
        _episodeLength[i]++;
        _finished[i] = result.Done;
        if (result.Done)
        {
            // Same-step autoreset: keep the last observation for bootstrapping, then start the next episode
            // in the same row (no seed: the copy's generator stream continues).
            observation.CopyTo(_finalObservations.AsSpan(i * ObservationSize, ObservationSize));
            _finishedReturn[i] = _episodeReturn[i];
            _finishedLength[i] = _episodeLength[i];
            _envs[i].Reset(observation);
            _episodeReturn[i] = 0;
            _episodeLength[i] = 0;
        }
    }

    /// <summary>
    /// Snapshot of the copies for <paramref name="owner"/>'s <see cref="IStatefulEnv.SaveState"/>: each
    /// copy's state and its running episode return and length (final observations and completed
    /// episodes only report the latest step, so they are not state).
    /// </summary>
    public JsonObject SaveState(IVectorEnv owner)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        JsonObject state = EnvState.Create(owner);
        state["num_envs"] = Count;
        state["started"] = Started;
        state["episode_returns"] = EnvState.Numbers(_episodeReturn);
        var lengths = new JsonArray();
        foreach (int length in _episodeLength)
        {
            lengths.Add(length);
        }

        state["episode_lengths"] = lengths;
        var envs = new JsonArray();
        for (int i = 0; i < Count; i++)
        {
            envs.Add(_envs[i] is IStatefulEnv stateful
                ? stateful.SaveState()
                : throw new NotSupportedException(
                    $"{owner} cannot save its state: copy {i}, {_envs[i].GetType().FullName}, does not implement IStatefulEnv. " +
                    "Training works without it; only an exact resume from a checkpoint needs it."));
        }

        state["envs"] = envs;
        return state;
    }

    /// <summary>
    /// Restores <see cref="SaveState"/>'s snapshot. Sync and parallel vector envs and the env pool step
    /// their copies identically, so each loads the others' states.
    /// </summary>
    public void LoadState(JsonNode state, IVectorEnv owner)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        JsonObject snapshot = EnvState.Open(state, owner, [nameof(SyncVectorEnv), nameof(ParallelVectorEnv), nameof(EnvPool)]);
        int savedCount = EnvState.ReadInt32(snapshot, "num_envs", 1);
        if (savedCount != Count)
        {
            throw new ArgumentException($"The state of a {EnvState.TypeName(owner)} with {savedCount} copies cannot be loaded into {owner}, which has {Count}.", nameof(state));
        }

        bool started = EnvState.ReadBoolean(snapshot, "started");
        double[] returns = EnvState.ReadDoubles(snapshot, "episode_returns", Count);
        int[] lengths = EnvState.ReadInt32s(snapshot, "episode_lengths", Count, 0);
        JsonArray envs = EnvState.ReadArray(snapshot, "envs", Count);
        for (int i = 0; i < Count; i++)
        {
            if (_envs[i] is not IStatefulEnv stateful)
            {
                throw new NotSupportedException($"{owner} cannot load a state: copy {i}, {_envs[i].GetType().FullName}, does not implement IStatefulEnv.");
            }

            stateful.LoadState(envs[i] ?? throw new ArgumentException($"The state of a {EnvState.TypeName(owner)} is malformed: \"envs[{i}]\" is null.", nameof(state)));
        }

        returns.CopyTo(_episodeReturn, 0);
        lengths.CopyTo(_episodeLength, 0);
        Array.Clear(_finished);
        _completed.Clear();
        Started = started;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (IEnv env in _envs)
        {
            env.Dispose();
        }
    }

    private static void CheckLength(int actual, int rows, int rowSize, string name, string unit)
    {
        if (actual != rows * rowSize)
        {
            throw new ArgumentException($"{name} must have {rows * rowSize} elements ([{rows} envs × {rowSize} {unit}]); got {actual}.", name);
        }
    }
}
