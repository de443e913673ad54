using Onnx;
using SharpRL.Algorithms.Common;
using SharpRL.Environments;
using SharpRL.Inference;
using SharpRL.Training;
using static SharpRL.Onnx.Tests.OnnxTestSupport;

namespace SharpRL.Onnx.Tests;

/// <summary>A run trained behind an observation normaliser, exported from its checkpoint, acts as the training-time policy does.</summary>
public sealed class CheckpointExportTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sharprl-onnx-run-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [SkippableTheory]
    [InlineData("ppo", "CartPole-v1")]
    [InlineData("ppo", "Pendulum-v1")]
    [InlineData("awr", "Pendulum-v1")]
    public void ExportedCheckpoint_WithNormalisation_GivesTheTrainingPolicysActions(string algorithm, string envId)
    {
        string run = TrainBriefly(algorithm, envId);
        LoadedPolicy loaded = AgentCheckpoint.LoadPolicy(AgentCheckpoint.Resolve(run), Gym.Registry);
        Assert.True(((ActorCriticActingPolicy)loaded.Policy).NormalizesObservations);

        PolicyModel model = PolicyModelBuilder.FromCheckpoint(run, Gym.Registry);
        Assert.NotNull(model.Normalizer);
        string onnxPath = Path.Combine(_root, "policy.onnx");
        OnnxExporter.Save(model, onnxPath);

        // Observations the env really produces (seeded rollouts with random actions), not only noise.
        const int Rows = 256;
        float[] observations = CollectObservations(envId, Rows);
        int n = model.ObservationSize, a = model.ActionSize;
        float[] expected = new float[Rows * a];
        var random = new Random(0);
        for (int row = 0; row < Rows; row++)
        {
            // The training library's own acting policy: its frozen normaliser, then π's mode.
            loaded.Policy.Act(observations.AsSpan(row * n, n), expected.AsSpan(row * a, a), deterministic: true, random);
        }

        ModelProto proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnxPath));
        float[] actual = (float[])Run(proto, Rows, ("obs", observations))["action"];
        AssertClose(expected, actual, 1e-5, "action");
        CheckWithOnnxChecker([onnxPath]);
    }

    private string TrainBriefly(string algorithm, string envId)
    {
        string directory = Path.Combine(_root, algorithm + envId);

        // AWR (Peng et al. 2019) freezes its normaliser after normalizer_samples steps; PPO's is VecNormalize's.
        var request = algorithm == "awr"
            ? new TrainRequest
            {
                Algorithm = algorithm,
                EnvId = envId,
                Seed = 3,
                TotalTimesteps = 2000,
                Settings = [new("normalizer_samples", "500")],
                OutputDirectory = directory,
            }
            : new TrainRequest
            {
                Algorithm = algorithm,
                EnvId = envId,
                Seed = 3,
                TotalTimesteps = 1024,
                NumEnvs = 2,
                Settings = [new("n_steps", "256"), new("batch_size", "64"), new("n_epochs", "2"), new("normalize_observations", "true")],
                OutputDirectory = directory,
            };
        using TrainingRun run = TrainingRun.Start(request, Gym.Registry);
        Assert.True(run.Learn());
        return directory;
    }

    private static float[] CollectObservations(string envId, int rows)
    {
        using SharpRL.Envs.IEnv env = Gym.Registry.Make(envId);
        int n = env.ObservationSpace.FlatSize;
        float[] observations = new float[rows * n];
        float[] observation = new float[n];
        float[] action = new float[env.ActionSpace.FlatSize];
        SharpRL.Rng.NumpyGenerator random = SharpRL.Rng.NumpyGenerator.Create(5);
        env.Reset(observation, seed: 5);
        for (int row = 0; row < rows; row++)
        {
            observation.CopyTo(observations, row * n);
            env.ActionSpace.Sample(action, random);
            SharpRL.Envs.StepResult step = env.Step(action, observation);
            if (step.Terminated || step.Truncated)
            {
                env.Reset(observation);
            }
        }

        return observations;
    }
}
