namespace SharpRL.Cli;

/// <summary><c>sharprl eval &lt;run-or-checkpoint&gt;</c>: plays episodes with a saved policy and prints mean ± std return.</summary>
internal static class EvalCommand
{
    public static Command Build()
    {
        var path = new Argument<string>("run-or-checkpoint") { Description = "A run folder (uses its final model, else its latest checkpoint) or a checkpoint path." };
        var episodes = new Option<int>("--episodes") { Description = "Episodes to play.", DefaultValueFactory = _ => 20 };
        var seed = new Option<int>("--seed") { Description = "Seed of the first reset (later resets continue the env's stream).", DefaultValueFactory = _ => 0 };
        var stochastic = new Option<bool>("--stochastic") { Description = "Sample actions instead of taking the most likely one." };
        var envKwargs = new Option<string[]>("--env-kwargs")
        {
            Description = "Evaluate on a changed env: constructor options key=value added to (or replacing) the run's own, e.g. mass_scale_range=1.3,1.3 to test a MuJoCo policy on heavier bodies.",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("eval", "Evaluate a trained agent. Example: sharprl eval runs/ppo_CartPole-v1_s0") { path, episodes, seed, stochastic, envKwargs };
        command.SetAction(parse => CliRunner.Run(parse, output =>
        {
            LoadedPolicy loaded = AgentCheckpoint.LoadPolicy(parse.GetValue(path)!, Gym.Registry);
            int count = parse.GetValue(episodes);
            if (count <= 0)
            {
                throw new CliError($"--episodes = {count} is invalid; expected a positive number.");
            }

            string envId = WithExtraKwargs(loaded.Run.EnvId, parse.GetValue(envKwargs));
            using IEnv env = Gym.Registry.Make(envId);
            bool deterministic = !parse.GetValue(stochastic);
            EvaluationResult result = Evaluation.Evaluate(loaded.Policy, env, count, deterministic, parse.GetValue(seed));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{loaded.Run.Algorithm} on {envId} ({(deterministic ? "deterministic" : "stochastic")}, {count} episode{(count == 1 ? "" : "s")}): mean return {result.Mean:F2} ± {result.Std:F2}, mean length {result.Lengths.Average():F1}"));
            return 0;
        }));
        return command;
    }

    // The run's env id with --env-kwargs merged in: "Hopper-v4[a=1]" + [b=2, a=3] → "Hopper-v4[a=3,b=2]".
    private static string WithExtraKwargs(string runEnvId, string[]? kwargs)
    {
        if (kwargs is not { Length: > 0 })
        {
            return runEnvId;
        }

        (string id, IReadOnlyDictionary<string, object>? own) = EnvRegistry.SplitId(runEnvId);
        (_, IReadOnlyDictionary<string, object>? extra) = EnvRegistry.SplitId(EnvsCommand.WithKwargs(id, kwargs)!);
        var merged = new Dictionary<string, object>(own ?? new Dictionary<string, object>(), StringComparer.Ordinal);
        foreach ((string key, object value) in extra!)
        {
            merged[key] = value;
        }

        return $"{id}[{string.Join(",", merged.Select(kv => $"{kv.Key}={kv.Value}"))}]";
    }
}
