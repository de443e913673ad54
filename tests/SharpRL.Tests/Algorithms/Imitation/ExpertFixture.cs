using SharpRL.Environments;
using SharpRL.Training;

namespace SharpRL.Tests.Algorithms.Imitation;

/// <summary>
/// A PPO expert on CartPole-v1, trained once per test class with the rl-zoo preset (1e5 steps, seed 0,
/// about 2 s) and saved in a temporary run folder, as a user's saved policy would be.
/// </summary>
public sealed class CartPoleExpertFixture : IDisposable
{
    public CartPoleExpertFixture()
    {
        RunFolder = Directory.CreateTempSubdirectory("sharprl-bc-expert-").FullName;
        using (TrainingRun run = TrainingRun.Start(new TrainRequest { Algorithm = "ppo", EnvId = "CartPole-v1", Seed = 0, OutputDirectory = RunFolder }, Gym.Registry))
        {
            run.Learn();
        }

        Expert = AgentCheckpoint.LoadPolicy(AgentCheckpoint.Resolve(RunFolder), Gym.Registry);
    }

    public string RunFolder { get; }

    public LoadedPolicy Expert { get; }

    public void Dispose() => Directory.Delete(RunFolder, recursive: true);
}
