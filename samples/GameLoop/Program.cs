// A trained policy driving a game at a fixed timestep: the loop a Unity/Godot/MonoGame update runs.
// Usage: dotnet run --project samples/GameLoop [policy.srlp]   (without a file: trains CartPole briefly and exports it)
using System.Diagnostics;
using SharpRL.Environments;
using SharpRL.Envs;
using SharpRL.Inference;
using SharpRL.Onnx;
using SharpRL.IO;
using SharpRL.Training;

string policyPath = args.Length > 0 ? args[0] : TrainAndExport();

// ---- the game side: only SharpRL.Inference ----
Agent agent = Agent.Load(policyPath, seed: 0);
agent.Reserve(1); // buffers made up front: nothing allocates inside the loop
using IEnv world = Gym.Make("CartPole-v1"); // stands in for the game's own simulation
float[] observation = new float[agent.ObservationSize];
float[] action = new float[agent.ActionSize];
world.Reset(observation, seed: 0);

const double FixedStep = 0.02;   // CartPole's τ: the physics runs at 50 Hz whatever the frame rate
const double TimeScale = 20.0;   // fast-forward so the sample ends in seconds
const double WallSeconds = 2.0;
double accumulator = 0, episodeReturn = 0;
int ticks = 0, episodes = 0;
var clock = Stopwatch.StartNew();
var actTime = new Stopwatch();
double previous = 0;
while (clock.Elapsed.TotalSeconds < WallSeconds)
{
    double now = clock.Elapsed.TotalSeconds;
    accumulator += (now - previous) * TimeScale; // the frame's variable dt
    previous = now;
    while (accumulator >= FixedStep)
    {
        actTime.Start();
        agent.Act(observation, action);
        actTime.Stop();
        StepResult step = world.Step(action, observation);
        episodeReturn += step.Reward;
        ticks++;
        if (step.Terminated || step.Truncated)
        {
            Console.WriteLine($"episode {++episodes}: return {episodeReturn}");
            episodeReturn = 0;
            world.Reset(observation);
        }

        accumulator -= FixedStep;
    }

    Thread.Sleep(16); // the rest of the frame: rendering, input, ...
}

// A wall-clock average over few calls, each after a frame's sleep (cold caches) and including JIT warm-up:
// an upper bound; benchmarks/ measures the steady-state latency.
Console.WriteLine($"{ticks} fixed ticks in {clock.Elapsed.TotalSeconds:F1} s wall; Act took {actTime.Elapsed.TotalMicroseconds / ticks:F2} µs per call on average (cold, JIT included)");

// ---- the training side, run once offline in a real project (sharprl train + sharprl export) ----
static string TrainAndExport()
{
    string folder = Directory.CreateTempSubdirectory("sharprl-gameloop-").FullName;
    var request = new TrainRequest { Algorithm = "ppo", EnvId = "CartPole-v1", Seed = 0, TotalTimesteps = 30_000, OutputDirectory = folder };
    using (TrainingRun run = TrainingRun.Start(request, Gym.Registry))
    {
        run.Learn();
    }

    string path = Path.Combine(folder, "policy" + PolicyModelFile.Extension);
    PolicyModel model = PolicyModelBuilder.FromCheckpoint(folder, Gym.Registry);
    AtomicFile.Write(path, stream => PolicyModelFile.Write(model, stream)); // = sharprl export <run> --format sharprl --out policy.srlp
    Console.WriteLine($"trained PPO on CartPole-v1 for 30k steps and exported {path}");
    return path;
}
