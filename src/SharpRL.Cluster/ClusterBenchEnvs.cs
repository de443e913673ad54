using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using SharpRL.Environments.ClassicControl;
using SharpRL.Envs;
using SharpRL.Envs.Wrappers;

namespace SharpRL.Cluster;

/// <summary>
/// The env the cluster benchmark runs: <c>SpinCartPole-v1</c>, CartPole-v1 whose every step (and reset)
/// additionally runs a fixed number of rounds of dependent floating-point arithmetic, standing in for a
/// simulator whose step costs a known CPU time (about 100 µs by default). The arithmetic does not touch the
/// env's state, so trajectories are CartPole's bit for bit whatever the cost: a PPO run on it learns like
/// one on CartPole-v1, and its throughput measures env cost against the cluster's overheads.
/// </summary>
/// <remarks>
/// The cost is a count of rounds (<c>SpinCartPole-v1[rounds=N]</c>), not a duration: on a machine with
/// fewer free cores than busy threads the step then takes longer, as a real simulator's would, instead of
/// hiding the contention. Without the option the rounds are calibrated once per process to 100 µs
/// (<see cref="RoundsPerMicrosecond"/>); the benchmark calibrates in the learner and writes the count into
/// the id so that every worker process does the same work.
/// </remarks>
public static class ClusterBenchEnvs
{
    /// <summary>Id of the spinning CartPole.</summary>
    public const string SpinCartPoleId = "SpinCartPole-v1";

    /// <summary>Default step cost of <see cref="SpinCartPoleId"/> without a <c>rounds</c> option, in microseconds.</summary>
    public const double DefaultStepMicroseconds = 100;

    private static double? _roundsPerMicrosecond;

    /// <summary>
    /// Registers <see cref="SpinCartPoleId"/> (time limit 500, like CartPole-v1) unless the registry has it.
    /// Called by a worker's <c>--env-assembly SharpRL.Cluster.dll</c>, which looks for this method.
    /// </summary>
    /// <param name="registry">The registry to add to.</param>
    public static void RegisterEnvs(EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (!registry.Contains(SpinCartPoleId))
        {
            registry.Register(SpinCartPoleId, options => new SpinWrapper(new CartPoleEnv(), ReadRounds(options)), 500, 475.0);
        }
    }

    /// <summary>The id of a SpinCartPole whose step costs about <paramref name="microseconds"/> on this machine now.</summary>
    public static string IdFor(double microseconds)
    {
        if (!(microseconds >= 0) || double.IsInfinity(microseconds))
        {
            throw new ArgumentOutOfRangeException(nameof(microseconds), microseconds, "The step cost must be a non-negative number of microseconds.");
        }

        long rounds = (long)Math.Round(microseconds * RoundsPerMicrosecond());
        return string.Create(CultureInfo.InvariantCulture, $"{SpinCartPoleId}[rounds={rounds}]");
    }

    /// <summary>Rounds of the spin loop per microsecond, measured once per process (the fastest of five probes).</summary>
    public static double RoundsPerMicrosecond()
    {
        if (_roundsPerMicrosecond is double cached)
        {
            return cached;
        }

        const int Probe = 200_000;
        Spin(Probe);
        double best = double.MaxValue;
        for (int round = 0; round < 5; round++)
        {
            long start = Stopwatch.GetTimestamp();
            Spin(Probe);
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }

        double rate = Probe / best;
        _roundsPerMicrosecond = rate;
        return rate;
    }

    /// <summary>Runs <paramref name="rounds"/> rounds of a dependent multiply-add chain the JIT cannot fold or vectorise.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static double Spin(long rounds)
    {
        double x = 1.0;
        for (long k = 0; k < rounds; k++)
        {
            x = (x * 1.0000001) + 1e-9;
        }

        return x;
    }

    private static long ReadRounds(IReadOnlyDictionary<string, object>? options)
    {
        if (options is null || options.Count == 0)
        {
            return (long)Math.Round(DefaultStepMicroseconds * RoundsPerMicrosecond());
        }

        foreach (string key in options.Keys)
        {
            if (key != "rounds")
            {
                throw new ArgumentException($"{SpinCartPoleId} takes one option, rounds (spin-loop rounds per step); got '{key}'.", nameof(options));
            }
        }

        object value = options["rounds"];
        long rounds = value switch
        {
            long l => l,
            int i => i,
            double d when d == Math.Floor(d) => (long)d,
            string s when long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed) => parsed,
            _ => -1,
        };
        if (rounds < 0)
        {
            throw new ArgumentException($"{SpinCartPoleId}: rounds = '{value}' is invalid; expected a non-negative integer.", nameof(options));
        }

        return rounds;
    }

    /// <summary>CartPole with a fixed CPU cost per step and reset.</summary>
    private sealed class SpinWrapper(IEnv env, long rounds) : Wrapper(env)
    {
        // Written so the spin's result is observable and the loop cannot be removed.
        private double _sink;

        public override void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
        {
            _sink += Spin(rounds);
            base.Reset(observation, seed, options);
        }

        public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
        {
            _sink += Spin(rounds);
            return base.Step(action, observation);
        }

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Spin({rounds} rounds, {_sink > 0})<{Env}>");
    }
}
