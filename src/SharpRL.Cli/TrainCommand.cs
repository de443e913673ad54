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
        var config = new Option<string?>("--config") { Description = "YAML file of settings (rl-zoo style keys), applied before --set." };
        var preset = new Option<string?>("--preset") { Description = "Start from another env's preset (must have the same kind of action space)." };
        var output = new Option<string?>("--out") { Description = "Run folder (default: runs/<algorithm>_<env>_s<seed>, numbered if taken)." };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this folder from its latest checkpoint." };
        var saveFreq = new Option<long?>("--save-freq") { Description = "Write a checkpoint every N env steps (default: only at the end)." };
        var parallel = new Option<bool>("--parallel") { Description = "Step env copies on worker threads (pays off for expensive envs)." };
        var quiet = new Option<bool>("--quiet") { Description = "No progress bar." };

        var command = new Command("train", "Train an agent. Example: sharprl train ppo CartPole-v1")
        {
            algorithm, env, seed, timesteps, numEnvs, set, config, preset, output, resume, saveFreq, parallel, quiet,
        };
        command.SetAction(parse => CliRunner.Run(() =>
        {
            var request = new TrainRequest
            {
                Algorithm = parse.GetValue(algorithm),
                EnvId = parse.GetValue(env),
                Seed = parse.GetValue(seed),
                TotalTimesteps = parse.GetValue(timesteps),
                NumEnvs = parse.GetValue(numEnvs),
                Settings = (parse.GetValue(set) ?? []).Select(OptionsBinder.ParseAssignment).ToList(),
                ConfigSettings = parse.GetValue(config) is { } path ? YamlConfig.Read(path) : [],
                PresetEnvId = parse.GetValue(preset),
                OutputDirectory = parse.GetValue(output),
                ResumeDirectory = parse.GetValue(resume),
                SaveFrequency = parse.GetValue(saveFreq),
                Parallel = parse.GetValue(parallel),
            };
            return Train(request, parse.GetValue(quiet));
        }));
        return command;
    }

    private static int Train(TrainRequest request, bool quiet)
    {
        using TrainingRun run = TrainingRun.Start(request, Gym.Registry);
        Console.WriteLine($"{run.Algorithm} on {run.EnvId}, seed {run.Seed}, {run.TotalTimesteps:N0} steps → {run.Directory}");
        Console.WriteLine($"Hyperparameters ({run.PresetSource}):");
        foreach ((string key, string value) in OptionsBinder.Describe(run.Options))
        {
            Console.WriteLine($"  {key} = {value}");
        }

        ProgressReporter.Run(run, quiet);
        TrainingSummary summary = run.Summary();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Done: {summary.Timesteps:N0} steps in {summary.Elapsed.TotalSeconds:F2} s ({summary.StepsPerSecond:N0} steps/s), recent mean return {summary.RecentMeanReturn:F1}. Model: {summary.ModelPath}"));
        return 0;
    }
}
