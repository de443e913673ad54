using System.CommandLine;
using Onnx;
using SharpRL.Algorithms;
using SharpRL.Algorithms.OffPolicy;
using SharpRL.Cli;
using SharpRL.Environments;
using SharpRL.Inference;
using SharpRL.Training;
using static SharpRL.Onnx.Tests.OnnxTestSupport;

namespace SharpRL.Onnx.Tests;

/// <summary>
/// DDPG, TD3 and SAC runs exported with <c>sharprl export</c> (ONNX in both flavours, and .srlp) act as
/// the training library's own acting policy restored from the same checkpoint does.
/// </summary>
public sealed class OffPolicyExportTests : IDisposable
{
    private const int Rows = 200;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sharprl-offpolicy-export-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [SkippableTheory]
    [InlineData("td3")]
    [InlineData("ddpg")]
    [InlineData("sac")]
    public void ExportedRun_EveryFormatAndFlavour_ActsAsTheTrainingPolicy(string algorithm)
    {
        string run = Train(algorithm);
        string onnx = Path.Combine(_root, "policy.onnx"), mlAgents = Path.Combine(_root, "ml.onnx"), compact = Path.Combine(_root, "policy.srlp");
        (int code, string output, string error) = Invoke("export", run, "--format", "onnx", "--out", onnx);
        Assert.True(code == 0, error);
        ActionHead head = algorithm == "sac" ? ActionHead.SquashedGaussian : ActionHead.DeterministicTanh;
        Assert.Contains($"{head} policy, 3 observation floats → 1 action floats", output, StringComparison.Ordinal);
        Assert.Equal(0, Invoke("export", run, "--format", "onnx", "--flavour", "ml-agents", "--out", mlAgents).Code);
        Assert.Equal(0, Invoke("export", run, "--format", "srlp", "--out", compact).Code);

        LoadedPolicy loaded = AgentCheckpoint.LoadPolicy(AgentCheckpoint.Resolve(run), Gym.Registry);
        float[] observations = PendulumObservations(Rows);
        float[] expected = Act(loaded.Policy, observations, deterministic: true, new Random(0));
        ModelProto sharp = ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnx));
        ModelProto ml = ModelProto.Parser.ParseFrom(File.ReadAllBytes(mlAgents));
        Dictionary<string, Array> sharpOutputs = Run(sharp, Rows, ("obs", observations));
        Dictionary<string, Array> mlOutputs = Run(ml, Rows, ("obs_0", observations));
        Assert.DoesNotContain("value", sharpOutputs.Keys);
        AssertClose(expected, (float[])sharpOutputs["action"], 1e-5, "action");
        AssertClose(expected, (float[])mlOutputs["deterministic_continuous_actions"], 1e-5, "deterministic_continuous_actions");
        Assert.Equal([1f], (float[])mlOutputs["continuous_action_output_shape"]);

        // The checkpoint's actions are not all at one bound (else a wrong rescale could pass).
        Assert.True(expected.Max() - expected.Min() > 1e-3, $"actions span only [{expected.Min()}, {expected.Max()}]");
        Agent agent = Agent.Load(compact, seed: 11);
        float[] agentActions = new float[Rows];
        agent.Act(observations, agentActions, Rows);
        AssertClose(expected, agentActions, 1e-5, "Agent action");

        float[] sampled = (float[])sharpOutputs["sampled_action"];
        Assert.All(sampled, a => Assert.InRange(a, -2f, 2f));
        if (head == ActionHead.SquashedGaussian)
        {
            // Mean and log σ against SAC's own actor network, log σ clamped as SAC clamps it.
            var actor = ((SquashedGaussianActingPolicy)loaded.Policy).Actor;
            float[] raw = new float[Rows * 2];
            actor.Network.Forward(observations, raw, Rows);
            AssertClose([.. raw.Where((_, i) => i % 2 == 0)], (float[])sharpOutputs["mean"], 1e-5, "mean");
            AssertClose([.. raw.Where((_, i) => i % 2 == 1).Select(v => Math.Clamp(v, -20f, 2f))], (float[])sharpOutputs["log_std"], 1e-5, "log_std");

            // A seeded Agent draws what SAC's acting policy draws from the same generator.
            agent.Deterministic = false;
            float[] agentSampled = new float[Rows];
            for (int row = 0; row < Rows; row++)
            {
                agent.Act(observations.AsSpan(row * 3, 3), agentSampled.AsSpan(row, 1));
            }

            float[] trainingSampled = Act(loaded.Policy, observations, deterministic: false, new Random(11));
            AssertClose(trainingSampled, agentSampled, 1e-5, "Agent sampled action");
            Assert.NotEqual(expected, agentSampled);
            Assert.NotEqual(expected, sampled);
        }
        else
        {
            // A deterministic actor has no distribution: its "sampled" output is the action itself.
            AssertClose(expected, sampled, 1e-5, "sampled_action");
            Assert.DoesNotContain("mean", sharpOutputs.Keys);
        }

        CheckWithOnnxChecker([onnx, mlAgents]);
    }

    [Fact]
    public void Export_ActionMasksOnForAContinuousRun_ClearErrorAndNothingWritten()
    {
        string run = Train("td3");
        string destination = Path.Combine(_root, "masked.onnx");

        (int code, _, string error) = Invoke("export", run, "--out", destination, "--action-masks", "on");

        Assert.Equal(2, code);
        Assert.Contains("continuous actions, which cannot be masked", error, StringComparison.Ordinal);
        Assert.False(File.Exists(destination));
    }

    private static float[] Act(IActingPolicy policy, float[] observations, bool deterministic, Random random)
    {
        float[] actions = new float[Rows];
        for (int row = 0; row < Rows; row++)
        {
            policy.Act(observations.AsSpan(row * 3, 3), actions.AsSpan(row, 1), deterministic, random);
        }

        return actions;
    }

    // Observations Pendulum produces (seeded random actions), not only noise.
    private static float[] PendulumObservations(int rows)
    {
        using SharpRL.Envs.IEnv env = Gym.Registry.Make("Pendulum-v1");
        float[] observations = new float[rows * 3];
        float[] observation = new float[3];
        float[] action = new float[1];
        SharpRL.Rng.NumpyGenerator random = SharpRL.Rng.NumpyGenerator.Create(7);
        env.Reset(observation, seed: 7);
        for (int row = 0; row < rows; row++)
        {
            observation.CopyTo(observations, row * 3);
            env.ActionSpace.Sample(action, random);
            SharpRL.Envs.StepResult step = env.Step(action, observation);
            if (step.Terminated || step.Truncated)
            {
                env.Reset(observation);
            }
        }

        return observations;
    }

    private string Train(string algorithm)
    {
        var request = new TrainRequest
        {
            Algorithm = algorithm,
            EnvId = "Pendulum-v1",
            Seed = 2,
            TotalTimesteps = 300,
            Settings =
            [
                new("hidden_sizes", "32,16"), new("batch_size", "32"), new("learning_starts", "100"), new("buffer_size", "1000"),
                new("save_replay_buffer", "false"), new("learning_rate", "0.01"),
            ],
            OutputDirectory = Path.Combine(_root, algorithm),
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
