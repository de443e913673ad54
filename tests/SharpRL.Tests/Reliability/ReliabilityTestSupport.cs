using System.Text.Json;
using System.Text.Json.Nodes;
using SharpRL.Environments;
using SharpRL.Envs;
using SharpRL.Spaces;
using SharpRL.Tests.Cli;
using SharpRL.Training;

namespace SharpRL.Tests.Reliability;

/// <summary>Helpers of the reliability tests (issue 8): small runs, file edits, a misbehaving env.</summary>
internal static class ReliabilityTestSupport
{
    public static string[] QuickPpo(string runFolder, params string[] extra) =>
        ["train", "ppo", "CartPole-v1", .. extra.Contains("--timesteps") ? Array.Empty<string>() : ["--timesteps", "1024"], "--set", "n_epochs=2", "--out", runFolder, "--quiet", .. extra];

    public static CliResult Train(string runFolder, params string[] extra)
    {
        CliResult result = CliHarness.Run(QuickPpo(runFolder, extra));
        Assert.True(result.ExitCode == 0, $"training failed ({result.ExitCode}): {result.Error}");
        return result;
    }

    /// <summary>Edits a JSON file in place (indented, as SharpRL writes it).</summary>
    public static void EditJson(string path, Action<JsonObject> edit)
    {
        JsonObject root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(root);
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>A copy of the built-in registry plus "NanReward-v0": CartPole whose reward turns NaN at a given step.</summary>
    public static EnvRegistry RegistryWithNanEnv(int nanAtStep)
    {
        EnvRegistry registry = Gym.RegisterBuiltins(new EnvRegistry());
        registry.Register("NanReward-v0", () => new NanRewardCartPole(nanAtStep), maxEpisodeSteps: 500);
        return registry;
    }

    public static IReadOnlyList<string> Files(string directory) =>
        Directory.Exists(directory) ? [.. Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!] : [];

    /// <summary>CartPole whose reward is NaN from the given step of each copy on (a buggy user env).</summary>
    private sealed class NanRewardCartPole(int nanAtStep) : IEnv
    {
        private readonly IEnv _inner = new SharpRL.Environments.ClassicControl.CartPoleEnv();
        private int _steps;

        public Space ObservationSpace => _inner.ObservationSpace;

        public Space ActionSpace => _inner.ActionSpace;

        public EnvSpec? Spec => null;

        public void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null) => _inner.Reset(observation, seed, options);

        public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
        {
            StepResult result = _inner.Step(action, observation);
            return ++_steps >= nanAtStep ? result with { Reward = double.NaN } : result;
        }

        public void Dispose() => _inner.Dispose();
    }
}
