using System.Runtime.ExceptionServices;

namespace SharpRL.Envs.Vector;

/// <summary>
/// An asynchronous env pool (the EnvPool design, Weng et al. 2022): N env copies split over W worker
/// threads, each thread owning a contiguous block of K ≈ N/W copies. The learner
/// <see cref="Send"/>s actions for some envs and <see cref="Receive"/>s the first B envs whose step has
/// finished, acts on that batch with one batched policy call, and sends those actions back, so the
/// policy's computation overlaps the other envs' simulation and a slow env does not hold up the rest.
/// </summary>
/// <remarks>
/// <para>
/// With B = N (the default, "synchronous mode") every Receive returns all envs in id order and the pool
/// steps exactly as <see cref="SyncVectorEnv"/> does, bit for bit; it then also serves as an
/// <see cref="IVectorEnv"/>. With B &lt; N which envs make up a batch depends on timing, but each env's
/// own trajectory does not: a copy is stepped only by its owner thread, with its own generator, on the
/// actions sent to it, with the same same-step autoreset as the vector envs (the finished episode's
/// last observation in <see cref="EnvPoolBatch.FinalObservations"/>, the new episode's first in
/// <see cref="EnvPoolBatch.Observations"/>).
/// </para>
/// <para>
/// Threading policy: workers are not pinned by default, because on a machine whose cores are shared
/// a pinned thread waits for its core while another sits idle; <c>pinThreads</c> (Linux) pins worker w
/// to the w-th CPU this process may use, for dedicated machines. Waiting spins briefly, then blocks:
/// an idle worker spins <c>spinCount</c> rounds (default about 50 µs) and the learner up to 2047
/// rounds of <see cref="ManualResetEventSlim"/>'s spin, which yields its core to other runnable threads
/// after the first few rounds, so with more threads than cores the pool degrades to time-slicing rather
/// than to busy-waiting. A worker publishes each env as soon as its step is done; the learner is woken
/// once, when the B-th env of the batch it waits for is ready.
/// </para>
/// <para>
/// Send, Receive, AsyncReset and the vector-env members must be called from one thread at a time (the
/// learner's). Send and Receive allocate nothing. Dispose stops the workers and disposes the copies.
/// </para>
/// </remarks>
public sealed class EnvPool : IVectorEnv, IStatefulEnv, IVectorStepInfoEnv, IVectorActionMaskEnv
{
    /// <summary>Default number of spins an idle worker makes before it blocks (about 50 µs).</summary>
    public const int DefaultSpinCount = ParallelVectorEnv.DefaultSpinCount;

    // ManualResetEventSlim's maximum: the learner has nothing else to do while it waits.
    private const int ReceiverSpinCount = 2047;

    private const int CommandStep = 1;
    private const int CommandReset = 2;

    private readonly EnvCopies _copies;
    private readonly Worker[] _workers;
    private readonly int[] _ownerOf;
    private readonly int[] _allIds;

    // Per env, written by the learner before the env is queued and read by its owner thread.
    private readonly float[] _actions;
    private readonly int[] _command;
    private readonly int?[] _resetSeed;

    // Per env, written by the owner thread before the env is published as ready, read by the learner.
    private readonly float[] _observations;
    private readonly double[] _rewards;
    private readonly bool[] _terminated;
    private readonly bool[] _truncated;
    private readonly ExceptionDispatchInfo?[] _errors;

    // Learner-side bookkeeping.
    private readonly bool[] _pending;
    private readonly long[] _sendMark;
    private long _sendCount;
    private int _inFlight;
    private string? _fault;

    // Ready envs in the order their steps finished (a ring of N: at most N envs are in flight).
    private readonly object _readyLock = new();
    private readonly int[] _ready;
    private readonly ManualResetEventSlim _readyEvent = new(false, ReceiverSpinCount);
    private int _readyHead;
    private int _readyCount;
    private int _wakeAt = int.MaxValue;

    private readonly EnvPoolBatch _batch;
    private volatile bool _stopping;
    private bool _disposed;

    /// <summary>Creates <paramref name="numEnvs"/> copies by calling <paramref name="factory"/> once per copy.</summary>
    /// <param name="factory">Returns a new env per call.</param>
    /// <param name="numEnvs">Number of copies N.</param>
    /// <param name="numThreads">Worker threads W (1 to N); default min(processor count, N).</param>
    /// <param name="batchSize">Envs per <see cref="Receive"/>, B (1 to N); default N, the synchronous mode.</param>
    /// <param name="spinCount">Spins an idle worker makes before it blocks (0–2047).</param>
    /// <param name="pinThreads">Pin worker w to the w-th CPU the process may use (Linux only).</param>
    public EnvPool(Func<IEnv> factory, int numEnvs, int? numThreads = null, int? batchSize = null, int spinCount = DefaultSpinCount, bool pinThreads = false)
        : this(EnvCopies.Create(factory, numEnvs), numThreads, batchSize, spinCount, pinThreads)
    {
    }

    /// <summary>Uses the given env instances as the copies (one distinct instance per copy, equal spaces).</summary>
    /// <param name="envs">The copies; the pool owns and disposes them. Env i has id i.</param>
    /// <param name="numThreads">Worker threads W (1 to N); default min(processor count, N).</param>
    /// <param name="batchSize">Envs per <see cref="Receive"/>, B (1 to N); default N, the synchronous mode.</param>
    /// <param name="spinCount">Spins an idle worker makes before it blocks (0–2047).</param>
    /// <param name="pinThreads">Pin worker w to the w-th CPU the process may use (Linux only).</param>
    public EnvPool(IReadOnlyList<IEnv> envs, int? numThreads = null, int? batchSize = null, int spinCount = DefaultSpinCount, bool pinThreads = false)
        : this(new EnvCopies(envs), numThreads, batchSize, spinCount, pinThreads)
    {
    }

    private EnvPool(EnvCopies copies, int? numThreads, int? batchSize, int spinCount, bool pinThreads)
    {
        _copies = copies;
        int n = copies.Count;
        int threads = numThreads ?? Math.Min(Environment.ProcessorCount, n);
        int b = batchSize ?? n;
        int[] cpus = [];
        try
        {
            if (threads < 1 || threads > n)
            {
                throw new ArgumentOutOfRangeException(nameof(numThreads), numThreads, $"numThreads must be between 1 and the number of envs ({n}).");
            }

            if (b < 1 || b > n)
            {
                throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize must be between 1 and the number of envs ({n}).");
            }

            if (spinCount is < 0 or > 2047)
            {
                throw new ArgumentOutOfRangeException(nameof(spinCount), spinCount, "spinCount must be between 0 and 2047.");
            }

            if (pinThreads)
            {
                cpus = EnvPoolAffinity.AllowedCpus();
            }
        }
        catch
        {
            copies.Dispose();
            _readyEvent.Dispose();
            throw;
        }

        BatchSize = b;
        int obsSize = copies.ObservationSize;
        _actions = new float[n * copies.ActionSize];
        _command = new int[n];
        _resetSeed = new int?[n];
        _observations = new float[n * obsSize];
        _rewards = new double[n];
        _terminated = new bool[n];
        _truncated = new bool[n];
        _errors = new ExceptionDispatchInfo?[n];
        _pending = new bool[n];
        _sendMark = new long[n];
        _ready = new int[n];
        _batch = new EnvPoolBatch(b, obsSize);
        _allIds = [.. Enumerable.Range(0, n)];
        _ownerOf = new int[n];
        _workers = new Worker[threads];
        for (int w = 0; w < threads; w++)
        {
            // Contiguous, balanced: worker w owns envs [w·N/W, (w+1)·N/W).
            var worker = new Worker(w * n / threads, (w + 1) * n / threads, spinCount, pinThreads ? cpus[w % cpus.Length] : -1);
            _workers[w] = worker;
            for (int i = worker.From; i < worker.To; i++)
            {
                _ownerOf[i] = w;
            }
        }

        // ManualResetEventSlim allocates its internal lock object on its first blocking wait, which would
        // otherwise land in some Receive of the steady state (24 bytes, whenever the learner first outruns
        // the workers); one short timed wait here makes it now.
        _readyEvent.Wait(1);

        using var started = new CountdownEvent(threads);
        for (int w = 0; w < threads; w++)
        {
            Worker worker = _workers[w];
            worker.Thread = new Thread(() => WorkerLoop(worker, started))
            {
                IsBackground = true,
                Name = $"EnvPool worker {w}",
            };
            worker.Thread.Start();
        }

        // Wait until every worker runs (and is pinned), so a pinning failure surfaces here.
        started.Wait();
        string? pinError = _workers.Select(w => w.StartError).FirstOrDefault(e => e is not null);
        if (pinError is not null)
        {
            Dispose();
            throw new InvalidOperationException(pinError);
        }
    }

    /// <inheritdoc />
    public int NumEnvs => _copies.Count;

    /// <summary>Worker threads W.</summary>
    public int NumThreads => _workers.Length;

    /// <summary>Envs per <see cref="Receive"/>, B.</summary>
    public int BatchSize { get; }

    /// <summary>Whether B = N: every Receive returns all envs, and the pool works as an <see cref="IVectorEnv"/>.</summary>
    public bool IsSynchronous => BatchSize == NumEnvs;

    /// <summary>Envs sent (or being reset) and not yet received.</summary>
    public int InFlight => _inFlight;

    /// <summary>Worker threads still running (for tests: 0 after Dispose).</summary>
    internal int LiveWorkerCount => _workers.Count(w => w.Thread?.IsAlive == true);

    /// <inheritdoc />
    public Space SingleObservationSpace => _copies.ObservationSpace;

    /// <inheritdoc />
    public Space SingleActionSpace => _copies.ActionSpace;

    /// <summary>The latest batch's final observations (in synchronous mode row i is env i, as <see cref="IVectorEnv"/> says).</summary>
    public ReadOnlySpan<float> FinalObservations => _batch.FinalObservations;

    /// <summary>Episodes that ended in the latest batch.</summary>
    public IReadOnlyList<EpisodeStatistics> CompletedEpisodes => _batch.CompletedEpisodes;

    /// <inheritdoc />
    public IReadOnlyList<string> InfoKeys => _copies.InfoKeys;

    /// <inheritdoc />
    public bool HasActionMasks => _copies.HasActionMasks;

    /// <inheritdoc />
    public int ActionMaskSize => _copies.ActionMaskSize;

    /// <summary>
    /// Discards whatever is in flight (waiting for running steps to end) and resets every env, env i with
    /// seed + i when a seed is given; the next Receives return the reset envs (<see cref="EnvPoolBatch.FromReset"/>).
    /// </summary>
    /// <param name="seed">Seed of env 0, or null to continue each env's generator stream.</param>
    public void AsyncReset(int? seed = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _copies.ValidateReset(_observations.Length, seed);
        WaitReady(_inFlight);
        lock (_readyLock)
        {
            _readyHead = 0;
            _readyCount = 0;
        }

        Array.Clear(_errors);
        _fault = null;
        for (int i = 0; i < NumEnvs; i++)
        {
            _command[i] = CommandReset;
            _resetSeed[i] = seed + i;
            _pending[i] = true;
            Enqueue(i);
        }

        _inFlight = NumEnvs;
        _copies.EndReset();
    }

    /// <summary>
    /// Queues one step for each env in <paramref name="envIds"/>, with row j of <paramref name="actions"/>
    /// for env <c>envIds[j]</c>. Everything is checked before anything is queued.
    /// </summary>
    /// <param name="actions">[envIds.Length × action FlatSize], row-major.</param>
    /// <param name="envIds">Distinct ids of envs that are not in flight (typically a received batch's <see cref="EnvPoolBatch.EnvIds"/>).</param>
    /// <exception cref="ArgumentException">A bad id, a repeated id, a wrong actions length, a non-finite action, or one outside a discrete space.</exception>
    /// <exception cref="InvalidOperationException">Before <see cref="AsyncReset"/>, for an env already in flight, or after an env failed.</exception>
    public void Send(ReadOnlySpan<float> actions, ReadOnlySpan<int> envIds)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfUnusable();
        int actionSize = _copies.ActionSize;
        if (actions.Length != envIds.Length * actionSize)
        {
            throw new ArgumentException(
                $"actions must have {envIds.Length * actionSize} floats ([{envIds.Length} env ids × {actionSize}, the action space's FlatSize]); got {actions.Length}.",
                nameof(actions));
        }

        long mark = ++_sendCount;
        for (int j = 0; j < envIds.Length; j++)
        {
            int id = envIds[j];
            if ((uint)id >= (uint)NumEnvs)
            {
                throw new ArgumentOutOfRangeException(nameof(envIds), id, $"envIds[{j}] = {id} is not an env id of this pool; expected 0 to {NumEnvs - 1}.");
            }

            if (_sendMark[id] == mark)
            {
                throw new ArgumentException($"envIds[{j}] = {id} appears more than once in one Send; each env takes one action per step.", nameof(envIds));
            }

            _sendMark[id] = mark;
            if (_pending[id])
            {
                throw new InvalidOperationException($"env {id} (envIds[{j}]) is already in flight: it was sent or reset and not yet received. Receive it before sending it another action.");
            }

            CheckAction(actions.Slice(j * actionSize, actionSize), id, j);
        }

        for (int j = 0; j < envIds.Length; j++)
        {
            int id = envIds[j];
            actions.Slice(j * actionSize, actionSize).CopyTo(_actions.AsSpan(id * actionSize, actionSize));
            _command[id] = CommandStep;
            _pending[id] = true;
            Enqueue(id);
        }

        _inFlight += envIds.Length;
    }

    /// <summary>
    /// Waits until B envs are ready and returns the first B to have finished, ordered by env id. The
    /// returned batch is reused by the next call.
    /// </summary>
    /// <exception cref="InvalidOperationException">Fewer than B envs are in flight, or an env failed (its exception is rethrown first).</exception>
    public EnvPoolBatch Receive()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfUnusable();
        int b = BatchSize;
        if (_inFlight < b)
        {
            throw new InvalidOperationException(
                $"Receive returns {b} envs (the batch size) but only {_inFlight} are in flight (sent or being reset, not yet received); Send actions for at least {b - _inFlight} more envs first.");
        }

        int[] ids = _batch.EnvIdBuffer;
        WaitReady(b);
        lock (_readyLock)
        {
            for (int r = 0; r < b; r++)
            {
                ids[r] = _ready[(_readyHead + r) % _ready.Length];
            }

            _readyHead = (_readyHead + b) % _ready.Length;
            _readyCount -= b;
        }

        // Id order makes the synchronous mode's rows those of a vector env, and a batch's layout
        // independent of the order in which its envs happened to finish.
        ids.AsSpan().Sort();
        _inFlight -= b;
        int obsSize = _copies.ObservationSize;
        List<EpisodeStatistics> completed = _batch.CompletedBuffer;
        completed.Clear();
        ExceptionDispatchInfo? error = null;
        for (int r = 0; r < b; r++)
        {
            int id = ids[r];
            _pending[id] = false;
            if (_errors[id] is { } failed)
            {
                error ??= failed;
                _fault ??= $"env {id} threw while it was stepped or reset (Receive rethrew it); call AsyncReset to start again.";
                continue;
            }

            _observations.AsSpan(id * obsSize, obsSize).CopyTo(_batch.ObservationBuffer.AsSpan(r * obsSize, obsSize));
            bool fromReset = _command[id] == CommandReset;
            _batch.FromResetBuffer[r] = fromReset;
            _batch.RewardBuffer[r] = fromReset ? 0 : _rewards[id];
            _batch.TerminatedBuffer[r] = !fromReset && _terminated[id];
            _batch.TruncatedBuffer[r] = !fromReset && _truncated[id];
            if (!fromReset && _copies.TryGetFinishedEpisode(id, out EpisodeStatistics episode))
            {
                _copies.FinalObservations.Slice(id * obsSize, obsSize).CopyTo(_batch.FinalObservationBuffer.AsSpan(r * obsSize, obsSize));
                completed.Add(episode);
            }
        }

        error?.Throw();
        return _batch;
    }

    /// <summary>Synchronous mode only: resets every env (env i with seed + i) and writes their first observations [N × obs FlatSize].</summary>
    /// <exception cref="InvalidOperationException">The pool is asynchronous (B &lt; N).</exception>
    public void Reset(Span<float> observations, int? seed = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        RequireSynchronous(nameof(Reset));
        _copies.ValidateReset(observations.Length, seed);
        AsyncReset(seed);
        Receive().Observations.CopyTo(observations);
    }

    /// <summary>Synchronous mode only: steps every env with its row of <paramref name="actions"/> [N × action FlatSize], as <see cref="SyncVectorEnv.Step"/>.</summary>
    /// <exception cref="InvalidOperationException">The pool is asynchronous (B &lt; N).</exception>
    public void Step(ReadOnlySpan<float> actions, Span<float> observations, Span<double> rewards, Span<bool> terminated, Span<bool> truncated)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        RequireSynchronous(nameof(Step));
        _copies.ValidateStep(actions.Length, observations.Length, rewards.Length, terminated.Length, truncated.Length);
        Send(actions, _allIds);
        EnvPoolBatch batch = Receive();
        batch.Observations.CopyTo(observations);
        batch.Rewards.CopyTo(rewards);
        batch.Terminated.CopyTo(terminated);
        batch.Truncated.CopyTo(truncated);
    }

    /// <summary>Env <paramref name="envIndex"/>'s info values of its latest reset or step (it must not be in flight).</summary>
    public void GetInfo(int envIndex, Span<double> values)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((uint)envIndex < (uint)NumEnvs && _pending[envIndex])
        {
            throw new InvalidOperationException($"env {envIndex} is in flight; its info can be read once Receive has returned it.");
        }

        _copies.GetInfo(envIndex, values);
    }

    /// <summary>Every env's current mask [N × <see cref="ActionMaskSize"/>]; no env may be in flight.</summary>
    public void GetActionMasks(Span<bool> masks)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        RequireIdle("the action masks are read");
        _copies.GetActionMasks(masks);
    }

    /// <summary>
    /// Snapshot of every copy (each must be an <see cref="IStatefulEnv"/>) and of their running episode
    /// returns and lengths, interchangeable with the sync and parallel vector envs'; no env may be in flight.
    /// </summary>
    public JsonNode SaveState()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        RequireIdle("its state is saved");
        return _copies.SaveState(this);
    }

    /// <inheritdoc />
    public void LoadState(JsonNode state)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        RequireIdle("a state is loaded");
        _copies.LoadState(state, this);
        _fault = null;
    }

    /// <summary>Stops the worker threads (each finishes the step it is in) and disposes every copy.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stopping = true;
        foreach (Worker worker in _workers)
        {
            worker.Wake.Set();
        }

        foreach (Worker worker in _workers)
        {
            worker.Thread?.Join();
        }

        foreach (Worker worker in _workers)
        {
            worker.Wake.Dispose();
        }

        _readyEvent.Dispose();
        _copies.Dispose();
    }

    private void CheckAction(ReadOnlySpan<float> action, int id, int row)
    {
        for (int k = 0; k < action.Length; k++)
        {
            if (!float.IsFinite(action[k]))
            {
                throw new ArgumentException($"actions[{(row * action.Length) + k}] (env {id}, component {k}) is {action[k]}; actions must be finite.", "actions");
            }
        }

        // Continuous actions outside the box are the env's to clip, as in Gymnasium; discrete ones must be valid.
        if (_copies.ActionSpace is not Box && !_copies.ActionSpace.Contains(action))
        {
            throw new ArgumentException($"actions row {row} (env {id}) = [{string.Join(", ", action.ToArray())}] is not in the action space {_copies.ActionSpace}.", "actions");
        }
    }

    private void ThrowIfUnusable()
    {
        if (!_copies.Started)
        {
            throw new InvalidOperationException("AsyncReset (or Reset) must be called before the first Send or Receive.");
        }

        if (_fault is not null)
        {
            throw new InvalidOperationException(_fault);
        }
    }

    private void RequireSynchronous(string member)
    {
        if (!IsSynchronous)
        {
            throw new InvalidOperationException(
                $"{member} steps all {NumEnvs} envs at once, which needs the synchronous mode (batch size = number of envs); this pool's batch size is {BatchSize}: use AsyncReset, Send and Receive.");
        }
    }

    private void RequireIdle(string what)
    {
        if (_inFlight > 0)
        {
            throw new InvalidOperationException($"{_inFlight} envs are in flight; Receive them before {what}.");
        }
    }

    private void Enqueue(int id)
    {
        Worker worker = _workers[_ownerOf[id]];
        lock (worker.Lock)
        {
            worker.Queue[(worker.Head + worker.Count) % worker.Queue.Length] = id;
            worker.Count++;
        }

        worker.Wake.Set();
    }

    // Blocks until `count` envs are ready: the worker that publishes the count-th wakes the learner once.
    private void WaitReady(int count)
    {
        while (true)
        {
            lock (_readyLock)
            {
                if (_readyCount >= count)
                {
                    _wakeAt = int.MaxValue;
                    return;
                }

                _readyEvent.Reset();
                _wakeAt = count;
            }

            _readyEvent.Wait();
        }
    }

    private void Publish(int id)
    {
        bool wake;
        lock (_readyLock)
        {
            _ready[(_readyHead + _readyCount) % _ready.Length] = id;
            _readyCount++;
            wake = _readyCount >= _wakeAt;
            if (wake)
            {
                _wakeAt = int.MaxValue;
            }
        }

        if (wake)
        {
            _readyEvent.Set();
        }
    }

    private void WorkerLoop(Worker worker, CountdownEvent started)
    {
        if (worker.Cpu >= 0)
        {
            try
            {
                EnvPoolAffinity.PinCurrentThread(worker.Cpu);
            }
            catch (InvalidOperationException ex)
            {
                worker.StartError = ex.Message;
            }
        }

        started.Signal();
        int obsSize = _copies.ObservationSize;
        int actionSize = _copies.ActionSize;
        while (!_stopping)
        {
            int id = -1;
            lock (worker.Lock)
            {
                if (worker.Count > 0)
                {
                    id = worker.Queue[worker.Head];
                    worker.Head = (worker.Head + 1) % worker.Queue.Length;
                    worker.Count--;
                }
                else
                {
                    // Reset under the lock: an Enqueue after it is followed by a Set this thread will see.
                    worker.Wake.Reset();
                }
            }

            if (id < 0)
            {
                if (!_stopping)
                {
                    worker.Wake.Wait();
                }

                continue;
            }

            try
            {
                Span<float> observation = _observations.AsSpan(id * obsSize, obsSize);
                if (_command[id] == CommandReset)
                {
                    _copies.ResetCopy(id, observation, _resetSeed[id]);
                }
                else
                {
                    _copies.StepCopy(id, _actions.AsSpan(id * actionSize, actionSize), observation, out _rewards[id], out _terminated[id], out _truncated[id]);
                }
            }
            catch (Exception ex)
            {
                // Handed to the learner with the env; an exception escaping a worker would end the process.
                _errors[id] = ExceptionDispatchInfo.Capture(ex);
            }

            Publish(id);
        }
    }

    private sealed class Worker(int from, int to, int spinCount, int cpu)
    {
        public int From { get; } = from;

        public int To { get; } = to;

        public int Cpu { get; } = cpu;

        public object Lock { get; } = new();

        // Ids of this worker's envs waiting to be stepped, first in first out (at most its K envs).
        public int[] Queue { get; } = new int[to - from];

        public int Head { get; set; }

        public int Count { get; set; }

        public ManualResetEventSlim Wake { get; } = new(false, spinCount);

        public Thread? Thread { get; set; }

        public string? StartError { get; set; }
    }
}
