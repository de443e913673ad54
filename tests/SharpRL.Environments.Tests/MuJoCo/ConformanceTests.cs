using SharpRL.Environments.MuJoCo;
using SharpRL.Envs;
using SharpRL.Rng;

namespace SharpRL.Environments.Tests.MuJoCo;

/// <summary>
/// Each step's float64 observation and reward, recomputed from the reset's qpos/qvel and the actions by
/// the C reference harness (tools/mujoco/reference_harness.c: Gymnasium's formulas written in C over the
/// real MuJoCo headers), must equal the env's bit for bit, for every env and version.
/// </summary>
public class ConformanceTests
{
    public static TheoryData<string, int> Envs => new()
    {
        { "Hopper", 4 }, { "Hopper", 5 }, { "Walker2d", 4 }, { "Walker2d", 5 }, { "HalfCheetah", 4 }, { "HalfCheetah", 5 },
        { "Swimmer", 4 }, { "Swimmer", 5 }, { "Ant", 4 }, { "Ant", 5 }, { "InvertedPendulum", 4 }, { "InvertedPendulum", 5 },
        { "InvertedDoublePendulum", 4 }, { "InvertedDoublePendulum", 5 }, { "Reacher", 4 }, { "Reacher", 5 },
        { "Pusher", 4 }, { "Pusher", 5 }, { "Humanoid", 4 }, { "Humanoid", 5 }, { "HumanoidStandup", 4 }, { "HumanoidStandup", 5 },
    };

    [SkippableTheory]
    [MemberData(nameof(Envs))]
    public void Episode_EveryStep_MatchesTheCReferenceBitForBit(string name, int version)
    {
        string harness = ReferenceHarness.Require();
        using IEnv made = Gym.Make($"{name}-v{version}");
        var env = (MuJoCoEnv)((SharpRL.Envs.Wrappers.Wrapper)made).Unwrapped;
        int n = env.ObservationSpace.FlatSize;
        var observation = new float[n];
        env.Reset(observation, seed: 17);
        double[] qpos = env.ResetQpos.ToArray();
        double[] qvel = env.ResetQvel.ToArray();

        // Actions 1.3× the box: MuJoCo clamps ctrl, the control cost sees the unclipped value.
        var random = NumpyGenerator.Create(23);
        var actions = new List<float[]>();
        var rewards = new List<double>();
        var terminations = new List<bool>();
        var observations = new List<double[]>();
        for (int t = 0; t < 120; t++)
        {
            float[] action = new float[env.ActionSpace.FlatSize];
            env.ActionSpace.Sample(action, random);
            for (int i = 0; i < action.Length; i++)
            {
                action[i] *= 1.3f;
            }

            StepResult result = env.Step(action, observation);
            actions.Add(action);
            rewards.Add(result.Reward);
            terminations.Add(result.Terminated);
            observations.Add(env.Observation64.ToArray());
            if (result.Terminated)
            {
                break;
            }
        }

        string[] lines = ReferenceHarness.Run(harness, ReferenceHarness.Input(name, version, env.FrameSkip, env.ModelPath, qpos, qvel, actions));
        Assert.Equal(actions.Count, lines.Length);
        for (int t = 0; t < lines.Length; t++)
        {
            string[] fields = lines[t].Split(' ');
            Assert.True(fields.Length == 2 + n, $"step {t}: the harness wrote {fields.Length - 2} observation values, the env has {n}");
            Assert.True(ReferenceHarness.Hex(rewards[t]) == fields[0], $"{name}-v{version} step {t}: reward {rewards[t]:R} vs reference {BitConverter.Int64BitsToDouble(Convert.ToInt64(fields[0], 16)):R}");
            Assert.True(terminations[t] == (fields[1] == "1"), $"{name}-v{version} step {t}: terminated {terminations[t]} vs reference {fields[1]}");
            for (int i = 0; i < n; i++)
            {
                Assert.True(
                    ReferenceHarness.Hex(observations[t][i]) == fields[2 + i],
                    $"{name}-v{version} step {t}: observation[{i}] {observations[t][i]:R} vs reference {BitConverter.Int64BitsToDouble(Convert.ToInt64(fields[2 + i], 16)):R}");
            }
        }
    }
}
