using SharpRL.Envs.Vector;
using SharpRL.Policies;

namespace SharpRL.Experiments;

/// <summary>One configuration timed by <see cref="EnvPoolBenchmark"/>.</summary>
/// <param name="Label">What ran, e.g. "pool W=2 B=4".</param>
/// <param name="NumThreads">Worker threads (0 for the SyncVectorEnv baseline, stepped on the caller's thread).</param>
/// <param name="BatchSize">Envs per Receive (N for the synchronous mode and the baseline).</param>
/// <param name="EnvSteps">Timed env steps.</param>
/// <param name="Seconds">Best wall-clock time over the repeats.</param>
public readonly record struct EnvPoolBenchmarkCase(string Label, int NumThreads, int BatchSize, long EnvSteps, double Seconds)
{
    /// <summary>Env steps per second.</summary>
    public double StepsPerSecond => EnvSteps / Seconds;
}

/// <summary>
/// Throughput of <see cref="EnvPool"/> in the loop it is built for: the learner receives a batch, picks
/// its actions with one batched forward pass of a 64×64 tanh MLP policy (SB3's default MlpPolicy, acting
/// deterministically), and sends them back, so env stepping and policy inference compete for the cores
/// as they do in training. Configurations are timed in turn, repeatedly; the fastest time of each counts
/// (other processes only ever slow a run down).
/// </summary>
public static class EnvPoolBenchmark
{
    /// <summary>Times each (threads, batch size) configuration of the pool, and a <see cref="SyncVectorEnv"/> baseline, on envs from <paramref name="factory"/>.</summary>
    /// <param name="factory">Makes one env per call.</param>
    /// <param name="numEnvs">Envs N.</param>
    /// <param name="configurations">(worker threads W, batch size B) pairs.</param>
    /// <param name="envSteps">Timed env steps per configuration and repeat (after a warm-up of a tenth as many).</param>
    /// <param name="repeats">Rounds over all configurations.</param>
    /// <param name="withBaseline">Also time a SyncVectorEnv stepped on the caller's thread.</param>
    /// <param name="withPolicy">Run the MLP policy on each batch (false: constant actions, the envs alone).</param>
    /// <param name="spinCount">Spins of an idle pool worker before it blocks (see <see cref="EnvPool"/>).</param>
    public static IReadOnlyList<EnvPoolBenchmarkCase> Run(
        Func<IEnv> factory,
        int numEnvs,
        IReadOnlyList<(int Threads, int BatchSize)> configurations,
        long envSteps,
        int repeats = 3,
        bool withBaseline = true,
        bool withPolicy = true,
        int spinCount = EnvPool.DefaultSpinCount)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(configurations);
        ArgumentOutOfRangeException.ThrowIfLessThan(numEnvs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(envSteps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        var cases = new List<(string Label, int Threads, int BatchSize)>();
        if (withBaseline)
        {
            cases.Add(("SyncVectorEnv (caller's thread)", 0, numEnvs));
        }

        foreach ((int threads, int batchSize) in configurations)
        {
            string mode = batchSize == numEnvs ? "sync" : "async";
            cases.Add(($"pool W={threads} B={batchSize} ({mode})", threads, batchSize));
        }

        double[] best = new double[cases.Count];
        Array.Fill(best, double.MaxValue);
        for (int r = 0; r < repeats; r++)
        {
            for (int c = 0; c < cases.Count; c++)
            {
                (string _, int threads, int batchSize) = cases[c];
                double seconds = threads == 0
                    ? TimeSync(factory, numEnvs, envSteps, withPolicy)
                    : TimePool(factory, numEnvs, threads, batchSize, envSteps, withPolicy, spinCount);
                best[c] = Math.Min(best[c], seconds);
            }
        }

        return [.. cases.Select((c, i) => new EnvPoolBenchmarkCase(c.Label, c.Threads, c.BatchSize, envSteps, best[i]))];
    }

    /// <summary>
    /// An env whose step is <paramref name="workMicroseconds"/> of arithmetic on average (the
    /// <c>bench vector</c> env); with <paramref name="variable"/>, each step's cost is that mean times a
    /// seeded Exp(1) draw, so steps of equal envs take very different times.
    /// </summary>
    public static Func<IEnv> SpinEnvFactory(double workMicroseconds, bool variable)
    {
        if (!(workMicroseconds >= 0) || double.IsInfinity(workMicroseconds))
        {
            throw new ArgumentOutOfRangeException(nameof(workMicroseconds), workMicroseconds, "workMicroseconds must be a non-negative number.");
        }

        int iterations = (int)Math.Round(workMicroseconds * VectorEnvBenchmark.IterationsPerMicrosecond());
        return () => new VectorEnvBenchmark.SpinEnv(iterations, variable);
    }

    /// <summary>
    /// An env standing in for a simulator in another process (a game engine, a robot): each step waits
    /// 1 + ⌊2·Exp(1)⌋ ms (seeded, mean ≈ 2.6 ms) without using a core, so the pool's gain from not waiting
    /// for the slowest env shows even when this machine's cores are busy.
    /// </summary>
    public static Func<IEnv> LatencyEnvFactory() => () => new LatencyEnv();

    private static double TimePool(Func<IEnv> factory, int numEnvs, int threads, int batchSize, long envSteps, bool withPolicy, int spinCount)
    {
        using var pool = new EnvPool(factory, numEnvs, threads, batchSize, spinCount);
        var actor = new Actor(pool.SingleObservationSpace, pool.SingleActionSpace, batchSize, withPolicy);
        pool.AsyncReset(seed: 0);
        RunPool(pool, actor, Math.Max(1, envSteps / 10));
        long start = Stopwatch.GetTimestamp();
        RunPool(pool, actor, envSteps);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static void RunPool(EnvPool pool, Actor actor, long envSteps)
    {
        long steps = 0;
        while (steps < envSteps)
        {
            EnvPoolBatch batch = pool.Receive();
            for (int r = 0; r < batch.Count; r++)
            {
                steps += batch.FromReset[r] ? 0 : 1;
            }

            pool.Send(actor.Act(batch.Observations, batch.Count), batch.EnvIds);
        }
    }

    private static double TimeSync(Func<IEnv> factory, int numEnvs, long envSteps, bool withPolicy)
    {
        using var env = new SyncVectorEnv(factory, numEnvs);
        var actor = new Actor(env.SingleObservationSpace, env.SingleActionSpace, numEnvs, withPolicy);
        float[] observations = new float[numEnvs * env.SingleObservationSpace.FlatSize];
        double[] rewards = new double[numEnvs];
        bool[] terminated = new bool[numEnvs];
        bool[] truncated = new bool[numEnvs];
        env.Reset(observations, seed: 0);
        long warmUp = Math.Max(1, envSteps / 10 / numEnvs);
        for (long k = 0; k < warmUp; k++)
        {
            env.Step(actor.Act(observations, numEnvs), observations, rewards, terminated, truncated);
        }

        long start = Stopwatch.GetTimestamp();
        for (long steps = 0; steps < envSteps; steps += numEnvs)
        {
            env.Step(actor.Act(observations, numEnvs), observations, rewards, terminated, truncated);
        }

        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    // The learner's side: batched deterministic actions of a freshly initialised MLP policy.
    private sealed class Actor
    {
        private readonly ActorCriticPolicy? _policy;
        private readonly float[] _policyActions;
        private readonly float[] _envActions;

        public Actor(Spaces.Space observationSpace, Spaces.Space actionSpace, int batchSize, bool withPolicy)
        {
            _policy = withPolicy ? new ActorCriticPolicy(observationSpace, actionSpace, new PolicyOptions(), new Random(0)) : null;
            _policyActions = new float[batchSize * (_policy?.ActionSize ?? actionSpace.FlatSize)];
            _envActions = new float[batchSize * actionSpace.FlatSize];
        }

        public ReadOnlySpan<float> Act(ReadOnlySpan<float> observations, int batchSize)
        {
            if (_policy is null)
            {
                // Constant zero actions (valid for the Box and Discrete spaces this benchmark steps).
                return _envActions;
            }

            _policy.Predict(observations, batchSize, _policyActions, deterministic: true);
            _policy.ToEnvActions(_policyActions, _envActions, batchSize);
            return _envActions;
        }
    }

    private sealed class LatencyEnv : IEnv
    {
        private const int EpisodeLength = 200;
        private Random _random = new(0);
        private int _t;

        public Spaces.Space ObservationSpace { get; } = new Spaces.Box(-1e9f, 1e9f, 4);

        public Spaces.Space ActionSpace { get; } = new Spaces.Box(-1f, 1f, 1);

        public EnvSpec? Spec => null;

        public void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
        {
            if (seed is int s)
            {
                _random = new Random(s);
            }

            _t = 0;
            observation.Clear();
        }

        public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
        {
            Thread.Sleep(1 + (int)(2 * -Math.Log(1.0 - _random.NextDouble())));
            _t++;
            observation[0] = _t;
            observation[1] = action[0];
            return new StepResult(1.0, false, _t == EpisodeLength);
        }

        public void Dispose()
        {
        }
    }
}
