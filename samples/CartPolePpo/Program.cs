// PPO on CartPole-v1 end to end: train with the rl-zoo preset, save, load, evaluate.
using SharpRL.Environments;
using SharpRL.Envs;
using SharpRL.Training;

string runFolder = Directory.CreateTempSubdirectory("sharprl-cartpole-ppo-").FullName;
try
{
    using (TrainingRun run = TrainingRun.Start(new TrainRequest { Algorithm = "ppo", EnvId = "CartPole-v1", Seed = 0, OutputDirectory = runFolder }, Gym.Registry))
    {
        run.Learn(); // the preset's 100k steps; saves the model (and progress.csv, TensorBoard events) in the run folder
        Console.WriteLine($"Trained {run.Agent.NumTimesteps:N0} steps in {run.Summary().Elapsed.TotalSeconds:F1} s; saved {run.ModelPath}");
    }

    LoadedPolicy loaded = AgentCheckpoint.LoadPolicy(AgentCheckpoint.Resolve(runFolder), Gym.Registry);
    using IEnv env = Gym.Make("CartPole-v1");
    EvaluationResult result = Evaluation.Evaluate(loaded.Policy, env, episodes: 20, deterministic: true, seed: 0);
    Console.WriteLine($"Loaded policy, 20 deterministic episodes: mean return {result.Mean:F1} ± {result.Std:F1}");
}
finally
{
    // The run folder is a throwaway here; a real program keeps it (it holds the model and the logs).
    Directory.Delete(runFolder, recursive: true);
}
