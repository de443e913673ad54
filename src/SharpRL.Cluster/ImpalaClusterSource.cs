using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Orleans.Runtime;
using SharpRL.Algorithms.Impala;
using SharpRL.Spaces;

namespace SharpRL.Cluster;

/// <summary>What the learner knows about one IMPALA worker (the status page shows it).</summary>
/// <param name="Worker">Machine and process of the worker.</param>
/// <param name="FirstSourceId">Its first env copy.</param>
/// <param name="Chunks">Chunks received from it.</param>
/// <param name="Steps">Env steps in those chunks.</param>
/// <param name="StepsPerSecond">Env steps per second of its last unroll, as it timed it.</param>
/// <param name="LastLag">Learner version minus the version of its last chunk, when it arrived.</param>
/// <param name="SecondsSinceLastChunk">Seconds since its last chunk arrived.</param>
/// <param name="Gone">Its silo left the cluster (membership declared it dead); a spare or a new silo took its place.</param>
public sealed record ImpalaWorkerStatus(string Worker, int FirstSourceId, long Chunks, long Steps, double StepsPerSecond, long LastLag, double SecondsSinceLastChunk, bool Gone = false);

/// <summary>
/// An <see cref="ITrajectorySource"/> whose actors run on Orleans worker silos (IMPALA's distributed form,
/// Espeholt et al. 2018, figure 1 right): each worker's actor unrolls its K env copies with the latest weights
/// it has, pushes the K chunks to the learner's inbox grain (<see cref="IImpalaLearnerGrain"/>) in one message
/// and gets newer weights in the reply, so its weights lag the learner's by the updates made while it
/// unrolled and while its message waited; V-trace corrects for it and the learner logs it
/// (<c>train/policy_lag_mean</c>, <c>train/policy_lag_max</c>).
/// </summary>
/// <remarks>
/// The inbox holds at most <see cref="ImpalaOptions.EffectiveQueueCapacity"/> chunks; a push waits while it is
/// full, which bounds the lag. Chunks are checked (<see cref="ImpalaChunkMessage.ToChunk"/>) before they are
/// queued: a malformed batch is dropped, logged, and its worker told to stop, and the learner goes on.
/// <see cref="Workers"/> actors run at a time. After the first <see cref="Receive"/> the source keeps watching
/// membership: a worker whose silo is declared dead is marked gone (what it had pushed stays in the inbox, as
/// its chunks are whole unrolls), and a silo that is active and not yet used (a spare, or one that joins
/// mid-run) takes the vacancy with a fresh range of env copies. The learner fails only when no chunk has arrived
/// for <see cref="ChunkTimeout"/>. Like the local asynchronous source, a run is not bit-reproducible.
/// </remarks>
public sealed class ImpalaClusterSource : ITrajectorySource
{
    private static readonly ConcurrentDictionary<string, ImpalaClusterSource> Sources = new(StringComparer.Ordinal);

    private readonly IGrainFactory _grains;
    private readonly IClusterMembershipService _membership;
    private readonly SiloAddress _learnerSilo;
    private readonly ImpalaJoinRequest _template;
    private readonly int _observationSize;
    private readonly int _actionSize;
    private readonly BlockingCollection<TrajectoryChunk> _inbox = new(new ConcurrentQueue<TrajectoryChunk>());
    private readonly SemaphoreSlim _room;
    private readonly List<TrajectoryChunk> _received = [];
    private readonly ConcurrentDictionary<string, WorkerEntry> _workers = new(StringComparer.Ordinal);
    private readonly Dictionary<SiloAddress, (IImpalaWorkerGrain Grain, WorkerEntry Entry)> _started = [];
    private readonly HashSet<SiloAddress> _tried = [];
    private readonly Dictionary<SiloAddress, int> _failures = [];
    private readonly List<string> _refusals = [];
    private readonly Lock _joinGate = new();
    private readonly CancellationTokenSource _stopWatching = new();
    private Task? _watcher;
    private int _nextFirstSourceId;
    private readonly Action<string> _log;
    private readonly Lock _weightsGate = new();
    private byte[] _weights = [];
    private long _version = -1;
    private volatile bool _stopped;
    private int _rejected;

    /// <summary>Creates the source; workers are started at the first <see cref="Receive"/>.</summary>
    /// <param name="services">The learner silo's services.</param>
    /// <param name="options">num_actors is the worker count W; n_envs copies per worker, unroll_length, queue_capacity and the policy architecture.</param>
    /// <param name="envId">Env id the workers make.</param>
    /// <param name="observationSpace">The env's observation space (workers must have the same).</param>
    /// <param name="actionSpace">The env's action space.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="log">Joins, refusals, dropped batches.</param>
    public ImpalaClusterSource(IServiceProvider services, ImpalaOptions options, string envId, Space observationSpace, Space actionSpace, int seed, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(envId);
        ArgumentNullException.ThrowIfNull(observationSpace);
        ArgumentNullException.ThrowIfNull(actionSpace);
        options.Validate();
        if (options.Deterministic)
        {
            throw new ArgumentException("deterministic = true runs the actor on the learner's thread; the cluster's actors are asynchronous by nature. Train with deterministic = false.", nameof(options));
        }

        _grains = (IGrainFactory)services.GetService(typeof(IGrainFactory))!;
        _membership = (IClusterMembershipService)services.GetService(typeof(IClusterMembershipService))!;
        _learnerSilo = ((ILocalSiloDetails)services.GetService(typeof(ILocalSiloDetails))!).SiloAddress;
        _log = log ?? (_ => { });
        _observationSize = observationSpace.FlatSize;
        _actionSize = actionSpace is Discrete ? 1 : actionSpace.FlatSize;
        Workers = options.NumActors;
        _room = new SemaphoreSlim(options.EffectiveQueueCapacity);
        _template = new ImpalaJoinRequest
        {
            ProtocolVersion = RolloutWorker.ProtocolVersion,
            LearnerKey = _learnerSilo.ToParsableString(),
            EnvId = envId,
            ObservationSpace = observationSpace.ToString() ?? "",
            ActionSpace = actionSpace.ToString() ?? "",
            PolicyOptionsJson = RolloutWorker.PolicyOptionsJson(options),
            NumEnvs = options.NumEnvs,
            UnrollLength = options.UnrollLength,
            Seed = seed,
        };
        if (!Sources.TryAdd(_template.LearnerKey, this))
        {
            throw new InvalidOperationException($"The learner silo {_learnerSilo} already runs an IMPALA source; one per silo.");
        }
    }

    /// <summary>Worker silos W.</summary>
    public int Workers { get; }

    /// <summary>How long to wait for the workers to join.</summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long Receive waits for a chunk before it gives up (every worker gone).</summary>
    public TimeSpan ChunkTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Batches dropped as malformed.</summary>
    public int Rejected => Volatile.Read(ref _rejected);

    /// <summary>The latest weights version published.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>What the learner knows about each worker.</summary>
    public IReadOnlyList<ImpalaWorkerStatus> Status
    {
        get
        {
            long now = Stopwatch.GetTimestamp();
            return [.. _workers.Values.OrderBy(w => w.FirstSourceId).Select(w => w.Snapshot(now))];
        }
    }

    /// <summary>The workers as status-page rows.</summary>
    public IReadOnlyList<WorkerStatusRow> StatusRows =>
        [.. Status.Select(w => new WorkerStatusRow(w.Worker, w.FirstSourceId, w.Chunks, w.Steps, w.StepsPerSecond, w.LastLag, w.SecondsSinceLastChunk, w.Gone ? "gone" : _stopped ? "stopped" : "active"))];

    /// <inheritdoc />
    public void PublishWeights(ReadOnlySpan<float> parameters, long version)
    {
        byte[] copy = MemoryMarshal.AsBytes(parameters).ToArray();
        lock (_weightsGate)
        {
            if (version < _version)
            {
                throw new ArgumentOutOfRangeException(nameof(version), version, $"Weight versions must not decrease; the last published was {_version}.");
            }

            _weights = copy;
            Interlocked.Exchange(ref _version, version);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<TrajectoryChunk> Receive(int maxChunks, CancellationToken cancel)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChunks);
        ObjectDisposedException.ThrowIf(_stopped, this);
        if (Version < 0)
        {
            throw new InvalidOperationException("PublishWeights must be called before Receive: the workers have no weights to act with.");
        }

        if (_watcher is null)
        {
            StartWorkers();
            _watcher = Task.Run(() => WatchMembershipAsync(_stopWatching.Token));
        }

        _received.Clear();
        long waiting = Stopwatch.GetTimestamp();
        TrajectoryChunk? first;
        while (!_inbox.TryTake(out first, 100, cancel))
        {
            if (Stopwatch.GetElapsedTime(waiting) > ChunkTimeout)
            {
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                    $"No trajectory chunk arrived for {ChunkTimeout.TotalSeconds:F0} s; the workers ({string.Join(", ", Status.Select(s => s.Worker))}) are gone or stuck."));
            }
        }

        _received.Add(first);
        while (_received.Count < maxChunks && _inbox.TryTake(out TrajectoryChunk? next))
        {
            _received.Add(next);
        }

        _room.Release(_received.Count);
        return _received;
    }

    /// <summary>Stops the workers' actors and leaves the silo free for another run.</summary>
    public void Dispose()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        Sources.TryRemove(new KeyValuePair<string, ImpalaClusterSource>(_template.LearnerKey, this));
        _stopWatching.Cancel();
        try
        {
            _watcher?.Wait(TimeSpan.FromSeconds(70));
        }
        catch (AggregateException e) when (e.InnerExceptions.All(inner => inner is OperationCanceledException))
        {
            // The watcher ends by cancellation.
        }

        // Pushes waiting for room are released (their reply says stop).
        _room.Release(Math.Max(1, Workers));
        IImpalaWorkerGrain[] alive;
        lock (_joinGate)
        {
            alive = [.. _started.Values.Where(worker => !worker.Entry.Gone).Select(worker => worker.Grain)];
        }

        foreach (IImpalaWorkerGrain worker in alive)
        {
            try
            {
                worker.Stop().WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _log($"IMPALA worker did not confirm the stop ({e.GetType().Name}: {e.Message}).");
            }
        }

        _inbox.Dispose();
        _stopWatching.Dispose();
    }

    /// <summary>The source registered for a learner silo (the inbox grain's lookup), or null.</summary>
    internal static ImpalaClusterSource? Find(string learnerKey) => Sources.TryGetValue(learnerKey, out ImpalaClusterSource? source) ? source : null;

    /// <summary>Checks and queues one push (called by the inbox grain); waits for room; answers with newer weights.</summary>
    internal async Task<ImpalaPushReply> AcceptAsync(ImpalaChunkBatch batch)
    {
        if (_stopped)
        {
            return new ImpalaPushReply { Stop = true, Reason = "the run ended" };
        }

        _workers.TryGetValue(batch.Worker ?? "", out WorkerEntry? entry);
        var chunks = new List<TrajectoryChunk>();
        try
        {
            if (entry is null)
            {
                throw new InvalidDataException($"worker '{batch.Worker}' did not join this run");
            }

            if (batch.Chunks is null || batch.Chunks.Length != _template.NumEnvs)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{batch.Chunks?.Length ?? 0} chunks, expected one per env copy ({_template.NumEnvs})"));
            }

            foreach (ImpalaChunkMessage message in batch.Chunks)
            {
                TrajectoryChunk chunk = message.ToChunk(_template.UnrollLength, _observationSize, _actionSize);
                if (chunk.SourceId < entry.FirstSourceId || chunk.SourceId >= entry.FirstSourceId + _template.NumEnvs || chunk.PolicyVersion > Version || chunk.PolicyVersion < 0)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"chunk of copy {chunk.SourceId} made with weights version {chunk.PolicyVersion}: outside the worker's copies {entry.FirstSourceId}..{entry.FirstSourceId + _template.NumEnvs - 1} or the published versions 0..{Version}"));
                }

                chunks.Add(chunk);
            }
        }
        catch (InvalidDataException e)
        {
            Interlocked.Increment(ref _rejected);
            _log($"IMPALA worker {entry?.Describe ?? batch.Worker} sent a malformed batch ({e.Message}): dropped, and the worker told to stop.");
            return new ImpalaPushReply { Stop = true, Reason = $"malformed batch: {e.Message}" };
        }

        foreach (TrajectoryChunk chunk in chunks)
        {
            await _room.WaitAsync().ConfigureAwait(false);
            if (_stopped)
            {
                return new ImpalaPushReply { Stop = true, Reason = "the run ended" };
            }

            _inbox.Add(chunk);
        }

        long version = Version;
        entry.Record(chunks.Count, (long)chunks.Count * _template.UnrollLength, batch.UnrollSeconds, version - chunks[0].PolicyVersion);
        if (chunks[0].PolicyVersion >= version)
        {
            return new ImpalaPushReply { Version = version };
        }

        lock (_weightsGate)
        {
            return new ImpalaPushReply { Version = _version, Parameters = _weights };
        }
    }

    private void StartWorkers()
    {
        long started = Stopwatch.GetTimestamp();
        while (JoinVacancies() < Workers)
        {
            if (Stopwatch.GetElapsedTime(started) > JoinTimeout)
            {
                int joined;
                string refusals;
                lock (_joinGate)
                {
                    joined = _started.Count;
                    refusals = string.Concat(_refusals.Select(r => " " + r));
                }

                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                    $"Waited {JoinTimeout.TotalSeconds:F0} s for {Workers} IMPALA workers; {joined} joined.{refusals} Start workers with `sharprl cluster worker --join HOST:PORT`."));
            }

            Thread.Sleep(100);
        }
    }

    /// <summary>
    /// Marks workers whose silos membership declared dead as gone, and starts active silos not tried yet while
    /// fewer than <see cref="Workers"/> actors are alive. Returns how many are alive.
    /// </summary>
    private int JoinVacancies()
    {
        lock (_joinGate)
        {
            IReadOnlyDictionary<SiloAddress, ClusterMember> members = _membership.CurrentSnapshot.Members;
            foreach ((SiloAddress silo, (_, WorkerEntry entry)) in _started)
            {
                if (!entry.Gone && (!members.TryGetValue(silo, out ClusterMember? member) || member.Status == SiloStatus.Dead))
                {
                    entry.Gone = true;
                    _log($"IMPALA worker {entry.Describe} left the cluster (silo {silo} declared dead); copies {entry.FirstSourceId}..{entry.FirstSourceId + _template.NumEnvs - 1} stop. A spare or a silo that joins takes its place.");
                }
            }

            int alive = _started.Values.Count(worker => !worker.Entry.Gone);
            foreach (ClusterMember member in members.Values)
            {
                if (alive == Workers || _stopped)
                {
                    break;
                }

                if (member.Status == SiloStatus.Active && !member.SiloAddress.Equals(_learnerSilo) && _tried.Add(member.SiloAddress) && TryStart(member.SiloAddress))
                {
                    alive++;
                }
            }

            return alive;
        }
    }

    /// <summary>Starts the actor of one silo with the next range of env copies; false (and logged) when it failed or refused.</summary>
    private bool TryStart(SiloAddress silo)
    {
        string key = silo.ToParsableString();
        IImpalaWorkerGrain worker = _grains.GetGrain<IImpalaWorkerGrain>(key);
        ImpalaJoinRequest request = Request(_nextFirstSourceId, key);
        JoinReply reply;
        try
        {
            reply = worker.Start(request).WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _refusals.Add($"silo {silo}: start failed ({e.Message})");
            _workers.TryRemove(key, out _);
            _log(_refusals[^1]);

            // Transient when this silo's placement view lags membership: try it again at the next poll, a few times.
            _failures[silo] = _failures.GetValueOrDefault(silo) + 1;
            if (_failures[silo] < 50)
            {
                _tried.Remove(silo);
            }

            return false;
        }

        if (!reply.Accepted)
        {
            _refusals.Add($"worker {reply.Describe} (silo {silo}) refused: {reply.Reason}");
            _workers.TryRemove(key, out _);
            _log(_refusals[^1]);
            return false;
        }

        WorkerEntry entry = _workers[key];
        entry.Describe = reply.Describe;
        _started[silo] = (worker, entry);
        _nextFirstSourceId += _template.NumEnvs;
        _log($"IMPALA worker {reply.Describe} joined: copies {request.FirstEnvIndex}..{request.FirstEnvIndex + request.NumEnvs - 1}.");
        return true;
    }

    /// <summary>After the start: fills vacancies left by dead workers from spares and silos that join mid-run.</summary>
    private async Task WatchMembershipAsync(CancellationToken cancel)
    {
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                JoinVacancies();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A failed poll (membership mid-change) must not end the watching: the next one tries again.
                _log($"IMPALA membership poll failed ({e.GetType().Name}: {e.Message}); retrying.");
            }

            await Task.Delay(250, cancel).ConfigureAwait(false);
        }
    }

    private ImpalaJoinRequest Request(int firstSourceId, string workerKey)
    {
        // Registered before the call: the worker's first push may arrive before Start returns.
        _workers[workerKey] = new WorkerEntry(firstSourceId) { Describe = workerKey };
        lock (_weightsGate)
        {
            return _template with { FirstEnvIndex = firstSourceId, Version = _version, Parameters = _weights };
        }
    }

    private sealed class WorkerEntry(int firstSourceId)
    {
        private readonly Lock _gate = new();
        private long _chunks;
        private long _steps;
        private double _stepsPerSecond;
        private long _lag;
        private long _last;

        public int FirstSourceId { get; } = firstSourceId;

        public string Describe { get; set; } = "";

        public bool Gone { get; set; }

        public void Record(int chunks, long steps, double seconds, long lag)
        {
            lock (_gate)
            {
                _chunks += chunks;
                _steps += steps;
                _stepsPerSecond = seconds > 0 ? steps / seconds : 0;
                _lag = lag;
                _last = Stopwatch.GetTimestamp();
            }
        }

        public ImpalaWorkerStatus Snapshot(long now)
        {
            lock (_gate)
            {
                double since = _last == 0 ? double.NaN : Stopwatch.GetElapsedTime(_last, now).TotalSeconds;
                return new ImpalaWorkerStatus(Describe, FirstSourceId, _chunks, _steps, _stepsPerSecond, _lag, since, Gone);
            }
        }
    }
}
