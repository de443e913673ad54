using SharpRL.Envs.Vector;
using SharpRL.Spaces;

namespace SharpRL.Experiments;

/// <summary>Outcome of <see cref="VectorEnvBenchmark.Run"/>.</summary>
/// <param name="NumEnvs">Copies N.</param>
/// <param name="NumThreads">Threads of the parallel vector env (the caller's included).</param>
/// <param name="WorkMicroseconds">Artificial CPU work per env step.</param>
/// <param name="VectorSteps">Timed vector steps (each steps all N copies).</param>
/// <param name="SyncSeconds">Wall-clock time of the timed steps with <see cref="SyncVectorEnv"/>.</param>
/// <param name="ParallelSeconds">Wall-clock time of the same steps with <see cref="ParallelVectorEnv"/>.</param>
/// <param name="EnvId">The real env timed instead of artificial work (<see cref="VectorEnvBenchmark.RunEnv"/>), or null.</param>
public readonly record struct VectorEnvBenchmarkResult(int NumEnvs, int NumThreads, double WorkMicroseconds, int VectorSteps, double SyncSeconds, double ParallelSeconds, string? EnvId = null)
{
    /// <summary>Env steps per second of the sync vector env.</summary>
    public double SyncEnvStepsPerSecond => (double)VectorSteps * NumEnvs / SyncSeconds;

    /// <summary>Env steps per second of the parallel vector env.</summary>
    public double ParallelEnvStepsPerSecond => (double)VectorSteps * NumEnvs / ParallelSeconds;

    /// <summary>Sync time over parallel time.</summary>
    public double SpeedUp => SyncSeconds / ParallelSeconds;

    /// <summary>One line for logs.</summary>
    public override string ToString() =>
        $"N={NumEnvs} threads={NumThreads} {(EnvId is null ? $"work={WorkMicroseconds:0.#}µs/step" : EnvId)}: sync {SyncEnvStepsPerSecond:N0} steps/s, parallel {ParallelEnvStepsPerSecond:N0} steps/s, speed-up {SpeedUp:0.00}×";
}

/// <summary>
/// Throughput of <see cref="ParallelVectorEnv"/> against <see cref="SyncVectorEnv"/> on an env whose
/// step is a fixed amount of CPU work (a calibrated arithmetic loop standing in for physics), with no
/// policy between steps, i.e. the best case for overlapping the copies.
/// </summary>
public static class VectorEnvBenchmark
{
    private static double? _iterationsPerMicrosecond;

    /// <summary>Times <paramref name="vectorSteps"/> steps of both vector envs over identical copies.</summary>
    /// <param name="numEnvs">Copies N.</param>
    /// <param name="numThreads">Threads of the parallel vector env, the caller's included.</param>
    /// <param name="workMicroseconds">CPU work per env step, in microseconds of this machine.</param>
    /// <param name="vectorSteps">Timed vector steps (after a warm-up of a tenth as many).</param>
    /// <param name="spinCount">Spins of a waiting thread before it blocks (see <see cref="ParallelVectorEnv"/>).</param>
    /// <param name="repeats">Timings per vector env, alternating; the fastest counts (other processes only ever slow a run down).</param>
    public static VectorEnvBenchmarkResult Run(int numEnvs = 8, int numThreads = 2, double workMicroseconds = 10, int vectorSteps = 20_000, int spinCount = ParallelVectorEnv.DefaultSpinCount, int repeats = 3)
    {
        if (!(workMicroseconds >= 0) || double.IsInfinity(workMicroseconds))
        {
            throw new ArgumentOutOfRangeException(nameof(workMicroseconds), workMicroseconds, "workMicroseconds must be a non-negative number.");
        }

        CheckCounts(vectorSteps, repeats);
        int iterations = (int)Math.Round(workMicroseconds * IterationsPerMicrosecond());
        using var sync = new SyncVectorEnv(() => new SpinEnv(iterations), numEnvs);
        using var parallel = new ParallelVectorEnv(() => new SpinEnv(iterations), numEnvs, numThreads, spinCount);
        (double syncSeconds, double parallelSeconds) = TimeBoth(sync, parallel, vectorSteps, repeats, actionTable: null);
        return new VectorEnvBenchmarkResult(numEnvs, parallel.NumThreads, workMicroseconds, vectorSteps, syncSeconds, parallelSeconds);
    }

    /// <summary>
    /// Times <paramref name="vectorSteps"/> steps of both vector envs over copies of a real env (e.g. a MuJoCo
    /// model), driven by one fixed table of uniformly drawn actions that both replay, so both step the same
    /// trajectories and autoresets.
    /// </summary>
    /// <param name="envId">Names the env in the result.</param>
    /// <param name="makeEnv">Builds one copy.</param>
    /// <param name="numEnvs">Copies N.</param>
    /// <param name="numThreads">Threads of the parallel vector env, the caller's included.</param>
    /// <param name="vectorSteps">Timed vector steps (after a warm-up of a tenth as many).</param>
    /// <param name="repeats">Timings per vector env, alternating; the fastest counts.</param>
    public static VectorEnvBenchmarkResult RunEnv(string envId, Func<IEnv> makeEnv, int numEnvs = 8, int numThreads = 2, int vectorSteps = 2_000, int repeats = 3)
    {
        ArgumentNullException.ThrowIfNull(makeEnv);
        CheckCounts(vectorSteps, repeats);
        using var sync = new SyncVectorEnv(makeEnv, numEnvs);
        using var parallel = new ParallelVectorEnv(makeEnv, numEnvs, numThreads);
        (double syncSeconds, double parallelSeconds) = TimeBoth(sync, parallel, vectorSteps, repeats, ActionTable(sync.SingleActionSpace, numEnvs));
        return new VectorEnvBenchmarkResult(numEnvs, parallel.NumThreads, double.NaN, vectorSteps, syncSeconds, parallelSeconds, envId);
    }

    private static void CheckCounts(int vectorSteps, int repeats)
    {
        if (repeats < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(repeats), repeats, "repeats must be at least 1.");
        }

        if (vectorSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(vectorSteps), vectorSteps, "vectorSteps must be at least 1.");
        }
    }

    // Times the two vector envs in turn, repeats times each; the fastest of each counts (other processes only ever
    // slow a run down).
    private static (double SyncSeconds, double ParallelSeconds) TimeBoth(IVectorEnv sync, IVectorEnv parallel, int vectorSteps, int repeats, float[][]? actionTable)
    {
        double syncSeconds = double.MaxValue;
        double parallelSeconds = double.MaxValue;
        for (int r = 0; r < repeats; r++)
        {
            syncSeconds = Math.Min(syncSeconds, Time(sync, vectorSteps, actionTable));
            parallelSeconds = Math.Min(parallelSeconds, Time(parallel, vectorSteps, actionTable));
        }

        return (syncSeconds, parallelSeconds);
    }

    // 64 rows of actions for all copies, uniform in a bounded Box ([-1, 1] where a bound is infinite) or over a
    // Discrete space's n values, from a fixed seed.
    private static float[][] ActionTable(Space actionSpace, int numEnvs)
    {
        var random = new Random(0);
        int size = actionSpace.FlatSize;
        var table = new float[64][];
        for (int row = 0; row < table.Length; row++)
        {
            table[row] = new float[numEnvs * size];
            for (int i = 0; i < table[row].Length; i++)
            {
                table[row][i] = actionSpace switch
                {
                    Box box => Uniform(random, box.Low[i % size], box.High[i % size]),
                    Discrete discrete => random.Next(discrete.N),
                    _ => throw new NotSupportedException($"bench vector --env drives Box and Discrete action spaces; this env has {actionSpace}."),
                };
            }
        }

        return table;
    }

    private static float Uniform(Random random, float low, float high)
    {
        (double lo, double hi) = float.IsFinite(low) && float.IsFinite(high) ? (low, high) : (-1.0, 1.0);
        return (float)(lo + ((hi - lo) * random.NextDouble()));
    }

    private static double Time(IVectorEnv env, int vectorSteps, float[][]? actionTable)
    {
        int n = env.NumEnvs;
        float[] observations = new float[n * env.SingleObservationSpace.FlatSize];
        float[] actions = new float[n * env.SingleActionSpace.FlatSize];
        double[] rewards = new double[n];
        bool[] terminated = new bool[n];
        bool[] truncated = new bool[n];
        env.Reset(observations, seed: 0);
        for (int step = 0; step < Math.Max(1, vectorSteps / 10); step++)
        {
            env.Step(actionTable?[step % actionTable.Length] ?? actions, observations, rewards, terminated, truncated);
        }

        long start = Stopwatch.GetTimestamp();
        for (int step = 0; step < vectorSteps; step++)
        {
            env.Step(actionTable?[step % actionTable.Length] ?? actions, observations, rewards, terminated, truncated);
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    // Calibrated once, single-threaded: how many iterations of the spin loop take a microsecond.
    internal static double IterationsPerMicrosecond()
    {
        if (_iterationsPerMicrosecond is double cached)
        {
            return cached;
        }

        const int probe = 200_000;
        SpinEnv.Spin(probe);
        double best = double.MaxValue;
        for (int round = 0; round < 5; round++)
        {
            long start = Stopwatch.GetTimestamp();
            SpinEnv.Spin(probe);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }

        double rate = probe / best;
        _iterationsPerMicrosecond = rate;
        return rate;
    }

    /// <summary>
    /// An env whose step is an arithmetic loop of <c>iterations</c> rounds; episodes last 200 steps. With
    /// <c>variable</c>, each step's rounds are <c>iterations</c> × an Exp(1) draw capped at 10 (mean ≈ 1),
    /// from a generator seeded by Reset's seed, standing in for physics whose cost varies with the state.
    /// </summary>
    internal sealed class SpinEnv(int iterations, bool variable = false) : IEnv
    {
        private const int EpisodeLength = 200;
        private int _t;
        private bool _needsReset = true;
        private Random _random = new(0);

        public Space ObservationSpace { get; } = new Box(-1e9f, 1e9f, 4);

        public Space ActionSpace { get; } = new Box(-1f, 1f, 1);

        public EnvSpec? Spec => null;

        public static double Spin(int count)
        {
            // A dependent chain the JIT cannot fold away or vectorise.
            double x = 1.0;
            for (int k = 0; k < count; k++)
            {
                x = (x * 1.0000001) + 1e-9;
            }

            return x;
        }

        public void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
        {
            if (seed is int s)
            {
                _random = new Random(s);
            }

            _t = 0;
            _needsReset = false;
            observation.Clear();
        }

        public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
        {
            if (_needsReset)
            {
                throw new InvalidOperationException("Call Reset before Step.");
            }

            int rounds = variable ? (int)(iterations * Math.Min(10.0, -Math.Log(1.0 - _random.NextDouble()))) : iterations;
            double x = Spin(rounds);
            _t++;
            observation[0] = _t;
            observation[1] = (float)x;
            observation[2] = action[0];
            observation[3] = 0;
            bool done = _t == EpisodeLength;
            _needsReset = done;
            return new StepResult(1.0, false, done);
        }

        public void Dispose()
        {
        }
    }
}
