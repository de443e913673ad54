using SharpRL.Environments.ClassicControl;
using SharpRL.Envs;
using SharpRL.Rng;

namespace SharpRL.Environments.Tests.ClassicControl;

public class EpisodeRulesTests
{
    public static TheoryData<string> EnvNames => ["CartPole", "Acrobot", "MountainCar", "MountainCarContinuous", "Pendulum"];

    [Fact]
    public void CartPoleReset_ManyUnseeded_StateWithinFiveHundredths()
    {
        using var env = new CartPoleEnv();
        var observation = new float[4];
        env.Reset(observation, seed: 1);
        for (int i = 0; i < 500; i++)
        {
            env.Reset(observation);
            (double x, double xDot, double theta, double thetaDot) = env.State;
            foreach (double v in new[] { x, xDot, theta, thetaDot })
            {
                Assert.InRange(v, -0.05, 0.05);
            }
        }
    }

    [Fact]
    public void AcrobotReset_ManyUnseeded_StateWithinATenthAndFloat32()
    {
        using var env = new AcrobotEnv();
        var observation = new float[6];
        env.Reset(observation, seed: 1);
        for (int i = 0; i < 500; i++)
        {
            env.Reset(observation);
            (double t1, double t2, double w1, double w2) = env.State;
            foreach (double v in new[] { t1, t2, w1, w2 })
            {
                Assert.InRange(v, -0.1, 0.1);
                Assert.Equal((double)(float)v, v);
            }
        }
    }

    [Fact]
    public void MountainCarReset_ManyUnseeded_PositionInRangeVelocityZero()
    {
        using var discrete = new MountainCarEnv();
        using var continuous = new ContinuousMountainCarEnv();
        var observation = new float[2];
        discrete.Reset(observation, seed: 1);
        continuous.Reset(observation, seed: 1);
        for (int i = 0; i < 500; i++)
        {
            discrete.Reset(observation);
            Assert.InRange(discrete.State.Position, -0.6, -0.4);
            Assert.Equal(0.0, discrete.State.Velocity);
            continuous.Reset(observation);
            Assert.InRange(continuous.State.Position, -0.6, -0.4);
            Assert.Equal(0.0, continuous.State.Velocity);
        }
    }

    [Fact]
    public void PendulumReset_ManyUnseeded_AngleWithinPiVelocityWithinOne()
    {
        using var env = new PendulumEnv();
        var observation = new float[3];
        env.Reset(observation, seed: 1);
        for (int i = 0; i < 500; i++)
        {
            env.Reset(observation);
            Assert.InRange(env.State.Theta, -Math.PI, Math.PI);
            Assert.InRange(env.State.ThetaDot, -1.0, 1.0);
        }
    }

    [Theory]
    [MemberData(nameof(EnvNames))]
    public void Episode_SameSeedSameActions_SameObservationsAndRewards(string name)
    {
        (float[] observations, double[] rewards) first = Rollout(Create(name), seed: 7);
        (float[] observations, double[] rewards) second = Rollout(Create(name), seed: 7);
        (float[] observations, double[] _) other = Rollout(Create(name), seed: 8);
        Assert.Equal(first.observations, second.observations);
        Assert.Equal(first.rewards, second.rewards);
        Assert.NotEqual(first.observations, other.observations);
    }

    [Theory]
    [MemberData(nameof(EnvNames))]
    public void Episode_RandomActions_ObservationsStayInTheObservationSpace(string name)
    {
        using IEnv env = Create(name);
        var observation = new float[env.ObservationSpace.FlatSize];
        var action = new float[env.ActionSpace.FlatSize];
        var random = NumpyGenerator.Create(3);
        env.Reset(observation, seed: 3);
        for (int t = 0; t < 2000; t++)
        {
            env.ActionSpace.Sample(action, random);
            StepResult result = env.Step(action, observation);
            Assert.True(env.ObservationSpace.Contains(observation), $"{name} step {t}: [{string.Join(", ", observation)}] outside {env.ObservationSpace}");
            Assert.False(result.Truncated);
            if (result.Terminated)
            {
                env.Reset(observation);
            }
        }
    }

    [Fact]
    public void Spaces_AllEnvs_MatchGymnasiumRepr()
    {
        // Gymnasium 1.x reprs (NumPy array printing) of observation_space and action_space.
        Assert.Equal("Box([-4.8               -inf -0.41887903        -inf], [4.8               inf 0.41887903        inf], (4,), float32)", new CartPoleEnv().ObservationSpace.ToString());
        Assert.Equal("Discrete(2)", new CartPoleEnv().ActionSpace.ToString());
        Assert.Equal("Box([ -1.        -1.        -1.        -1.       -12.566371 -28.274334], [ 1.        1.        1.        1.       12.566371 28.274334], (6,), float32)", new AcrobotEnv().ObservationSpace.ToString());
        Assert.Equal("Discrete(3)", new AcrobotEnv().ActionSpace.ToString());
        Assert.Equal("Box([-1.2  -0.07], [0.6  0.07], (2,), float32)", new MountainCarEnv().ObservationSpace.ToString());
        Assert.Equal("Discrete(3)", new MountainCarEnv().ActionSpace.ToString());
        Assert.Equal("Box([-1.2  -0.07], [0.6  0.07], (2,), float32)", new ContinuousMountainCarEnv().ObservationSpace.ToString());
        Assert.Equal("Box(-1.0, 1.0, (1,), float32)", new ContinuousMountainCarEnv().ActionSpace.ToString());
        Assert.Equal("Box([-1. -1. -8.], [1. 1. 8.], (3,), float32)", new PendulumEnv().ObservationSpace.ToString());
        Assert.Equal("Box(-2.0, 2.0, (1,), float32)", new PendulumEnv().ActionSpace.ToString());
    }

    [Fact]
    public void ResetOptions_LowHigh_BoundTheInitialState()
    {
        using var env = new CartPoleEnv();
        var observation = new float[4];
        env.Reset(observation, seed: 0, new Dictionary<string, object> { ["low"] = 0.5, ["high"] = 0.6 });
        Assert.All(observation, v => Assert.InRange(v, 0.5f, 0.6f));

        using var pendulum = new PendulumEnv();
        pendulum.Reset(new float[3], seed: 0, new Dictionary<string, object> { ["x_init"] = 0.1, ["y_init"] = 0.0 });
        Assert.InRange(pendulum.State.Theta, -0.1, 0.1);
        Assert.Equal(0.0, pendulum.State.ThetaDot);
    }

    [Fact]
    public void ResetOptions_Invalid_ThrowWithMessage()
    {
        using var env = new CartPoleEnv();
        var observation = new float[4];
        var reversed = Assert.Throws<ArgumentException>(() => env.Reset(observation, options: new Dictionary<string, object> { ["low"] = 1.0, ["high"] = 0.0 }));
        Assert.Contains("'low' (1) must not exceed 'high' (0)", reversed.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => env.Reset(observation, options: new Dictionary<string, object> { ["low"] = "small" }));
    }

    [Theory]
    [InlineData(2f)]
    [InlineData(-1f)]
    [InlineData(0.5f)]
    [InlineData(float.NaN)]
    public void CartPoleStep_ActionOutsideDiscrete2_ThrowsNamingTheAction(float action)
    {
        using var env = new CartPoleEnv();
        env.Reset(new float[4], seed: 0);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => env.Step([action], new float[4]));
        Assert.Equal("action", error.ParamName);
        Assert.Contains("integer in [0, 1]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2.5f)]
    [InlineData(-2.01f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void PendulumStep_ActionOutsideBox_ThrowsNamingTheAction(float action)
    {
        using var env = new PendulumEnv();
        env.Reset(new float[3], seed: 0);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => env.Step([action], new float[3]));
        Assert.Equal("action", error.ParamName);
        Assert.Contains("[-2, 2]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Step_WrongSpanLengths_ThrowArgumentException()
    {
        using var env = new ContinuousMountainCarEnv();
        env.Reset(new float[2], seed: 0);
        Assert.Equal("action", Assert.Throws<ArgumentException>(() => env.Step([0f, 0f], new float[2])).ParamName);
        Assert.Equal("observation", Assert.Throws<ArgumentException>(() => env.Step([0f], new float[3])).ParamName);
        Assert.Equal("observation", Assert.Throws<ArgumentException>(() => env.Reset(new float[1])).ParamName);
    }

    [Fact]
    public void Step_BeforeReset_ThrowsInvalidOperation()
    {
        using var env = new MountainCarEnv();
        var error = Assert.Throws<InvalidOperationException>(() => env.Step([1f], new float[2]));
        Assert.Contains("before Reset", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Step_AfterTermination_ThrowsUntilReset()
    {
        using var env = new CartPoleEnv();
        var observation = new float[4];
        env.Reset(observation, seed: 0);
        StepResult result;
        do
        {
            result = env.Step([1f], observation);
        }
        while (!result.Terminated);

        Assert.True(env.NeedsReset);
        var error = Assert.Throws<InvalidOperationException>(() => env.Step([1f], observation));
        Assert.Contains("terminated", error.Message, StringComparison.Ordinal);
        env.Reset(observation);
        Assert.False(env.Step([0f], observation).Terminated);
    }

    [Fact]
    public void Reset_NegativeSeed_ThrowsNamingTheSeed()
    {
        using var env = new AcrobotEnv();
        Assert.Equal("seed", Assert.Throws<ArgumentOutOfRangeException>(() => env.Reset(new float[6], seed: -3)).ParamName);
    }

    private static IEnv Create(string name) => name switch
    {
        "CartPole" => new CartPoleEnv(),
        "Acrobot" => new AcrobotEnv(),
        "MountainCar" => new MountainCarEnv(),
        "MountainCarContinuous" => new ContinuousMountainCarEnv(),
        "Pendulum" => new PendulumEnv(),
        _ => throw new ArgumentException(name, nameof(name)),
    };

    private static (float[] Observations, double[] Rewards) Rollout(IEnv env, int seed)
    {
        using (env)
        {
            int size = env.ObservationSpace.FlatSize;
            var observations = new List<float>();
            var rewards = new List<double>();
            var observation = new float[size];
            var action = new float[env.ActionSpace.FlatSize];
            var random = NumpyGenerator.Create(99);
            env.Reset(observation, seed: seed);
            observations.AddRange(observation);
            for (int t = 0; t < 30; t++)
            {
                env.ActionSpace.Sample(action, random);
                StepResult result = env.Step(action, observation);
                observations.AddRange(observation);
                rewards.Add(result.Reward);
                if (result.Terminated)
                {
                    break;
                }
            }

            return ([.. observations], [.. rewards]);
        }
    }
}
