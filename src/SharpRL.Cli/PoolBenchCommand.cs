using SharpRL.Environments.MuJoCo;
using SharpRL.Envs.Vector;
using SharpRL.Experiments;

namespace SharpRL.Cli;

/// <summary>
/// <c>sharprl bench pool</c>: the async env pool's throughput with 1 and 2 worker threads on a MuJoCo
/// env (Pendulum-v1 without libmujoco), its gain over the synchronous mode when step costs vary, and
/// what happens with more worker threads than cores.
/// </summary>
internal static class PoolBenchCommand
{
    public static Command Build()
    {
        var envId = new Option<string?>("--env") { Description = "Env for the first table (default Hopper-v4, or Pendulum-v1 when libmujoco is missing)." };
        var numEnvs = new Option<int>("--envs") { Description = "Envs N in the pool (even; async batches are N/2).", DefaultValueFactory = _ => 8 };
        var steps = new Option<long>("--steps") { Description = "Timed env steps per configuration and repeat.", DefaultValueFactory = _ => 20_000 };
        var work = new Option<double>("--work-us") { Description = "Mean artificial work per step of the variable-cost env, in microseconds.", DefaultValueFactory = _ => 20 };
        var repeats = new Option<int>("--repeats") { Description = "Rounds over all configurations; the fastest time of each counts.", DefaultValueFactory = _ => 3 };
        var spin = new Option<int>("--spin") { Description = "Spins of an idle pool worker before it blocks (0-2047).", DefaultValueFactory = _ => EnvPool.DefaultSpinCount };
        var command = new Command("pool", "EnvPool steps/s: 1 vs 2 worker threads, sync vs async batches, variable step costs, oversubscribed threads.") { envId, numEnvs, steps, work, repeats, spin };
        command.SetAction(parse => CliRunner.Run(parse, output =>
        {
            int n = parse.GetValue(numEnvs);
            if (n < 2 || n % 2 != 0)
            {
                throw new CliError($"--envs = {n} is invalid; expected an even number of at least 2 (async batches hold N/2 envs).");
            }

            long timed = parse.GetValue(steps);
            if (timed < 1)
            {
                throw new CliError($"--steps = {timed} is invalid; expected at least 1.");
            }

            int rounds = parse.GetValue(repeats);
            if (rounds < 1)
            {
                throw new CliError($"--repeats = {rounds} is invalid; expected at least 1.");
            }

            double workUs = parse.GetValue(work);
            if (!(workUs >= 0) || double.IsInfinity(workUs))
            {
                throw new CliError($"--work-us = {workUs} is invalid; expected a non-negative number.");
            }

            int spins = parse.GetValue(spin);
            if (spins is < 0 or > 2047)
            {
                throw new CliError($"--spin = {spins} is invalid; expected 0 to 2047.");
            }

            string? id = parse.GetValue(envId);
            if (id is null)
            {
                id = MuJoCoLibrary.IsAvailable ? "Hopper-v4" : "Pendulum-v1";
                if (!MuJoCoLibrary.IsAvailable)
                {
                    output.WriteLine("note: libmujoco2.2.2 is not installed, so the first table uses Pendulum-v1 instead of Hopper-v4 (sudo apt-get install -y libmujoco2.2.2).");
                }
            }

            if (!Gym.Registry.Contains(id))
            {
                throw new CliError($"--env {id} is not a registered env id; `sharprl envs` lists them.");
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} logical CPUs; N = {n} envs; best of {rounds}; the learner runs a 64x64 MLP policy on every batch unless noted."));
            string name = id;
            Print(output, $"{name}", EnvPoolBenchmark.Run(() => Gym.Make(name), n, [(1, n), (2, n), (1, n / 2), (2, n / 2)], timed, rounds, spinCount: spins));

            foreach (bool variable in new[] { true, false })
            {
                string cost = variable ? $"exponential step cost, mean {workUs:0.#} us (seeded)" : $"fixed step cost {workUs:0.#} us";
                IReadOnlyList<EnvPoolBenchmarkCase> spin = EnvPoolBenchmark.Run(EnvPoolBenchmark.SpinEnvFactory(workUs, variable), n, [(2, n), (2, n / 2)], timed, rounds, spinCount: spins);
                Print(output, $"spin env, {cost}", spin);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  async gain (W=2, B=N/2 over B=N): {spin[2].StepsPerSecond / spin[1].StepsPerSecond:0.00}x"));
            }

            IReadOnlyList<EnvPoolBenchmarkCase> remote = EnvPoolBenchmark.Run(
                EnvPoolBenchmark.LatencyEnvFactory(), n, [(n, n), (n, n / 2)], Math.Max(n, timed / 10), rounds, withBaseline: false, spinCount: spins);
            Print(output, "external simulator: seeded step latency 1 + floor(2 Exp(1)) ms, no CPU used", remote);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  async gain (W=N, B=N/2 over B=N): {remote[1].StepsPerSecond / remote[0].StepsPerSecond:0.00}x"));

            IReadOnlyList<EnvPoolBenchmarkCase> crowded = EnvPoolBenchmark.Run(
                EnvPoolBenchmark.SpinEnvFactory(workUs, variable: false), n, [(1, n), (2, n), (4, n), (n, n)], timed, rounds, withBaseline: false, withPolicy: false, spinCount: spins);
            Print(output, $"more threads than cores: spin env, fixed cost {workUs:0.#} us, no policy", crowded);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  W={n} over W=1: {crowded[^1].StepsPerSecond / crowded[0].StepsPerSecond:0.00}x"));
            return 0;
        }));
        return command;
    }

    private static void Print(TextWriter output, string title, IReadOnlyList<EnvPoolBenchmarkCase> cases)
    {
        output.WriteLine(title);
        foreach (EnvPoolBenchmarkCase c in cases)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {c.Label,-34} {c.StepsPerSecond,12:N0} steps/s"));
        }
    }
}
