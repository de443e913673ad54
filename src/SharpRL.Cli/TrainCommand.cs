using System.Runtime.InteropServices;

namespace SharpRL.Cli;

/// <summary><c>sharprl train &lt;algorithm&gt; &lt;env&gt;</c>: trains with the env's preset and writes a run folder.</summary>
internal static class TrainCommand
{
    public static Command Build()
    {
        var algorithm = new Argument<string?>("algorithm") { Description = $"One of: {string.Join(", ", AlgorithmRegistry.Names)}.", Arity = ArgumentArity.ZeroOrOne };
        var env = new Argument<string?>("env") { Description = "A registered env id, e.g. CartPole-v1 (see `sharprl envs`).", Arity = ArgumentArity.ZeroOrOne };
        var seed = new Option<int>("--seed") { Description = "Seed for network init, sampling, shuffling and env resets.", DefaultValueFactory = _ => 0 };
        var timesteps = CliParsers.Steps("--timesteps", "Budget in steps, e.g. 100000 or 1e5 (default: the preset's; on --resume, the new total).");
        var numEnvs = new Option<int?>("--n-envs") { Description = "Parallel env copies (default: the preset's)." };
        var set = new Option<string[]>("--set") { Description = "Override a setting, key=value (repeatable), e.g. --set n_steps=64.", AllowMultipleArgumentsPerToken = true };
        var config = new Option<string?>("--config") { Description = "YAML file of settings with rl-zoo keys (flat, or an rl-zoo hyperparameter file with one block per env), applied before --set; its n_timesteps is the budget unless --timesteps is given." };
        var preset = new Option<string?>("--preset") { Description = "Start from another env's preset (must have the same kind of action space)." };
        var output = new Option<string?>("--out") { Description = "Run folder (default: runs/<algorithm>_<env>_s<seed>, numbered if taken)." };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this folder from its latest checkpoint." };
        var saveFreq = CliParsers.Steps("--save-freq", "Write a checkpoint every N steps (default: only at the end; kept by --resume).");
        var force = new Option<bool>("--force") { Description = "Replace the --out folder of a run that stopped before its first checkpoint." };
        var evalFreq = new Option<long?>("--eval-freq") { CustomParser = CliParsers.ParseSteps, Description = "Evaluate the policy every N steps (deterministic, on a fresh env copy), log evaluations.csv and keep the best as best_model." };
        var ignoreUnsupported = new Option<bool>("--ignore-unsupported") { Description = "With --config: skip (and list) the file's options SharpRL does not implement, instead of refusing the file." };
        var evalEpisodes = new Option<int?>("--eval-episodes") { Description = $"Episodes per evaluation (default {RunConfig.DefaultEvalEpisodes})." };
        var stopAtReward = new Option<double?>("--stop-at-reward") { Description = "Stop training once an evaluation's mean return reaches this (needs --eval-freq)." };
        var parallel = new Option<bool>("--parallel") { Description = "Step env copies on worker threads (pays off for expensive envs)." };
        var vecEnv = new Option<string>("--vec-env") { Description = "How on-policy env copies step: sync (one thread), parallel (= --parallel), pool (EnvPool, synchronous mode: SyncVectorEnv's results bit for bit).", DefaultValueFactory = _ => "sync" };
        var quiet = new Option<bool>("--quiet") { Description = "No progress bar." };
        var noReplay = new Option<bool>("--no-save-replay-buffer") { Description = "Off-policy algorithms: leave the replay buffer out of checkpoints (smaller; a resume is then not exact). Same as --set save_replay_buffer=false." };
        var dataset = new Option<string?>("--dataset") { Description = "Dataset folder for algorithms that learn from data (bc), the same as --set dataset=<dir>." };
        var envKwargs = new Option<string[]>("--env-kwargs") { Description = "Env constructor option, key=value (repeatable), e.g. --env-kwargs ctrl_cost_weight=0.01; written into the env id as Id[key=value,...].", AllowMultipleArgumentsPerToken = true };

        var command = new Command("train", "Train an agent. Example: sharprl train ppo CartPole-v1")
        {
            algorithm, env, seed, timesteps, numEnvs, set, config, preset, output, resume, saveFreq, force, evalFreq, evalEpisodes, stopAtReward, parallel, vecEnv, quiet, noReplay, envKwargs, dataset, ignoreUnsupported,
        };
        command.SetAction(parse => CliRunner.Run(parse, stdout =>
        {
            ConfigFile? configFile = parse.GetValue(config) is { } path
                ? YamlConfig.Read(path, parse.GetValue(env), KnownSettings(parse.GetValue(algorithm)), parse.GetValue(ignoreUnsupported), stdout)
                : null;
            var request = new TrainRequest
            {
                Algorithm = parse.GetValue(algorithm),
                EnvId = EnvsCommand.WithKwargs(parse.GetValue(env), parse.GetValue(envKwargs)),
                Seed = parse.GetValue(seed),
                TotalTimesteps = parse.GetValue(timesteps) ?? configFile?.TotalTimesteps,
                NumEnvs = parse.GetValue(numEnvs),
                Settings = [.. parse.GetValue(dataset) is { } data ? [new KeyValuePair<string, string>("dataset", Path.GetFullPath(data))] : Array.Empty<KeyValuePair<string, string>>(), .. (parse.GetValue(set) ?? []).Select(OptionsBinder.ParseAssignment), .. parse.GetValue(noReplay) ? [new KeyValuePair<string, string>("save_replay_buffer", "false")] : Array.Empty<KeyValuePair<string, string>>()],
                ConfigSettings = configFile?.Settings ?? [],
                PresetEnvId = parse.GetValue(preset) ?? (parse.GetValue(envKwargs) is { Length: > 0 } ? parse.GetValue(env) : null),
                OutputDirectory = parse.GetValue(output),
                ResumeDirectory = parse.GetValue(resume),
                SaveFrequency = parse.GetValue(saveFreq),
                Parallel = parse.GetValue(parallel) || VecEnv(parse.GetValue(vecEnv)) == "parallel",
                Pool = VecEnv(parse.GetValue(vecEnv)) == "pool",
                Force = parse.GetValue(force),
                EvalFrequency = parse.GetValue(evalFreq),
                EvalEpisodes = parse.GetValue(evalEpisodes),
                StopAtReward = parse.GetValue(stopAtReward),
            };
            return Train(stdout, request, parse.GetValue(quiet));
        }));
        return command;
    }

    // The setting keys of a registered algorithm (a config file's keys are checked against them), or null.
    private static string[]? KnownSettings(string? algorithm) =>
        algorithm is not null && AlgorithmRegistry.Contains(algorithm)
            ? [.. OptionsBinder.Describe(AlgorithmRegistry.Get(algorithm).DefaultOptions).Select(s => s.Key)]
            : null;

    private static int Train(TextWriter output, TrainRequest request, bool quiet)
    {
        using TrainingRun run = TrainingRun.Start(request, Gym.Registry);
        string unit = run.Descriptor.ProgressUnit;
        if (run.IsResumed && run.IsComplete)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"The run in {run.Directory} is already complete: {run.Agent.NumTimesteps:N0} of {run.TotalTimesteps:N0} {unit}{(run.StopReason is { } why ? $" (stopped early: {why})" : "")}. Nothing was trained or written; to train further, pass --timesteps with a larger budget."));
            return 0;
        }

        output.WriteLine($"{run.Algorithm} on {run.EnvId}, seed {run.Seed}, {run.TotalTimesteps:N0} {unit} → {run.Directory}");
        output.WriteLine($"Hyperparameters ({run.PresetSource}):");
        foreach ((string key, string value) in OptionsBinder.Describe(run.Options))
        {
            output.WriteLine($"  {key} = {value}");
        }

        foreach (string doubt in run.Warnings)
        {
            output.WriteLine($"warning: {doubt}");
        }

        foreach (string notice in run.ResumeNotices)
        {
            output.WriteLine($"note: {notice}");
        }

        if (run.ResumeWarning is { } warning)
        {
            output.WriteLine($"warning: {warning}");
        }

        if (run.IsResumed)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Resuming at {run.StartTimesteps:N0} {unit}: {run.TotalTimesteps - run.StartTimesteps:N0} more to reach {run.TotalTimesteps:N0}."));
        }

        // Ctrl+C or SIGTERM (how schedulers and Kubernetes stop a process) once: finish the current
        // iteration, write the checkpoint and stop (resumable exactly); a second Ctrl+C kills as usual.
        using var interrupt = new CancellationTokenSource();
        int signalExitCode = 0;
        void Stop(int exitCode, string what)
        {
            if (!interrupt.IsCancellationRequested)
            {
                signalExitCode = exitCode;
                interrupt.Cancel();
                Console.Error.WriteLine($"{what}: stopping after this iteration and saving a checkpoint (Ctrl+C again to abort)...");
            }
        }

        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (!interrupt.IsCancellationRequested)
            {
                e.Cancel = true;
                Stop(SigIntExitCode, "Ctrl+C");
            }
        };
        Console.CancelKeyPress += onCancel;
        using PosixSignalRegistration onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            Stop(SigTermExitCode, "SIGTERM");
        });
        bool completed;
        try
        {
            completed = ProgressReporter.Run(run, quiet, output, interrupt.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        TrainingSummary summary = run.Summary();
        string timing = "Time: " + string.Join(", ", summary.Timing.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value.TotalSeconds:F2} s")));
        if (!completed)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Interrupted at {summary.Timesteps:N0} of {run.TotalTimesteps:N0} {unit} ({summary.StepsThisInvocation:N0} this invocation); checkpoint saved. Continue with: sharprl train --resume {run.Directory}"));
            output.WriteLine(timing);
            return signalExitCode == 0 ? SigIntExitCode : signalExitCode;
        }

        if (run.StopReason is { } reason)
        {
            output.WriteLine($"Stopped early: {reason}.");
        }

        string steps = run.IsResumed
            ? string.Create(CultureInfo.InvariantCulture, $"{summary.StepsThisInvocation:N0} {unit} this invocation ({summary.Timesteps:N0} in all)")
            : string.Create(CultureInfo.InvariantCulture, $"{summary.Timesteps:N0} {unit}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Done: {steps} in {summary.Elapsed.TotalSeconds:F2} s ({summary.StepsPerSecond:N0} {unit}/s), recent mean return {summary.RecentMeanReturn:F1}. Model: {summary.ModelPath}"));
        output.WriteLine(timing);
        return 0;
    }

    // 128 + the signal number, as shells report a process stopped by a signal.
    private const int SigIntExitCode = 130;
    private const int SigTermExitCode = 143;

    private static string VecEnv(string? value) => value switch
    {
        "sync" or "parallel" or "pool" => value,
        _ => throw new CliError($"--vec-env '{value}' is invalid; expected sync, parallel or pool."),
    };
}
