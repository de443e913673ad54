namespace SharpRL.Algorithms.OffPolicy;

/// <summary>
/// The replay memory of DDPG, TD3 and SAC: a circular, preallocated float32 store of transitions
/// (s, a, r, s', d) with uniform sampling. Once full, each new transition overwrites the oldest.
/// </summary>
/// <remarks>
/// d is <c>terminated</c>, never <c>truncated</c>: a time-limit cut is not a terminal state, so the
/// target must still bootstrap from s' (and s' must then be the episode's final observation, not the
/// first observation of the next episode that an autoresetting vector env returns). Storing
/// <c>done = terminated ∨ truncated</c> is the field's most common off-policy bug.
/// </remarks>
public sealed class ReplayBuffer
{
    private readonly float[] _observations;
    private readonly float[] _nextObservations;
    private readonly float[] _actions;
    private readonly float[] _rewards;
    private readonly float[] _terminated;

    /// <summary>Allocates room for <paramref name="capacity"/> transitions, after checking that it fits.</summary>
    /// <param name="capacity">Transitions kept; positive.</param>
    /// <param name="observationSize">Floats per observation; positive.</param>
    /// <param name="actionSize">Floats per action; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">The buffer would not fit in memory (the message gives the bytes).</exception>
    public ReplayBuffer(int capacity, int observationSize, int actionSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(observationSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(actionSize);
        long bytes = RequiredBytes(capacity, observationSize, actionSize);
        long largestArray = (long)capacity * Math.Max(observationSize, actionSize);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (largestArray > Array.MaxLength || bytes > available)
        {
            throw new ArgumentOutOfRangeException(
                nameof(capacity),
                capacity,
                $"A replay buffer of {capacity} transitions (observation {observationSize} floats, action {actionSize}) needs {bytes:N0} bytes " +
                $"({bytes / (1024.0 * 1024 * 1024):F2} GiB), but {available:N0} bytes are available to this process" +
                (largestArray > Array.MaxLength ? $" and one array would exceed .NET's {Array.MaxLength:N0}-element limit" : string.Empty) +
                "; lower buffer_size.");
        }

        Capacity = capacity;
        ObservationSize = observationSize;
        ActionSize = actionSize;
        _observations = new float[(long)capacity * observationSize];
        _nextObservations = new float[(long)capacity * observationSize];
        _actions = new float[(long)capacity * actionSize];
        _rewards = new float[capacity];
        _terminated = new float[capacity];
    }

    /// <summary>Transitions the buffer can hold.</summary>
    public int Capacity { get; }

    /// <summary>Floats per observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Floats per action.</summary>
    public int ActionSize { get; }

    /// <summary>Transitions held now (grows to <see cref="Capacity"/>, then stays).</summary>
    public int Count { get; private set; }

    /// <summary>Row the next transition is written to.</summary>
    public int Position { get; private set; }

    /// <summary>Bytes the arrays of a buffer of this shape take: capacity · (2·obs + action + 2) · 4.</summary>
    public static long RequiredBytes(int capacity, int observationSize, int actionSize)
        => (long)capacity * ((2L * observationSize) + actionSize + 2) * sizeof(float);

    /// <summary>Stored s, row-major [Capacity × ObservationSize] (rows ≥ Count are unused).</summary>
    public ReadOnlySpan<float> Observations => _observations;

    /// <summary>Stored s'.</summary>
    public ReadOnlySpan<float> NextObservations => _nextObservations;

    /// <summary>Stored a, in the [−1, 1] action space.</summary>
    public ReadOnlySpan<float> Actions => _actions;

    /// <summary>Stored r.</summary>
    public ReadOnlySpan<float> Rewards => _rewards;

    /// <summary>Stored d = terminated (1) or not (0); a truncation stores 0.</summary>
    public ReadOnlySpan<float> Terminated => _terminated;

    /// <summary>
    /// Appends one transition. For an episode that ended, <paramref name="nextObservation"/> must be the
    /// episode's final observation (the vector env's FinalObservations row), whether it terminated or was truncated.
    /// </summary>
    public void Add(ReadOnlySpan<float> observation, ReadOnlySpan<float> action, float reward, ReadOnlySpan<float> nextObservation, bool terminated)
    {
        if (observation.Length != ObservationSize || nextObservation.Length != ObservationSize || action.Length != ActionSize)
        {
            throw new ArgumentException(
                $"A transition needs observations of {ObservationSize} floats and an action of {ActionSize}; got {observation.Length}, {nextObservation.Length} and {action.Length}.");
        }

        int row = Position;
        observation.CopyTo(_observations.AsSpan(row * ObservationSize, ObservationSize));
        nextObservation.CopyTo(_nextObservations.AsSpan(row * ObservationSize, ObservationSize));
        action.CopyTo(_actions.AsSpan(row * ActionSize, ActionSize));
        _rewards[row] = reward;
        _terminated[row] = terminated ? 1f : 0f;
        Position = row + 1 == Capacity ? 0 : row + 1;
        Count = Math.Min(Count + 1, Capacity);
    }

    /// <summary>Copies <paramref name="batch"/>.Size transitions drawn uniformly (with replacement) into <paramref name="batch"/>.</summary>
    public void Sample(ReplayBatch batch, Random random)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(random);
        if (Count == 0)
        {
            throw new InvalidOperationException("Cannot sample from an empty replay buffer: add transitions first (learning_starts > 0 does that).");
        }

        if (batch.ObservationSize != ObservationSize || batch.ActionSize != ActionSize)
        {
            throw new ArgumentException($"batch holds observations of {batch.ObservationSize} and actions of {batch.ActionSize}; the buffer's are {ObservationSize} and {ActionSize}.", nameof(batch));
        }

        for (int i = 0; i < batch.Size; i++)
        {
            int row = random.Next(Count);
            batch.Indices[i] = row;
            _observations.AsSpan(row * ObservationSize, ObservationSize).CopyTo(batch.Observations.AsSpan(i * ObservationSize, ObservationSize));
            _nextObservations.AsSpan(row * ObservationSize, ObservationSize).CopyTo(batch.NextObservations.AsSpan(i * ObservationSize, ObservationSize));
            _actions.AsSpan(row * ActionSize, ActionSize).CopyTo(batch.Actions.AsSpan(i * ActionSize, ActionSize));
            batch.Rewards[i] = _rewards[row];
            batch.Terminated[i] = _terminated[row];
        }
    }

    /// <summary>The stored rows (only the first Count) as safetensors, plus Count and Position as metadata.</summary>
    public (List<SafeTensor> Tensors, Dictionary<string, string> Metadata) Save()
    {
        int n = Count;
        List<SafeTensor> tensors =
        [
            SafeTensor.Create<float>("observations", _observations.AsSpan(0, n * ObservationSize), n, ObservationSize),
            SafeTensor.Create<float>("next_observations", _nextObservations.AsSpan(0, n * ObservationSize), n, ObservationSize),
            SafeTensor.Create<float>("actions", _actions.AsSpan(0, n * ActionSize), n, ActionSize),
            SafeTensor.Create<float>("rewards", _rewards.AsSpan(0, n), n),
            SafeTensor.Create<float>("terminated", _terminated.AsSpan(0, n), n),
        ];
        var metadata = new Dictionary<string, string>
        {
            ["capacity"] = Capacity.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["count"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["position"] = Position.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return (tensors, metadata);
    }

    /// <summary>Restores what <see cref="Save"/> wrote, after checking every shape against this buffer.</summary>
    /// <exception cref="InvalidDataException">The file does not describe a buffer of this shape.</exception>
    public void Load(SafeTensorsFile file)
    {
        (int count, int position) = Validate(file);
        Restore(file, "observations", _observations, [count, ObservationSize]);
        Restore(file, "next_observations", _nextObservations, [count, ObservationSize]);
        Restore(file, "actions", _actions, [count, ActionSize]);
        Restore(file, "rewards", _rewards, [count]);
        Restore(file, "terminated", _terminated, [count]);
        Count = count;
        Position = position;
    }

    /// <summary>Checks, without changing the buffer, that <paramref name="file"/> holds a buffer of this shape; returns its count and position.</summary>
    /// <exception cref="InvalidDataException">It does not.</exception>
    public (int Count, int Position) Validate(SafeTensorsFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        int count = ReadInt(file, "count");
        int position = ReadInt(file, "position");
        if (ReadInt(file, "capacity") != Capacity || count < 0 || count > Capacity || position < 0 || position >= Capacity || (count < Capacity && position != count))
        {
            throw new InvalidDataException($"{file.SourceName}: replay buffer metadata (capacity, count {count}, position {position}) does not fit this buffer of capacity {Capacity}.");
        }

        Check(file, "observations", [count, ObservationSize]);
        Check(file, "next_observations", [count, ObservationSize]);
        Check(file, "actions", [count, ActionSize]);
        Check(file, "rewards", [count]);
        Check(file, "terminated", [count]);
        return (count, position);
    }

    /// <summary>Forgets every transition (used when a checkpoint was saved without its buffer).</summary>
    public void Clear()
    {
        Count = 0;
        Position = 0;
    }

    private static int ReadInt(SafeTensorsFile file, string key)
    {
        if (!file.Metadata.TryGetValue(key, out string? text) || !int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int value))
        {
            throw new InvalidDataException($"{file.SourceName}: replay buffer metadata '{key}' is missing or not an integer.");
        }

        return value;
    }

    private static SafeTensor Check(SafeTensorsFile file, string name, int[] shape)
    {
        if (!file.TryGetTensor(name, out SafeTensor? tensor) || tensor.DType != SafeTensorDType.F32 || !tensor.HasShape(shape))
        {
            throw new InvalidDataException($"{file.SourceName}: replay buffer tensor '{name}' is missing or not float32 of shape {SafeTensor.FormatShape(shape)}.");
        }

        return tensor;
    }

    private static void Restore(SafeTensorsFile file, string name, float[] destination, int[] shape)
    {
        SafeTensor tensor = Check(file, name, shape);
        tensor.CopyTo<float>(destination.AsSpan(0, tensor.ElementCount));
    }
}

/// <summary>A preallocated minibatch of transitions that <see cref="ReplayBuffer.Sample"/> fills.</summary>
public sealed class ReplayBatch
{
    /// <summary>Allocates a batch of <paramref name="size"/> transitions.</summary>
    public ReplayBatch(int size, int observationSize, int actionSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        Size = size;
        ObservationSize = observationSize;
        ActionSize = actionSize;
        Observations = new float[size * observationSize];
        NextObservations = new float[size * observationSize];
        Actions = new float[size * actionSize];
        Rewards = new float[size];
        Terminated = new float[size];
        Indices = new int[size];
    }

    /// <summary>Transitions per batch.</summary>
    public int Size { get; }

    /// <summary>Floats per observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Floats per action.</summary>
    public int ActionSize { get; }

    /// <summary>s, [Size × ObservationSize].</summary>
    public float[] Observations { get; }

    /// <summary>s'.</summary>
    public float[] NextObservations { get; }

    /// <summary>a, in [−1, 1].</summary>
    public float[] Actions { get; }

    /// <summary>r.</summary>
    public float[] Rewards { get; }

    /// <summary>d = terminated.</summary>
    public float[] Terminated { get; }

    /// <summary>Buffer rows the transitions came from.</summary>
    public int[] Indices { get; }
}
