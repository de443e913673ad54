using System.Text.Json;
using SharpRL.Environments;
using SharpRL.Envs;

namespace SharpRL.Tests.Cli;

public class EnvsCommandTests
{
    [Fact]
    public void Envs_NoArguments_ListsBuiltInEnvsWithSpacesAndLimits()
    {
        CliResult result = CliHarness.Run("envs");

        Assert.Equal(0, result.ExitCode);
        string[] lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (string id in new[] { "CartPole-v1", "CartPole-v0", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1", "Acrobot-v1" })
        {
            Assert.Contains(lines, line => line.StartsWith(id + " ", StringComparison.Ordinal));
        }

        string cartPole = lines.Single(line => line.StartsWith("CartPole-v1 ", StringComparison.Ordinal));
        Assert.Contains("act Discrete(2)", cartPole, StringComparison.Ordinal);
        Assert.Contains("max_steps 500", cartPole, StringComparison.Ordinal);
        Assert.Contains("reward_threshold 475", cartPole, StringComparison.Ordinal);
    }

    [Fact]
    public void EnvsPlay_CartPoleSeed42_ThreeJsonStepsFromTheSeededReset()
    {
        CliResult result = CliHarness.Run("envs", "play", "CartPole-v1", "--seed", "42", "--steps", "3");

        Assert.Equal(0, result.ExitCode);
        string[] lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        JsonElement[] steps = [.. lines.Select(line => JsonDocument.Parse(line).RootElement)];
        foreach (JsonElement step in steps)
        {
            Assert.Equal(["obs", "action", "reward", "terminated", "truncated", "next_obs"], step.EnumerateObject().Select(p => p.Name));
            Assert.Contains(step.GetProperty("action").GetInt32(), new[] { 0, 1 });
            Assert.Equal(1.0, step.GetProperty("reward").GetDouble());
            Assert.False(step.GetProperty("terminated").GetBoolean());
            Assert.False(step.GetProperty("truncated").GetBoolean());
        }

        using IEnv env = Gym.Make("CartPole-v1");
        float[] expected = new float[4];
        env.Reset(expected, seed: 42);
        Assert.Equal(expected, Floats(steps[0].GetProperty("obs")));

        // Replaying the printed actions in a fresh env reproduces every printed next_obs, bit for bit.
        float[] next = new float[4];
        for (int t = 0; t < steps.Length; t++)
        {
            env.Step([steps[t].GetProperty("action").GetInt32()], next);
            Assert.Equal(next, Floats(steps[t].GetProperty("next_obs")));
            if (t + 1 < steps.Length)
            {
                Assert.Equal(next, Floats(steps[t + 1].GetProperty("obs")));
            }
        }
    }

    [Fact]
    public void EnvsPlay_Pendulum_BoxActionsAsArrays()
    {
        CliResult result = CliHarness.Run("envs", "play", "Pendulum-v1", "--seed", "1", "--steps", "2");

        Assert.Equal(0, result.ExitCode);
        JsonElement first = JsonDocument.Parse(result.Output.Split('\n')[0]).RootElement;
        float action = Assert.Single(Floats(first.GetProperty("action")));
        Assert.InRange(action, -2f, 2f);
        Assert.Equal(3, Floats(first.GetProperty("obs")).Length);
    }

    [Fact]
    public void EnvsPlay_UnknownEnv_SuggestsTheCloseMatch()
    {
        CliResult result = CliHarness.Run("envs", "play", "Pendulum-v0");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("No env registered with id 'Pendulum-v0'. Did you mean 'Pendulum-v1'?", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Output);
    }

    private static float[] Floats(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetSingle())];
}
