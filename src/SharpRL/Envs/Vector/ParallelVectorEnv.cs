using System.Runtime.ExceptionServices;

namespace SharpRL.Envs.Vector;

/// <summary>
/// N env copies stepped in parallel: the copies are split into contiguous slices, the caller's
/// thread steps the first slice and one dedicated worker thread per remaining slice steps its own.
/// Each copy always runs on the same slice and has its own generator, so results are
/// bit-identical to <see cref="SyncVectorEnv"/> for the same seeds. Threads wait on
/// <see cref="ManualResetEventSlim"/>s that spin before blocking, so back-to-back steps avoid a
/// kernel wake-up: an idle worker spins only briefly (its core may be wanted by the policy's
/// computation between steps), while the caller, which has nothing else to do while the workers
/// finish their slices, spins as long as the event allows. Step allocates nothing.
/// Dispose stops the workers and the copies.
/// </summary>
public sealed class ParallelVectorEnv : CopiesVectorEnv
{
    /// <summary>Default number of spins an idle worker makes before it blocks (about 50 µs).</summary>
    public const int DefaultSpinCount = 200;

    // ManualResetEventSlim's maximum.
    private const int CallerSpinCount = 2047;

    private const int CommandStep = 1;
    private const int CommandReset = 2;
    private const int CommandExit = 3;

    private readonly Slice[] _slices;
    private readonly float[] _actions;
    private readonly float[] _observations;
    private readonly double[] _rewards;
    private readonly bool[] _terminated;
    private readonly bool[] _truncated;
    private int _command;
    private int? _resetSeed;
    private bool _disposed;

    /// <summary>Creates <paramref name="numEnvs"/> copies by calling <paramref name="factory"/> once per copy.</summary>
    /// <param name="factory">Returns a new env per call.</param>
    /// <param name="numEnvs">Number of copies N.</param>
    /// <param name="numThreads">Threads that step copies, the caller's included; default min(processor count, N).</param>
    /// <param name="spinCount">Spins an idle worker makes before it blocks (0–2047).</param>
    public ParallelVectorEnv(Func<IEnv> factory, int numEnvs, int? numThreads = null, int spinCount = DefaultSpinCount)
        : this(EnvCopies.Create(factory, numEnvs), numThreads, spinCount)
    {
    }

    /// <summary>Uses the given env instances as the copies (one distinct instance per copy, equal spaces).</summary>
    /// <param name="envs">The copies; the vector env owns and disposes them.</param>
    /// <param name="numThreads">Threads that step copies, the caller's included; default min(processor count, N).</param>
    /// <param name="spinCount">Spins an idle worker makes before it blocks (0–2047).</param>
    public ParallelVectorEnv(IReadOnlyList<IEnv> envs, int? numThreads = null, int spinCount = DefaultSpinCount)
        : base(new EnvCopies(envs))
    {
        int n = Copies.Count;
        int threads = numThreads ?? Math.Min(Environment.ProcessorCount, n);
        if (threads < 1 || threads > n)
        {
            Copies.Dispose();
            throw new ArgumentOutOfRangeException(nameof(numThreads), numThreads, $"numThreads must be between 1 and the number of envs ({n}).");
        }

        if (spinCount is < 0 or > 2047)
        {
            Copies.Dispose();
            throw new ArgumentOutOfRangeException(nameof(spinCount), spinCount, "spinCount must be between 0 and 2047.");
        }

        _actions = new float[n * Copies.ActionSize];
        _observations = new float[n * Copies.ObservationSize];
        _rewards = new double[n];
        _terminated = new bool[n];
        _truncated = new bool[n];

        _slices = new Slice[threads];
        for (int t = 0; t < threads; t++)
        {
            // Contiguous, balanced: slice t owns copies [t·N/T, (t+1)·N/T).
            _slices[t] = new Slice(t * n / threads, (t + 1) * n / threads, spinCount);
        }

        for (int t = 1; t < threads; t++)
        {
            Slice slice = _slices[t];
            slice.Thread = new Thread(() => WorkerLoop(slice))
            {
                IsBackground = true,
                Name = $"ParallelVectorEnv worker {t}",
            };
            slice.Thread.Start();
        }
    }

    /// <summary>Number of threads stepping copies, the caller's included.</summary>
    public int NumThreads => _slices.Length;

    /// <summary>Worker threads still running (for tests: 0 after Dispose).</summary>
    internal int LiveWorkerCount => _slices.Count(slice => slice.Thread?.IsAlive == true);

    /// <inheritdoc />
    public override void Reset(Span<float> observations, int? seed = null)
    {
        Copies.ValidateReset(observations.Length, seed);
        _resetSeed = seed;
        Run(CommandReset);
        _observations.CopyTo(observations);
        Copies.EndReset();
    }

    /// <inheritdoc />
    public override void Step(ReadOnlySpan<float> actions, Span<float> observations, Span<double> rewards, Span<bool> terminated, Span<bool> truncated)
    {
        Copies.ValidateStep(actions.Length, observations.Length, rewards.Length, terminated.Length, truncated.Length);
        Copies.BeginStep();
        actions.CopyTo(_actions);
        Run(CommandStep);
        _observations.CopyTo(observations);
        _rewards.CopyTo(rewards);
        _terminated.CopyTo(terminated);
        _truncated.CopyTo(truncated);
        Copies.EndStep();
    }

    /// <summary>Stops the worker threads, then disposes every copy.</summary>
    /// <param name="disposing">True when called from <see cref="CopiesVectorEnv.Dispose()"/>.</param>
    protected override void Dispose(bool disposing)
    {
        if (_disposed || !disposing)
        {
            return;
        }

        _disposed = true;
        _command = CommandExit;
        for (int t = 1; t < _slices.Length; t++)
        {
            _slices[t].Start.Set();
        }

        for (int t = 1; t < _slices.Length; t++)
        {
            _slices[t].Thread!.Join();
        }

        foreach (Slice slice in _slices)
        {
            slice.Start.Dispose();
            slice.Done.Dispose();
        }

        base.Dispose(disposing);
    }

    // The events' Set/Wait are full fences: the workers see _command, _resetSeed and _actions as written
    // before Start.Set, and the caller sees the workers' outputs after Done.Wait.
    private void Run(int command)
    {
        _command = command;
        for (int t = 1; t < _slices.Length; t++)
        {
            _slices[t].Done.Reset();
            _slices[t].Start.Set();
        }

        RunSlice(_slices[0], command);
        for (int t = 1; t < _slices.Length; t++)
        {
            _slices[t].Done.Wait();
        }

        // Rethrow the failure of the lowest slice, so which error surfaces does not depend on timing.
        ExceptionDispatchInfo? firstError = null;
        foreach (Slice slice in _slices)
        {
            firstError ??= slice.Error;
            slice.Error = null;
        }

        firstError?.Throw();
    }

    private void WorkerLoop(Slice slice)
    {
        while (true)
        {
            slice.Start.Wait();
            slice.Start.Reset();
            int command = _command;
            if (command == CommandExit)
            {
                return;
            }

            RunSlice(slice, command);
            slice.Done.Set();
        }
    }

    private void RunSlice(Slice slice, int command)
    {
        int observationSize = Copies.ObservationSize;
        int actionSize = Copies.ActionSize;
        try
        {
            for (int i = slice.From; i < slice.To; i++)
            {
                Span<float> observation = _observations.AsSpan(i * observationSize, observationSize);
                if (command == CommandReset)
                {
                    Copies.ResetCopy(i, observation, _resetSeed + i);
                }
                else
                {
                    Copies.StepCopy(i, _actions.AsSpan(i * actionSize, actionSize), observation, out _rewards[i], out _terminated[i], out _truncated[i]);
                }
            }
        }
        catch (Exception ex)
        {
            // Handed to the caller's thread; an exception escaping a worker would end the process.
            slice.Error = ExceptionDispatchInfo.Capture(ex);
        }
    }

    private sealed class Slice(int from, int to, int spinCount)
    {
        public int From { get; } = from;

        public int To { get; } = to;

        public ManualResetEventSlim Start { get; } = new(false, spinCount);

        public ManualResetEventSlim Done { get; } = new(false, CallerSpinCount);

        public Thread? Thread { get; set; }

        public ExceptionDispatchInfo? Error { get; set; }
    }
}
