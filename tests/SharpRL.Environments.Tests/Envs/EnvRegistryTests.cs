using SharpRL.Environments.ClassicControl;
using SharpRL.Envs;
using SharpRL.Envs.Wrappers;

namespace SharpRL.Environments.Tests.Envs;

public class EnvRegistryTests
{
    [Fact]
    public void Make_CartPoleV1_WrapsInTimeLimitOf500WithGymnasiumSpec()
    {
        using IEnv env = Gym.Make("CartPole-v1");
        var limited = Assert.IsType<TimeLimit>(env);
        Assert.Equal(500, limited.MaxEpisodeSteps);
        Assert.IsType<CartPoleEnv>(limited.Unwrapped);
        Assert.Equal(new EnvSpec("CartPole-v1", 500, 475.0), env.Spec);
    }

    [Fact]
    public void Specs_Builtins_MatchGymnasiumRegistration()
    {
        EnvRegistry registry = Gym.Registry;
        Assert.Equal(new EnvSpec("CartPole-v0", 200, 195.0), registry.GetSpec("CartPole-v0"));
        Assert.Equal(new EnvSpec("CartPole-v1", 500, 475.0), registry.GetSpec("CartPole-v1"));
        Assert.Equal(new EnvSpec("Acrobot-v1", 500, -100.0), registry.GetSpec("Acrobot-v1"));
        Assert.Equal(new EnvSpec("MountainCar-v0", 200, -110.0), registry.GetSpec("MountainCar-v0"));
        Assert.Equal(new EnvSpec("MountainCarContinuous-v0", 999, 90.0), registry.GetSpec("MountainCarContinuous-v0"));
        Assert.Equal(new EnvSpec("Pendulum-v1", 200, null), registry.GetSpec("Pendulum-v1"));
        Assert.Subset(registry.Ids.ToHashSet(), new HashSet<string> { "CartPole-v1", "Acrobot-v1", "Pendulum-v1" });
    }

    [Fact]
    public void Make_UnknownIdWithTypo_SuggestsTheCloseMatchAndListsIds()
    {
        var error = Assert.Throws<ArgumentException>(() => Gym.Make("Acrobat-v1"));
        Assert.Equal("id", error.ParamName);
        Assert.Contains("No env registered with id 'Acrobat-v1'. Did you mean 'Acrobot-v1'?", error.Message, StringComparison.Ordinal);
        Assert.Contains("Registered ids: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("MountainCarContinuous-v0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Make_UnknownIdFarFromAll_NoSuggestion()
    {
        var error = Assert.Throws<ArgumentException>(() => Gym.Make("QuantumFoosball-v1"));
        Assert.DoesNotContain("Did you mean", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Make_EmptyRegistry_ExplainsWhereBuiltinsComeFrom()
    {
        var error = Assert.Throws<ArgumentException>(() => new EnvRegistry().Make("CartPole-v1"));
        Assert.Contains("Gym.Make", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Register_UserEnv_MadeWithItsTimeLimitAndSpec()
    {
        var registry = new EnvRegistry();
        registry.Register("MyPendulum-v0", () => new PendulumEnv(g: 9.81), maxEpisodeSteps: 50, rewardThreshold: -200);
        using IEnv env = registry.Make("MyPendulum-v0");
        Assert.Equal(50, Assert.IsType<TimeLimit>(env).MaxEpisodeSteps);
        Assert.Equal(new EnvSpec("MyPendulum-v0", 50, -200.0), env.Spec);

        using IEnv shorter = registry.Make("MyPendulum-v0", maxEpisodeSteps: 5);
        Assert.Equal(5, Assert.IsType<TimeLimit>(shorter).MaxEpisodeSteps);
        Assert.Equal(5, shorter.Spec!.MaxEpisodeSteps);
    }

    [Fact]
    public void Register_NoTimeLimit_EnvNeverTruncatedButCarriesSpec()
    {
        var registry = new EnvRegistry();
        registry.Register("Free-v0", () => new PendulumEnv());
        using IEnv env = registry.Make("Free-v0");
        Assert.Equal(new EnvSpec("Free-v0", null, null), env.Spec);
        var observation = new float[3];
        env.Reset(observation, seed: 0);
        for (int t = 0; t < 300; t++)
        {
            Assert.False(env.Step([0f], observation).Truncated);
        }
    }

    [Fact]
    public void Register_DuplicateOrBadArguments_Throws()
    {
        var registry = new EnvRegistry();
        registry.Register("A-v0", () => new CartPoleEnv());
        Assert.Contains("already registered", Assert.Throws<ArgumentException>(() => registry.Register("A-v0", () => new CartPoleEnv())).Message, StringComparison.Ordinal);
        Assert.Equal("id", Assert.Throws<ArgumentException>(() => registry.Register("has space", () => new CartPoleEnv())).ParamName);
        Assert.Equal("maxEpisodeSteps", Assert.Throws<ArgumentOutOfRangeException>(() => registry.Register("B-v0", () => new CartPoleEnv(), 0)).ParamName);
    }
}
