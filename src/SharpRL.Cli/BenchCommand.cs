using SharpRL.Experiments;

namespace SharpRL.Cli;

/// <summary><c>sharprl bench kernels|envs|train</c>: quick speed measurements (BenchmarkDotNet lives in benchmarks/).</summary>
internal static class BenchCommand
{
    public static Command Build()
    {
        var bench = new Command("bench", "Measure speed: kernels (GFLOP/s), envs (steps/s), train (end-to-end breakdown).");

        var threads = new Option<int>("--threads") { Description = "Threads for the GEMM kernels (1 or 2).", DefaultValueFactory = _ => 1 };
        var seconds = new Option<double>("--seconds") { Description = "Measuring time per case.", DefaultValueFactory = _ => 0.5 };
        var kernels = new Command("kernels", "GFLOP/s of Linear-layer forward and backward products at the sizes RL networks use.") { threads, seconds };
        kernels.SetAction(parse => CliRunner.Run(parse, output =>
        {
            int t = parse.GetValue(threads);
            if (t is < 1 or > 64)
            {
                throw new CliError($"--threads = {t} is invalid; expected 1 to 64.");
            }

            output.WriteLine(KernelBenchmark.Format(KernelBenchmark.Run(t, TimeSpan.FromSeconds(parse.GetValue(seconds)))));
            return 0;
        }));
        bench.Add(kernels);

        var envSteps = new Option<long>("--steps") { Description = "Steps per env.", DefaultValueFactory = _ => 2_000_000 };
        var envs = new Command("envs", "Env steps per second, single thread, for each built-in env (random fixed actions, auto-reset).") { envSteps };
        envs.SetAction(parse => CliRunner.Run(parse, output =>
        {
            foreach (EnvBenchmarkResult result in EnvBenchmark.RunAll(parse.GetValue(envSteps)))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{result.Id,-26} {result.StepsPerSecond / 1e6,8:F2} M steps/s"));
            }

            return 0;
        }));
        bench.Add(envs);

        var work = new Option<double>("--work-us") { Description = "Artificial work per env step, in microseconds.", DefaultValueFactory = _ => 10 };
        var workers = new Option<int>("--threads") { Description = "Worker threads of the parallel vector env.", DefaultValueFactory = _ => 2 };
        var vectorEnv = new Option<string?>("--env") { Description = "Time copies of this env id (e.g. Hopper-v4) instead of artificial work." };
        var vectorCopies = new Option<int>("--envs") { Description = "Env copies N.", DefaultValueFactory = _ => 8 };
        var vectorSteps = new Option<int>("--steps") { Description = "Timed vector steps per repeat with --env (each steps all N copies).", DefaultValueFactory = _ => 2000 };
        var vector = new Command("vector", "SyncVectorEnv vs ParallelVectorEnv throughput: an env with artificial per-step work, or copies of a real env (--env).") { work, workers, vectorEnv, vectorCopies, vectorSteps };
        vector.SetAction(parse => CliRunner.Run(parse, output =>
        {
            int t = parse.GetValue(workers);
            if (t < 1)
            {
                throw new CliError($"--threads = {t} is invalid; expected at least 1.");
            }

            int copies = parse.GetValue(vectorCopies);
            if (copies < 1 || copies > 4096)
            {
                throw new CliError($"--envs = {copies} is invalid; expected 1 to 4096 copies.");
            }

            if (t > copies)
            {
                throw new CliError($"--threads = {t} is more than the {copies} env copies (--envs); expected 1 to {copies}.");
            }

            int steps = parse.GetValue(vectorSteps);
            if (steps < 1)
            {
                throw new CliError($"--steps = {steps} is invalid; expected at least 1.");
            }

            if (parse.GetValue(vectorEnv) is string envId)
            {
                Gym.Make(envId).Dispose();  // an unknown id or a missing library fails here, with its own message
                output.WriteLine(VectorEnvBenchmark.RunEnv(envId, () => Gym.Make(envId), copies, t, steps));
            }
            else
            {
                output.WriteLine(VectorEnvBenchmark.Run(numEnvs: copies, numThreads: t, workMicroseconds: parse.GetValue(work)));
            }

            return 0;
        }));
        bench.Add(vector);

        bench.Add(MuJoCoBenchCommand.Build());
        bench.Add(PoolBenchCommand.Build());
        bench.Add(ClusterBenchCommand.Build());

        var algorithm = new Argument<string>("algorithm") { Description = "Algorithm to time.", DefaultValueFactory = _ => "ppo" };
        var env = new Argument<string>("env") { Description = "Env id.", DefaultValueFactory = _ => "CartPole-v1" };
        var timesteps = new Option<long?>("--timesteps") { Description = "Budget (default: the preset's)." };
        var train = new Command("train", "Time one training run in memory (no files) and print where the time went.") { algorithm, env, timesteps };
        train.SetAction(parse => CliRunner.Run(parse, output =>
        {
            TrainingBenchmark.Result r = TrainingBenchmark.Run(parse.GetValue(algorithm)!, parse.GetValue(env)!, parse.GetValue(timesteps), Gym.Registry);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Algorithm} on {r.EnvId}: {r.Timesteps:N0} steps in {r.Total.TotalSeconds:F3} s ({r.Timesteps / r.Total.TotalSeconds:N0} steps/s); recent mean return {r.RecentMeanReturn:F1}"));
            output.WriteLine("  " + string.Join(" | ", r.Timing.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value.TotalSeconds:F3} s"))));
            if (r.Updates > 0)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {r.Updates:N0} updates of {r.FlopsPerUpdate / 1e6:F1} MFLOP (matrix products): {r.UpdateGflops:F1} GFLOP/s over the updates"));
            }
            return 0;
        }));
        bench.Add(train);
        return bench;
    }
}
