using System.CommandLine;
using System.Globalization;
using SharpRL.Environments;
using SharpRL.Algorithms;
using SharpRL.Algorithms.Common;
using SharpRL.Training;

namespace SharpRL.Cli;

/// <summary><c>sharprl train &lt;algorithm&gt; &lt;env&gt;</c>: trains with the env's preset and writes a run folder.</summary>
internal static class TrainCommand
{
    public static Command Build()
    {
        var algorithm = new Argument<string?>("algorithm") { Description = $"One of: {string.Join(", ", AlgorithmRegistry.Names)}.", Arity = ArgumentArity.ZeroOrOne };
        var env = new Argument<string?>("env") { Description = "A registered env id, e.g. CartPole-v1 (see `sharprl envs`).", Arity = ArgumentArity.ZeroOrOne };
        var seed = new Option<int>("--seed") { Description = "Seed for network init, sampling, shuffling and env resets.", DefaultValueFactory = _ => 0 };
        var timesteps = new Option<long?>("--timesteps") { Description = "Env-step budget (default: the preset's)." };
        var numEnvs = new Option<int?>("--n-envs") { Description = "Parallel env copies (default: the preset's)." };
        var set = new Option<string[]>("--set") { Description = "Override a setting, key=value (repeatable), e.g. --set n_steps=64.", AllowMultipleArgumentsPerToken = true };
        var config = new Option<string?>("--config") { Description = "YAML file of settings with rl-zoo keys (flat, or an rl-zoo hyperparameter file with one block per env), applied before --set; its n_timesteps is the budget unless --timesteps is given." };
        var preset = new Option<string?>("--preset") { Description = "Start from another env's preset (must have the same kind of action space)." };
        var output = new Option<string?>("--out") { Description = "Run folder (default: runs/<algorithm>_<env>_s<seed>, numbered if taken)." };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this folder from its latest checkpoint." };
        var saveFreq = new Option<long?>("--save-freq") { Description = "Write a checkpoint every N env steps (default: only at the end)." };
        var evalFreq = new Option<long?>("--eval-freq") { Description = "Evaluate the policy every N steps (deterministic, on a fresh env copy), log evaluations.csv and keep the best as best_model." };
        var evalEpisodes = new Option<int?>("--eval-episodes") { Description = $"Episodes per evaluation (default {RunConfig.DefaultEvalEpisodes})." };
        var stopAtReward = new Option<double?>("--stop-at-reward") { Description = "Stop training once an evaluation's mean return reaches this (needs --eval-freq)." };
        var parallel = new Option<bool>("--parallel") { Description = "Step env copies on worker threads (pays off for expensive envs)." };
        var quiet = new Option<bool>("--quiet") { Description = "No progress bar." };
        var dataset = new Option<string?>("--dataset") { Description = "Dataset folder for algorithms that learn from data (bc), the same as --set dataset=<dir>." };
        var envKwargs = new Option<string[]>("--env-kwargs") { Description = "Env constructor option, key=value (repeatable), e.g. --env-kwargs ctrl_cost_weight=0.01; written into the env id as Id[key=value,...].", AllowMultipleArgumentsPerToken = true };

        var command = new Command("train", "Train an agent. Example: sharprl train ppo CartPole-v1")
        {
            algorithm, env, seed, timesteps, numEnvs, set, config, preset, output, resume, saveFreq, evalFreq, evalEpisodes, stopAtReward, parallel, quiet, envKwargs, dataset,
        };
        command.SetAction(parse => CliRunner.Run(parse, stdout =>
        {
            ConfigFile? configFile = parse.GetValue(config) is { } path ? YamlConfig.Read(path, parse.GetValue(env)) : null;
            var request = new TrainRequest
            {
                Algorithm = parse.GetValue(algorithm),
                EnvId = EnvsCommand.WithKwargs(parse.GetValue(env), parse.GetValue(envKwargs)),
                Seed = parse.GetValue(seed),
                TotalTimesteps = parse.GetValue(timesteps) ?? configFile?.TotalTimesteps,
                NumEnvs = parse.GetValue(numEnvs),
                Settings = [.. parse.GetValue(dataset) is { } data ? [new KeyValuePair<string, string>("dataset", Path.GetFullPath(data))] : Array.Empty<KeyValuePair<string, string>>(), .. (parse.GetValue(set) ?? []).Select(OptionsBinder.ParseAssignment)],
                ConfigSettings = configFile?.Settings ?? [],
                PresetEnvId = parse.GetValue(preset) ?? (parse.GetValue(envKwargs) is { Length: > 0 } ? parse.GetValue(env) : null),
                OutputDirectory = parse.GetValue(output),
                ResumeDirectory = parse.GetValue(resume),
                SaveFrequency = parse.GetValue(saveFreq),
                Parallel = parse.GetValue(parallel),
                EvalFrequency = parse.GetValue(evalFreq),
                EvalEpisodes = parse.GetValue(evalEpisodes),
                StopAtReward = parse.GetValue(stopAtReward),
            };
            return Train(stdout, request, parse.GetValue(quiet));
        }));
        return command;
    }

    private static int Train(TextWriter output, TrainRequest request, bool quiet)
    {
        using TrainingRun run = TrainingRun.Start(request, Gym.Registry);
        output.WriteLine($"{run.Algorithm} on {run.EnvId}, seed {run.Seed}, {run.TotalTimesteps:N0} steps → {run.Directory}");
        output.WriteLine($"Hyperparameters ({run.PresetSource}):");
        foreach ((string key, string value) in OptionsBinder.Describe(run.Options))
        {
            output.WriteLine($"  {key} = {value}");
        }

        foreach (string notice in run.ResumeNotices)
        {
            output.WriteLine($"note: {notice}");
        }

        if (run.ResumeWarning is { } warning)
        {
            output.WriteLine($"warning: {warning}");
        }

        // Ctrl+C once: finish the current iteration, write the checkpoint and stop (resumable exactly);
        // a second Ctrl+C kills the process as usual.
        using var interrupt = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (!interrupt.IsCancellationRequested)
            {
                e.Cancel = true;
                interrupt.Cancel();
                Console.Error.WriteLine("Stopping after this iteration and saving a checkpoint (Ctrl+C again to abort)...");
            }
        };
        Console.CancelKeyPress += onCancel;
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
        if (!completed)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Interrupted at {summary.Timesteps:N0} of {run.TotalTimesteps:N0} steps; checkpoint saved. Continue with: sharprl train --resume {run.Directory}"));

            // 128 + SIGINT, as shells report a process stopped by Ctrl+C.
            return 130;
        }

        if (run.StopReason is { } reason)
        {
            output.WriteLine($"Stopped early: {reason}.");
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Done: {summary.Timesteps:N0} steps in {summary.Elapsed.TotalSeconds:F2} s ({summary.StepsPerSecond:N0} steps/s), recent mean return {summary.RecentMeanReturn:F1}. Model: {summary.ModelPath}"));
        output.WriteLine("Time: " + string.Join(", ", summary.Timing.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value.TotalSeconds:F2} s"))));
        return 0;
    }
}
