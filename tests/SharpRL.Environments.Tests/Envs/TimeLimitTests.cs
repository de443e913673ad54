using SharpRL.Environments.ClassicControl;
using SharpRL.Envs;
using SharpRL.Envs.Wrappers;
using SharpRL.Spaces;

namespace SharpRL.Environments.Tests.Envs;

public class TimeLimitTests
{
    [Fact]
    public void Step_PendulumMadeByGym_TruncatesExactlyAtTwoHundred()
    {
        using IEnv env = Gym.Make("Pendulum-v1");
        var observation = new float[3];
        env.Reset(observation, seed: 0);
        for (int t = 1; t < 200; t++)
        {
            Assert.False(env.Step([0f], observation).Truncated, $"step {t} must not be truncated");
        }

        StepResult last = env.Step([0f], observation);
        Assert.True(last.Truncated);
        Assert.False(last.Terminated);
        Assert.Equal(200, ((TimeLimit)env).ElapsedSteps);
    }

    [Fact]
    public void Step_AfterTruncation_ThrowsUntilReset()
    {
        using var env = new TimeLimit(new PendulumEnv(), 3);
        var observation = new float[3];
        env.Reset(observation, seed: 0);
        env.Step([0f], observation);
        env.Step([0f], observation);
        Assert.True(env.Step([0f], observation).Truncated);
        var error = Assert.Throws<InvalidOperationException>(() => env.Step([0f], observation));
        Assert.Contains("truncated after 3 of 3 steps", error.Message, StringComparison.Ordinal);
        env.Reset(observation);
        Assert.Equal(0, env.ElapsedSteps);
        Assert.False(env.Step([0f], observation).Truncated);
    }

    [Fact]
    public void Step_EnvTerminatesOnTheLastStep_BothFlagsSetLikeGymnasium()
    {
        // Gymnasium's TimeLimit sets truncated = True whenever elapsed >= max, leaving terminated as the env said.
        using var env = new TimeLimit(new TerminatesAfter(3), 3);
        var observation = new float[1];
        env.Reset(observation);
        env.Step([0f], observation);
        env.Step([0f], observation);
        StepResult last = env.Step([0f], observation);
        Assert.True(last.Terminated);
        Assert.True(last.Truncated);
    }

    [Fact]
    public void Step_EnvTerminatesBeforeTheLimit_NotTruncated()
    {
        using var env = new TimeLimit(new TerminatesAfter(2), 3);
        var observation = new float[1];
        env.Reset(observation);
        env.Step([0f], observation);
        StepResult result = env.Step([0f], observation);
        Assert.True(result.Terminated);
        Assert.False(result.Truncated);
        Assert.Throws<InvalidOperationException>(() => env.Step([0f], observation));
    }

    [Fact]
    public void Step_BeforeReset_Throws()
    {
        using var env = new TimeLimit(new TerminatesAfter(5), 3);
        var error = Assert.Throws<InvalidOperationException>(() => env.Step([0f], new float[1]));
        Assert.Contains("before Reset", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NonPositiveLimit_Throws()
    {
        Assert.Equal("maxEpisodeSteps", Assert.Throws<ArgumentOutOfRangeException>(() => new TimeLimit(new TerminatesAfter(1), 0)).ParamName);
    }

    [Fact]
    public void Wrapper_ForwardsSpacesAndUnwrapped()
    {
        var inner = new CartPoleEnv();
        using var env = new TimeLimit(inner, 10);
        Assert.Same(inner.ObservationSpace, env.ObservationSpace);
        Assert.Same(inner.ActionSpace, env.ActionSpace);
        Assert.Same(inner, env.Unwrapped);
        Assert.Equal("TimeLimit<CartPoleEnv>", env.ToString());
    }

    // Terminates on its n-th step; observation is the step count.
    private sealed class TerminatesAfter(int n) : IEnv
    {
        private int _steps;

        public Space ObservationSpace { get; } = new Box(0f, 100f, 1);

        public Space ActionSpace { get; } = new Discrete(1);

        public EnvSpec? Spec => null;

        public void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
        {
            _steps = 0;
            observation[0] = 0;
        }

        public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
        {
            _steps++;
            observation[0] = _steps;
            return new StepResult(1.0, Terminated: _steps >= n, Truncated: false);
        }

        public void Dispose()
        {
        }
    }
}
