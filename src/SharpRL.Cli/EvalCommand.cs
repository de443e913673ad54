using System.CommandLine;
using System.Globalization;
using SharpRL.Environments;
using SharpRL.Envs;
using SharpRL.Training;

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
        var command = new Command("eval", "Evaluate a trained agent. Example: sharprl eval runs/ppo_CartPole-v1_s0") { path, episodes, seed, stochastic };
        command.SetAction(parse => CliRunner.Run(parse, output =>
        {
            LoadedPolicy loaded = AgentCheckpoint.LoadPolicy(parse.GetValue(path)!, Gym.Registry);
            int count = parse.GetValue(episodes);
            if (count <= 0)
            {
                throw new CliError($"--episodes = {count} is invalid; expected a positive number.");
            }

            using IEnv env = Gym.Registry.Make(loaded.Run.EnvId);
            bool deterministic = !parse.GetValue(stochastic);
            EvaluationResult result = Evaluation.Evaluate(loaded.Policy, env, count, deterministic, parse.GetValue(seed));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{loaded.Run.Algorithm} on {loaded.Run.EnvId} ({(deterministic ? "deterministic" : "stochastic")}, {count} episode{(count == 1 ? "" : "s")}): mean return {result.Mean:F2} ± {result.Std:F2}, mean length {result.Lengths.Average():F1}"));
            return 0;
        }));
        return command;
    }
}
