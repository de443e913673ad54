using System.CommandLine;
using Onnx;
using SharpRL.Algorithms.Common;
using SharpRL.Cli;
using SharpRL.Environments;
using SharpRL.Environments.Toy;
using SharpRL.Inference;
using SharpRL.Serialization;
using SharpRL.Training;
using static SharpRL.Onnx.Tests.OnnxTestSupport;

namespace SharpRL.Onnx.Tests;

/// <summary>
/// A run trained on an env that supplies action masks (WallMaze-v0) records it in its checkpoint, and
/// <c>sharprl export</c> then gives the graph its <c>action_masks</c> input without being told.
/// </summary>
public sealed class MaskedExportTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sharprl-masked-export-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [SkippableFact]
    public void Export_MaskedRun_HasTheMaskInputAndActsAsTheMaskedTrainingPolicy()
    {
        string run = Train("WallMaze-v0", "maze");
        Assert.True(Checkpoint.Load(run, "ppo", TrainingRun.ModelName).Extra[OnPolicyAlgorithm.ActionMasksKey]!.GetValue<bool>());
        string onnx = Path.Combine(_root, "maze.onnx"), compact = Path.Combine(_root, "maze.srlp");

        (int code, string output, string error) = Invoke("export", run, "--out", onnx);
        Assert.True(code == 0, error);
        Assert.Contains("action_masks input (the run's env supplied masks)", output, StringComparison.Ordinal);
        Assert.Equal(0, Invoke("export", run, "--format", "srlp", "--out", compact).Code);
        ModelProto proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnx));
        Assert.Equal(["obs", "action_masks"], proto.Graph.Input.Select(i => i.Name));

        // Every cell, under the maze's own mask and under random masks, against the training library's
        // masked acting policy (IMaskedActingPolicy) restored from the same checkpoint.
        var loaded = (ActorCriticActingPolicy)AgentCheckpoint.LoadPolicy(AgentCheckpoint.Resolve(run), Gym.Registry).Policy;
        var random = new Random(3);
        const int Cells = WallMaze.Size * WallMaze.Size;
        const int Rows = 4 * Cells;
        float[] observations = new float[Rows * Cells];
        bool[] masks = new bool[Rows * 4];
        for (int row = 0; row < Rows; row++)
        {
            int cell = row % Cells;
            observations[(row * Cells) + cell] = 1f;
            for (int a = 0; a < 4; a++)
            {
                masks[(row * 4) + a] = row < Cells ? WallMaze.IsLegal(cell, a) : random.NextDouble() < 0.5;
            }

            if (!masks.AsSpan(row * 4, 4).Contains(true))
            {
                masks[(row * 4) + random.Next(4)] = true;
            }
        }

        float[] expected = new float[Rows], unmasked = new float[Rows];
        for (int row = 0; row < Rows; row++)
        {
            loaded.Act(observations.AsSpan(row * Cells, Cells), masks.AsSpan(row * 4, 4), expected.AsSpan(row, 1), deterministic: true, random);
            loaded.Act(observations.AsSpan(row * Cells, Cells), unmasked.AsSpan(row, 1), deterministic: true, random);
        }

        float[] maskInput = [.. masks.Select(m => m ? 1f : 0f)];
        Dictionary<string, Array> outputs = Run(proto, Rows, ("obs", observations), ("action_masks", maskInput));
        Assert.Equal(expected, (float[])outputs["action"]);
        float[] sampled = (float[])outputs["sampled_action"];
        Assert.All(Enumerable.Range(0, Rows), row => Assert.True(masks[(row * 4) + (int)sampled[row]], $"row {row}: sampled masked action {sampled[row]}"));
        Agent agent = Agent.Load(compact);
        float[] agentActions = new float[Rows];
        agent.Act(observations, masks, agentActions, Rows);
        Assert.Equal(expected, agentActions);

        // The masks change some choices, so the comparison above could fail.
        Assert.Contains(Enumerable.Range(0, Rows), row => expected[row] != unmasked[row]);
        CheckWithOnnxChecker([onnx]);
    }

    [Fact]
    public void Export_ActionMasksFlag_OverridesTheRecord()
    {
        string maze = Train("WallMaze-v0", "maze");
        string cartPole = Train("CartPole-v1", "cartpole");
        string off = Path.Combine(_root, "off.onnx"), on = Path.Combine(_root, "on.onnx"), plain = Path.Combine(_root, "plain.onnx");

        Assert.Equal(0, Invoke("export", maze, "--out", off, "--action-masks", "off").Code);
        Assert.Equal(0, Invoke("export", cartPole, "--out", plain).Code);
        Assert.Equal(0, Invoke("export", cartPole, "--out", on, "--action-masks", "on").Code);

        Assert.Equal(["obs"], Inputs(off));
        Assert.Equal(["obs"], Inputs(plain));
        Assert.Equal(["obs", "action_masks"], Inputs(on));
        Assert.False(PolicyModelBuilder.TrainedWithActionMasks(cartPole, Gym.Registry));
        (int code, _, string error) = Invoke("export", maze, "--out", Path.Combine(_root, "x.onnx"), "--action-masks", "maybe");
        Assert.Equal(2, code);
        Assert.Contains("--action-masks 'maybe' is unknown; expected auto, on or off", error, StringComparison.Ordinal);
        (code, _, error) = Invoke("export", maze, "--out", Path.Combine(_root, "y.onnx"), "--flavour", "ml-agents", "--action-masks", "off");
        Assert.Equal(2, code);
        Assert.Contains("always has the action_masks input", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainedWithActionMasks_CheckpointWithoutTheRecord_AsksTheEnv()
    {
        string maze = Train("WallMaze-v0", "maze");
        CheckpointData data = Checkpoint.Load(maze, "ppo", TrainingRun.ModelName);
        Assert.True(data.Extra.Remove(OnPolicyAlgorithm.ActionMasksKey));
        string old = Path.Combine(_root, "old");
        Checkpoint.Save(old, data, TrainingRun.ModelName);
        Assert.Null(Checkpoint.Load(old, "ppo", TrainingRun.ModelName).Extra[OnPolicyAlgorithm.ActionMasksKey]);

        Assert.True(PolicyModelBuilder.TrainedWithActionMasks(old, Gym.Registry));
    }

    private static IEnumerable<string> Inputs(string path) => ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Input.Select(i => i.Name);

    private string Train(string envId, string name)
    {
        var request = new TrainRequest
        {
            Algorithm = "ppo",
            EnvId = envId,
            Seed = 4,
            TotalTimesteps = 512,
            NumEnvs = 2,
            Settings = [new("n_steps", "128"), new("batch_size", "64"), new("n_epochs", "2"), new("learning_rate", "0.003")],
            OutputDirectory = Path.Combine(_root, name),
        };
        using TrainingRun run = TrainingRun.Start(request, Gym.Registry);
        Assert.True(run.Learn());
        return request.OutputDirectory;
    }

    private static (int Code, string Output, string Error) Invoke(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = Program.BuildRootCommand().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
