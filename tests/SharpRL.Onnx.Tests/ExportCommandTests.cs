using System.CommandLine;
using Onnx;
using SharpRL.Cli;
using SharpRL.Environments;
using SharpRL.Inference;
using SharpRL.Training;

namespace SharpRL.Onnx.Tests;

/// <summary><c>sharprl export</c> end to end on a briefly trained run.</summary>
public sealed class ExportCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sharprl-export-cli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void Export_EveryFormatAndFlavour_WritesFilesThatLoad()
    {
        string run = Train();
        string onnx = Path.Combine(_root, "policy.onnx"), mlAgents = Path.Combine(_root, "ml.onnx"), compact = Path.Combine(_root, "policy.srlp");

        (int code, string output, string error) = Invoke("export", run, "--format", "onnx", "--out", onnx);
        Assert.True(code == 0, error);
        Assert.Contains("Categorical policy, 4 observation floats → 1 action floats", output, StringComparison.Ordinal);
        Assert.Equal(0, Invoke("export", run, "--format", "onnx", "--out", mlAgents, "--flavour", "ml-agents").Code);
        Assert.Equal(0, Invoke("export", run, "--format", "sharprl", "--out", compact).Code);

        ModelProto sharp = ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnx));
        ModelProto ml = ModelProto.Parser.ParseFrom(File.ReadAllBytes(mlAgents));
        Assert.Equal(["obs"], sharp.Graph.Input.Select(i => i.Name));
        Assert.Equal(["obs_0", "action_masks"], ml.Graph.Input.Select(i => i.Name));
        float[] observation = [0.01f, -0.2f, 0.03f, 0.1f];
        float action = ((float[])OnnxTestSupport.Run(sharp, 1, ("obs", observation))["action"])[0];
        long branch = ((long[])OnnxTestSupport.Run(ml, 1, ("obs_0", observation), ("action_masks", [1f, 1f]))["deterministic_discrete_actions"])[0];
        float[] agentAction = new float[1];
        Agent.Load(compact).Act(observation, agentAction);
        Assert.Equal(action, agentAction[0]);
        Assert.Equal(action, branch);
    }

    [Fact]
    public void Export_UnknownFlavour_ClearErrorAndNothingWritten()
    {
        string destination = Path.Combine(_root, "x.onnx");

        (int code, _, string error) = Invoke("export", _root, "--out", destination, "--flavour", "unreal");

        Assert.Equal(2, code);
        Assert.Contains("--flavour 'unreal' is unknown; expected sharprl or ml-agents", error, StringComparison.Ordinal);
        Assert.False(File.Exists(destination));
    }

    [Fact]
    public void Export_FolderWithoutCheckpoint_ClearError()
    {
        Directory.CreateDirectory(_root);

        (int code, _, string error) = Invoke("export", _root, "--out", Path.Combine(_root, "x.onnx"));

        Assert.Equal(2, code);
        Assert.Contains("holds no checkpoint", error, StringComparison.Ordinal);
    }

    private string Train()
    {
        var request = new TrainRequest
        {
            Algorithm = "ppo",
            EnvId = "CartPole-v1",
            Seed = 1,
            TotalTimesteps = 512,
            NumEnvs = 2,
            Settings = [new("n_steps", "128"), new("batch_size", "64"), new("n_epochs", "1"), new("normalize_observations", "true")],
            OutputDirectory = Path.Combine(_root, "run"),
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
