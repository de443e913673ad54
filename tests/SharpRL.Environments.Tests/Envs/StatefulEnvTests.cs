using System.Text.Json.Nodes;
using SharpRL.Environments.ClassicControl;
using SharpRL.Environments.Toy;
using SharpRL.Envs;
using SharpRL.Envs.Wrappers;
using SharpRL.Rng;
using SharpRL.Spaces;

namespace SharpRL.Environments.Tests.Envs;

/// <summary>
/// Save after k random steps, record the next steps (with autoresets that continue the env's
/// generator), load the snapshot — sent through its JSON text — into a fresh env that has been
/// stepped elsewhere, replay the same actions: every observation, reward and flag must match bit for bit.
/// </summary>
public class StatefulEnvTests
{
    public static TheoryData<string, int, int> ClassicEnvs => new()
    {
        // Warm-up steps chosen so that the recorded part crosses time limits and terminations.
        { "CartPole-v1", 37, 300 },
        { "Acrobot-v1", 480, 120 },
        { "MountainCar-v0", 150, 300 },
        { "MountainCarContinuous-v0", 990, 40 },
        { "Pendulum-v1", 150, 300 },
    };

    [Theory]
    [MemberData(nameof(ClassicEnvs))]
    public void LoadState_ClassicEnvAfterRandomSteps_ReplaysIdentically(string id, int warmup, int steps)
    {
        int episodesEnded = AssertReplays(() => Gym.Make(id), warmup, steps, seed: 11);
        Assert.True(episodesEnded > 0, $"the recorded steps of {id} should cross an episode end");
    }

    [Fact]
    public void LoadState_ContinuousMountainCarMidEpisode_KeepsFloat32StateRounding()
    {
        // After a step Gymnasium's state is float32; right after reset it is float64. Both must survive.
        using var env = new ContinuousMountainCarEnv();
        var observation = new float[2];
        env.Reset(observation, seed: 5);
        JsonNode afterReset = env.SaveState();
        env.Step([0.7f], observation);
        JsonNode afterStep = env.SaveState();
        Assert.False(afterReset["state_is_float32"]!.GetValue<bool>());
        Assert.True(afterStep["state_is_float32"]!.GetValue<bool>());
        AssertReplays(() => new ContinuousMountainCarEnv(), 3, 60, seed: 5);
    }

    [Fact]
    public void LoadState_WrapperStack_ReplaysIdenticallyAndRestoresStatistics()
    {
        static IEnv Make() => new NormalizeReward(new NormalizeObservation(new RecordEpisodeStatistics(new ClipAction(Gym.Make("Pendulum-v1")))), gamma: 0.9);
        AssertReplays(Make, 170, 260, seed: 4);

        using IEnv a = Make();
        using IEnv b = Make();
        var observation = new float[3];
        a.Reset(observation, seed: 2);
        for (int t = 0; t < 250; t++)
        {
            if (a.Step([1.5f], observation).Done)
            {
                a.Reset(observation);
            }
        }

        ((IStatefulEnv)b).LoadState(((IStatefulEnv)a).SaveState());
        var (ra, rb) = (Find<RecordEpisodeStatistics>(a), Find<RecordEpisodeStatistics>(b));
        Assert.Equal(ra.EpisodeCount, rb.EpisodeCount);
        Assert.Equal(ra.CurrentReturn, rb.CurrentReturn);
        Assert.Equal(ra.CurrentLength, rb.CurrentLength);
        Assert.Equal(ra.RecentEpisodes.Select(e => (e.Return, e.Length, e.Elapsed)), rb.RecentEpisodes.Select(e => (e.Return, e.Length, e.Elapsed)));
        Assert.Equal(Find<NormalizeObservation>(a).Statistics.Mean.ToArray(), Find<NormalizeObservation>(b).Statistics.Mean.ToArray());
        Assert.Equal(Find<NormalizeReward>(a).DiscountedReturn, Find<NormalizeReward>(b).DiscountedReturn);
        Assert.Equal(200, Find<TimeLimit>(b).MaxEpisodeSteps);
        Assert.Equal(Find<TimeLimit>(a).ElapsedSteps, Find<TimeLimit>(b).ElapsedSteps);
    }

    [Fact]
    public void LoadState_RescaleActionOverMountainCarContinuous_ReplaysIdentically() =>
        AssertReplays(() => new RescaleAction(Gym.Make("MountainCarContinuous-v0"), -2f, 2f), 400, 120, seed: 8);

    [Theory]
    [InlineData(ChainStart.Uniform)]
    [InlineData(ChainStart.Fixed)]
    public void LoadState_ChainMdp_ReplaysIdentically(ChainStart start) =>
        AssertReplays(() => new ChainMdp(4, 6, start), 9, 60, seed: 1);

    [Fact]
    public void LoadState_TwoArmedBandit_ReplaysIdentically() =>
        AssertReplays(() => new TwoArmedBandit(), 3, 10, seed: 0);

    [Fact]
    public void LoadState_BeforeFirstReset_StillRefusesToStep()
    {
        using IEnv saved = Gym.Make("CartPole-v1");
        using IEnv loaded = Gym.Make("CartPole-v1");
        var observation = new float[4];
        loaded.Reset(observation, seed: 1);
        ((IStatefulEnv)loaded).LoadState(((IStatefulEnv)saved).SaveState());
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => loaded.Step([0f], observation));
        Assert.Contains("before Reset", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadState_AnotherEnvType_RefusedNamingBoth()
    {
        using IEnv pendulum = Gym.Make("Pendulum-v1");
        var cartPole = new CartPoleEnv();
        JsonNode state = cartPole.SaveState();
        ArgumentException e = Assert.Throws<ArgumentException>(() => ((IStatefulEnv)pendulum).LoadState(new JsonObject { ["type"] = "TimeLimit", ["max_episode_steps"] = 200, ["elapsed_steps"] = 0, ["needs_reset"] = true, ["has_reset"] = false, ["env"] = state }));
        Assert.Equal("state", e.ParamName);
        Assert.Contains("CartPoleEnv", e.Message, StringComparison.Ordinal);
        Assert.Contains("PendulumEnv", e.Message, StringComparison.Ordinal);

        // The whole chain is checked outermost first: CartPole-v1's TimeLimit state names its wrapper.
        using IEnv cartPoleV1 = Gym.Make("CartPole-v1");
        ArgumentException outer = Assert.Throws<ArgumentException>(() => new PendulumEnv().LoadState(((IStatefulEnv)cartPoleV1).SaveState()));
        Assert.Contains("TimeLimit", outer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadState_OtherTimeLimit_RefusedNamingTheSetting()
    {
        using IEnv v1 = Gym.Make("CartPole-v1");
        using IEnv v0 = Gym.Make("CartPole-v0");
        ArgumentException e = Assert.Throws<ArgumentException>(() => ((IStatefulEnv)v0).LoadState(((IStatefulEnv)v1).SaveState()));
        Assert.Contains("max_episode_steps = 500", e.Message, StringComparison.Ordinal);
        Assert.Contains("max_episode_steps = 200", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadState_OtherConstructorSetting_Refused()
    {
        var earth = new PendulumEnv(g: 9.81);
        var standard = new PendulumEnv();
        ArgumentException e = Assert.Throws<ArgumentException>(() => standard.LoadState(earth.SaveState()));
        Assert.Contains("g = 9.81", e.Message, StringComparison.Ordinal);

        var lock4 = new ChainMdp(4, 6);
        var lock5 = new ChainMdp(5, 6);
        Assert.Contains("num_states", Assert.Throws<ArgumentException>(() => lock5.LoadState(lock4.SaveState())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadState_StatisticsOfAnotherSize_RefusedAndStatisticsUnchanged()
    {
        using var env = new NormalizeObservation(new CartPoleEnv());
        var observation = new float[4];
        env.Reset(observation, seed: 3);
        JsonObject state = env.SaveState().AsObject();
        state["statistics"]!["mean"]!.AsArray().RemoveAt(0);
        using var other = new NormalizeObservation(new CartPoleEnv());
        ArgumentException e = Assert.Throws<ArgumentException>(() => other.LoadState(state));
        Assert.Contains("3 components", e.Message, StringComparison.Ordinal);
        Assert.Contains("have 4", e.Message, StringComparison.Ordinal);
        Assert.Equal(RunningMeanStd.InitialCount, other.Statistics.Count);
    }

    [Fact]
    public void LoadState_MalformedValues_RefusedWithTheField()
    {
        var env = new CartPoleEnv();
        var observation = new float[4];
        env.Reset(observation, seed: 3);

        JsonObject evenIncrement = env.SaveState().AsObject();
        evenIncrement["np_random"]!["increment"] = "2";
        Assert.Contains("increment", Assert.Throws<ArgumentException>(() => env.LoadState(evenIncrement)).Message, StringComparison.Ordinal);

        JsonObject missing = env.SaveState().AsObject();
        missing.Remove("needs_reset");
        Assert.Contains("\"needs_reset\" must be true or false", Assert.Throws<ArgumentException>(() => env.LoadState(missing)).Message, StringComparison.Ordinal);

        JsonObject shortState = env.SaveState().AsObject();
        shortState["state"]!.AsArray().RemoveAt(3);
        Assert.Contains("3 entries in \"state\"", Assert.Throws<ArgumentException>(() => env.LoadState(shortState)).Message, StringComparison.Ordinal);

        Assert.Contains("JSON object", Assert.Throws<ArgumentException>(() => env.LoadState(JsonValue.Create(3))).Message, StringComparison.Ordinal);
        Assert.Contains("untagged", Assert.Throws<ArgumentException>(() => env.LoadState(new JsonObject())).Message, StringComparison.Ordinal);

        // Nothing was overwritten by the refused loads: the env continues its own episode.
        var reference = new CartPoleEnv();
        var referenceObservation = new float[4];
        reference.Reset(referenceObservation, seed: 3);
        Assert.Equal(reference.Step([1f], referenceObservation), env.Step([1f], observation));
        Assert.Equal(referenceObservation, observation);
    }

    [Fact]
    public void SaveState_WrapperAroundNonStatefulEnv_ThrowsNotSupportedNamingTheEnv()
    {
        using var env = new TimeLimit(new OpaqueEnv(), 10);
        NotSupportedException e = Assert.Throws<NotSupportedException>(() => env.SaveState());
        Assert.Contains(typeof(OpaqueEnv).FullName!, e.Message, StringComparison.Ordinal);
        Assert.Contains("IStatefulEnv", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Runs the save / record / load / replay check; returns how many episodes ended while recording.</summary>
    internal static int AssertReplays(Func<IEnv> make, int warmup, int steps, int seed)
    {
        using IEnv env = make();
        int size = env.ObservationSpace.FlatSize;
        var observation = new float[size];
        NumpyGenerator actionRandom = NumpyGenerator.Create(seed + 1000);
        var action = new float[env.ActionSpace.FlatSize];
        env.Reset(observation, seed);
        for (int t = 0; t < warmup; t++)
        {
            env.ActionSpace.Sample(action, actionRandom);
            if (env.Step(action, observation).Done)
            {
                env.Reset(observation);
            }
        }

        string saved = ((IStatefulEnv)env).SaveState().ToJsonString();
        var actions = new List<float[]>();
        var expected = new List<(float[] Observation, StepResult Result, float[] ResetObservation)>();
        int ended = 0;
        for (int t = 0; t < steps; t++)
        {
            env.ActionSpace.Sample(action, actionRandom);
            actions.Add((float[])action.Clone());
            StepResult result = env.Step(action, observation);
            float[] stepObservation = (float[])observation.Clone();
            float[] resetObservation = [];
            if (result.Done)
            {
                ended++;
                env.Reset(observation);
                resetObservation = (float[])observation.Clone();
            }

            expected.Add((stepObservation, result, resetObservation));
        }

        // The fresh env is first taken somewhere else, so the load must overwrite everything.
        using IEnv fresh = make();
        var freshObservation = new float[size];
        fresh.Reset(freshObservation, seed + 77);
        fresh.ActionSpace.Sample(action, actionRandom);
        fresh.Step(action, freshObservation);
        ((IStatefulEnv)fresh).LoadState(JsonNode.Parse(saved)!);
        Assert.Equal(WithoutWallClock(JsonNode.Parse(saved)!), WithoutWallClock(((IStatefulEnv)fresh).SaveState()));
        for (int t = 0; t < steps; t++)
        {
            StepResult result = fresh.Step(actions[t], freshObservation);
            Assert.Equal(expected[t].Result, result);
            AssertBitwiseEqual(expected[t].Observation, freshObservation, t);
            if (result.Done)
            {
                fresh.Reset(freshObservation);
                AssertBitwiseEqual(expected[t].ResetObservation, freshObservation, t);
            }
        }

        return ended;
    }

    // The running episode's wall time (RecordEpisodeStatistics) is the only part of a state that moves by itself.
    internal static string WithoutWallClock(JsonNode state)
    {
        JsonNode copy = state.DeepClone();
        Strip(copy);
        return copy.ToJsonString();

        static void Strip(JsonNode? node)
        {
            if (node is JsonObject o)
            {
                o.Remove("episode_elapsed_ticks");
                foreach ((_, JsonNode? child) in o)
                {
                    Strip(child);
                }
            }
            else if (node is JsonArray a)
            {
                foreach (JsonNode? child in a)
                {
                    Strip(child);
                }
            }
        }
    }

    internal static void AssertBitwiseEqual(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, int step)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"step {step}, component {i}: expected {expected[i]:R}, got {actual[i]:R}");
            }
        }
    }

    private static T Find<T>(IEnv env)
        where T : class
    {
        for (IEnv? current = env; current is not null; current = (current as Wrapper)?.Env)
        {
            if (current is T match)
            {
                return match;
            }
        }

        throw new InvalidOperationException($"{env} holds no {typeof(T).Name}.");
    }
}

/// <summary>An env that does not implement <see cref="IStatefulEnv"/> (a user env): episodes of 5 steps.</summary>
internal sealed class OpaqueEnv : IEnv
{
    private int _t;

    public Space ObservationSpace { get; } = new Box(0f, 10f, 1);

    public Space ActionSpace { get; } = new Discrete(2);

    public EnvSpec? Spec => null;

    public void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
    {
        _t = 0;
        observation[0] = 0f;
    }

    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        _t++;
        observation[0] = _t;
        return new StepResult(action[0], Terminated: _t == 5, Truncated: false);
    }

    public void Dispose()
    {
    }
}
