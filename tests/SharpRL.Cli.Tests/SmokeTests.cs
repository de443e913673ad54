using System.Text.Json.Nodes;

namespace SharpRL.Cli.Tests;

/// <summary>
/// train → eval → export on a tiny budget: each command works end to end on what the previous one wrote.
/// </summary>
public sealed class SmokeTests
{
    [Fact]
    public void Train_Eval_Export_OnATinyBudget()
    {
        using var scratch = new ScratchFolder();
        string run = scratch["ppo-run"];

        Invocation train = Sharprl.InProcess("train", "ppo", "CartPole-v1", "--timesteps", "1024", "--seed", "3", "--out", run, "--quiet");
        Assert.True(train.ExitCode == 0, train.Error);
        JsonNode config = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "config.json")))!;
        Assert.Equal("ppo", (string?)config["algorithm"]);
        Assert.Equal(1024, (long)config["total_timesteps"]!);
        Assert.True(File.Exists(Path.Combine(run, "model.json")), "training must write its final model");
        Assert.True(File.ReadAllLines(Path.Combine(run, "progress.csv")).Length >= 2, "progress.csv must have a header and a row per iteration");

        Invocation eval = Sharprl.InProcess("eval", run, "--episodes", "2", "--seed", "1");
        Assert.True(eval.ExitCode == 0, eval.Error);
        Assert.Contains("ppo on CartPole-v1 (deterministic, 2 episodes): mean return", eval.Output, StringComparison.Ordinal);

        string onnx = scratch["policy.onnx"];
        Invocation export = Sharprl.InProcess("export", run, "--format", "onnx", "--out", onnx);
        Assert.True(export.ExitCode == 0, export.Error);
        byte[] bytes = File.ReadAllBytes(onnx);
        Assert.True(bytes.Length > 100, $"the ONNX file has {bytes.Length} bytes");
    }

    [Fact]
    public void Train_SameSeed_WritesTheSameModel()
    {
        using var scratch = new ScratchFolder();
        foreach (string name in new[] { "a", "b" })
        {
            Invocation train = Sharprl.InProcess("train", "a2c", "CartPole-v1", "--timesteps", "200", "--seed", "5", "--out", scratch[name], "--quiet");
            Assert.True(train.ExitCode == 0, train.Error);
        }

        string[] tensors = [.. Directory.GetFiles(scratch["a"], "model*").Select(Path.GetFileName).Where(f => f is not null && !f.EndsWith(".json", StringComparison.Ordinal)).Select(f => f!)];
        Assert.NotEmpty(tensors);
        foreach (string file in tensors)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(scratch["a"], file)), File.ReadAllBytes(Path.Combine(scratch["b"], file)));
        }
    }
}
