using System.Collections.Concurrent;

namespace SharpRL.Algorithms.Impala;

/// <summary>
/// An <see cref="ITrajectorySource"/> of actor threads in this process (the single-machine IMPALA of
/// Espeholt et al. 2018, figure 1 left): N actors, each with K env copies and a policy replica, unroll
/// T steps with the latest weights they have seen and put the K chunks into a bounded queue the learner
/// takes batches from. Actors refresh their weights only between unrolls, so a chunk may have been made
/// with weights several updates old (the policy lag that V-trace corrects); the queue bound limits it.
/// </summary>
/// <remarks>
/// <para>
/// Asynchronous mode (the default) is not bit-reproducible: which weights a chunk was made with, and
/// the order in which the actors' chunks reach the learner, depend on thread scheduling. Synchronous
/// mode (<see cref="ImpalaOptions.Deterministic"/>) has one actor that unrolls on the caller's thread
/// inside <see cref="Receive"/>, with the weights published last: the same seed gives the same chunks
/// and so the same weights, and its state can be checkpointed (<see cref="ICheckpointableTrajectorySource"/>).
/// </para>
/// <para>Seeds: env copy g (numbered over all actors) is reset with seed + g; actor a samples actions from its own generator.</para>
/// </remarks>
public sealed class LocalTrajectorySource : ICheckpointableTrajectorySource
{
    private readonly ImpalaActor[] _actors;
    private readonly PublishedWeights _weights;
    private readonly bool _synchronous;
    private readonly Queue<TrajectoryChunk> _pending = new();
    private readonly BlockingCollection<TrajectoryChunk>? _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TrajectoryChunk> _received = [];
    private Thread[]? _threads;
    private volatile Exception? _failure;
    private long _stepsTaken;
    private bool _disposed;

    /// <summary>Creates the actors (threads start at the first <see cref="Receive"/>).</summary>
    /// <param name="makeEnv">Creates one env copy.</param>
    /// <param name="options">num_actors, n_envs, unroll_length, queue_capacity, deterministic and the policy architecture.</param>
    /// <param name="seed">The run's seed.</param>
    public LocalTrajectorySource(Func<IEnv> makeEnv, ImpalaOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(makeEnv);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _synchronous = options.Deterministic;
        UnrollLength = options.UnrollLength;
        _actors = new ImpalaActor[options.NumActors];
        try
        {
            for (int a = 0; a < _actors.Length; a++)
            {
                _actors[a] = new ImpalaActor(makeEnv, options.NumEnvs, options.UnrollLength, options.Policy, a * options.NumEnvs, seed);
            }
        }
        catch
        {
            foreach (ImpalaActor? actor in _actors)
            {
                actor?.Dispose();
            }

            throw;
        }

        _weights = new PublishedWeights(_actors[0].ParameterCount);
        if (!_synchronous)
        {
            _queue = new BlockingCollection<TrajectoryChunk>(new ConcurrentQueue<TrajectoryChunk>(), options.EffectiveQueueCapacity);
        }
    }

    /// <summary>The env's observation space.</summary>
    public Space ObservationSpace => _actors[0].ObservationSpace;

    /// <summary>The env's action space.</summary>
    public Space ActionSpace => _actors[0].ActionSpace;

    /// <summary>T, the length of every chunk.</summary>
    public int UnrollLength { get; }

    /// <summary>Whether the one actor runs on the caller's thread (deterministic mode).</summary>
    public bool IsSynchronous => _synchronous;

    /// <summary>Env steps the actors have taken so far (including chunks not yet received).</summary>
    public long StepsTaken => Interlocked.Read(ref _stepsTaken);

    /// <summary>Chunks waiting for the learner.</summary>
    public int QueuedChunks => _synchronous ? _pending.Count : _queue!.Count;

    /// <inheritdoc />
    public string? StateUnavailableReason => _synchronous
        ? (_pending.Count == 0 ? null : $"{_pending.Count} chunks are waiting for the learner; the actor can be saved only between updates.")
        : "asynchronous actor threads cannot be stopped at a point a later run could continue from exactly; deterministic=true makes the actor checkpointable.";

    /// <inheritdoc />
    public void PublishWeights(ReadOnlySpan<float> parameters, long version)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (version < 0 || version < _weights.Version)
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, $"Weight versions must not decrease and be ≥ 0; the last published was {_weights.Version}.");
        }

        _weights.Publish(parameters, version);
    }

    /// <inheritdoc />
    public IReadOnlyList<TrajectoryChunk> Receive(int maxChunks, CancellationToken cancel)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChunks);
        if (_weights.Version < 0)
        {
            throw new InvalidOperationException("PublishWeights must be called before Receive: the actors have no weights to act with.");
        }

        _received.Clear();
        if (_synchronous)
        {
            if (_pending.Count == 0)
            {
                ImpalaActor actor = _actors[0];
                actor.Refresh(_weights);
                foreach (TrajectoryChunk chunk in actor.Unroll())
                {
                    _pending.Enqueue(chunk);
                }

                _stepsTaken += (long)actor.NumEnvs * UnrollLength;
            }

            while (_received.Count < maxChunks && _pending.Count > 0)
            {
                _received.Add(_pending.Dequeue());
            }

            return _received;
        }

        StartThreads();
        TrajectoryChunk? first;
        while (!_queue!.TryTake(out first, 100, cancel))
        {
            ThrowIfActorFailed();
        }

        _received.Add(first);
        while (_received.Count < maxChunks && _queue.TryTake(out TrajectoryChunk? next))
        {
            _received.Add(next);
        }

        return _received;
    }

    /// <inheritdoc />
    public JsonNode SaveState()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (StateUnavailableReason is { } reason)
        {
            throw new InvalidOperationException($"The trajectory source cannot be saved: {reason}");
        }

        return new JsonObject { ["type"] = nameof(LocalTrajectorySource), ["actor"] = _actors[0].SaveState() };
    }

    /// <inheritdoc />
    public void LoadState(JsonNode state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_synchronous)
        {
            throw new ArgumentException("Only a deterministic (synchronous) source can load an actor state; this one runs asynchronous actor threads.", nameof(state));
        }

        if (state is not JsonObject { } obj || obj["type"] is not JsonValue type || type.GetValue<string>() != nameof(LocalTrajectorySource) || obj["actor"] is not JsonObject actor)
        {
            throw new ArgumentException($"The state is not a {nameof(LocalTrajectorySource)} state (expected an object with type and actor).", nameof(state));
        }

        _pending.Clear();
        _actors[0].LoadState(actor);
    }

    /// <summary>Stops the actor threads and disposes the env copies.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Cancel();
        foreach (Thread thread in _threads ?? [])
        {
            thread.Join();
        }

        foreach (ImpalaActor actor in _actors)
        {
            actor.Dispose();
        }

        _queue?.Dispose();
        _stop.Dispose();
    }

    private void StartThreads()
    {
        if (_threads is not null)
        {
            return;
        }

        _threads = new Thread[_actors.Length];
        for (int a = 0; a < _actors.Length; a++)
        {
            ImpalaActor actor = _actors[a];
            _threads[a] = new Thread(() => RunActor(actor)) { IsBackground = true, Name = string.Create(CultureInfo.InvariantCulture, $"impala-actor-{a}") };
            _threads[a].Start();
        }
    }

    private void RunActor(ImpalaActor actor)
    {
        CancellationToken stop = _stop.Token;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                actor.Refresh(_weights);
                TrajectoryChunk[] chunks = actor.Unroll();
                Interlocked.Add(ref _stepsTaken, (long)actor.NumEnvs * UnrollLength);
                foreach (TrajectoryChunk chunk in chunks)
                {
                    _queue!.Add(chunk, stop);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed while waiting for room in the queue.
        }
        catch (Exception error)
        {
            // Surfaced on the learner's thread by the next Receive.
            _failure = error;
        }
    }

    private void ThrowIfActorFailed()
    {
        if (_failure is { } error)
        {
            throw new InvalidOperationException($"An IMPALA actor thread failed: {error.Message}", error);
        }
    }
}
