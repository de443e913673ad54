using SharpRL.Datasets;

namespace SharpRL.Cli;

/// <summary><c>sharprl record &lt;run&gt; --episodes N --out &lt;dir&gt;</c>: records a trained agent as a Minari dataset.</summary>
internal static class RecordCommand
{
    public static Command Build()
    {
        var path = new Argument<string>("run-or-checkpoint") { Description = "A run folder (its final model, else its latest checkpoint) or a checkpoint path." };
        var episodes = new Option<int>("--episodes") { Description = "Episodes to record.", DefaultValueFactory = _ => 10 };
        var output = new Option<string>("--out") { Description = "Dataset folder to create (Minari layout: data/main_data.hdf5, data/metadata.json).", Required = true };
        var seed = new Option<int>("--seed") { Description = "Episode i is reset with seed S + i; S also seeds sampled actions.", DefaultValueFactory = _ => 0 };
        var deterministic = new Option<bool>("--deterministic") { Description = "Act with the most likely action (the default)." };
        var stochastic = new Option<bool>("--stochastic") { Description = "Sample actions from the policy." };
        var datasetId = new Option<string?>("--dataset-id") { Description = "Minari dataset id (default sharprl/<env>-<algorithm>-v0)." };
        var command = new Command("record", "Record episodes of a trained agent as a Minari dataset. Example: sharprl record runs/ppo_CartPole-v1_s0 --episodes 10 --out datasets/cartpole-expert")
        {
            path, episodes, output, seed, deterministic, stochastic, datasetId,
        };
        command.SetAction(parse => CliRunner.Run(parse, writer =>
        {
            int count = parse.GetValue(episodes);
            if (count <= 0)
            {
                throw new CliError($"--episodes = {count} is invalid; expected a positive number.");
            }

            if (parse.GetValue(deterministic) && parse.GetValue(stochastic))
            {
                throw new CliError("--deterministic and --stochastic exclude each other; pass one.");
            }

            string target = parse.GetValue(output)!;
            if (File.Exists(target) || (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any()))
            {
                throw new CliError($"--out '{target}' already exists and is not empty; choose another folder.");
            }

            LoadedPolicy loaded = AgentCheckpoint.LoadPolicy(AgentCheckpoint.Resolve(parse.GetValue(path)!), Gym.Registry);
            using IEnv env = Gym.Registry.Make(loaded.Run.EnvId);
            bool isDeterministic = !parse.GetValue(stochastic);
            int s = parse.GetValue(seed);
            string id = parse.GetValue(datasetId) ?? $"sharprl/{loaded.Run.EnvId}-{loaded.Run.Algorithm}-v0";
            ActionFunction act = DatasetRecorder.FromPolicy(loaded.Policy, isDeterministic, new Random(s));
            MinariDataset dataset = DatasetRecorder.Record(env, act, count, s, id, loaded.Run.Algorithm, DatasetRecorder.InfoSourceOf(env));
            dataset.Save(target);
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Recorded {count} episode{(count == 1 ? "" : "s")} ({dataset.TotalSteps} steps, mean return {dataset.MeanReturn:F2}) of {loaded.Run.Algorithm} on {loaded.Run.EnvId} ({(isDeterministic ? "deterministic" : "stochastic")}) into {target} as {id}."));
            return 0;
        }));
        return command;
    }
}
