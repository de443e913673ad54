using System.Text.Json.Nodes;
using SharpRL.Environments.MuJoCo;
using SharpRL.Envs;
using SharpRL.Envs.Wrappers;
using SharpRL.Rng;

namespace SharpRL.Environments.Tests.MuJoCo;

public class DomainRandomizationTests
{
    private static readonly Dictionary<string, object> Randomized = new()
    {
        [DomainRandomization.MassScaleKey] = "0.5,2",
        [DomainRandomization.FrictionScaleKey] = "(0.25, 1.5)",
    };

    [SkippableFact]
    public void Reset_DrawsFactorsInRange_AndScalesMassesOfItsOwnModelOnly()
    {
        MuJoCoRequirement.Require();
        using IEnv plain = Gym.Make("Hopper-v4");
        using IEnv randomized = Gym.Make("Hopper-v4", Randomized);
        MuJoCoEnv a = Inner(plain), b = Inner(randomized);
        double[] baseMass = a.BodyMass.ToArray();
        b.Reset(new float[11], seed: 4);

        Assert.Equal(1.0, b.MassFactors[0]);   // the world body stays put
        for (int body = 1; body < baseMass.Length; body++)
        {
            Assert.InRange(b.MassFactors[body], 0.5, 2.0);
            Assert.Equal(b.MassFactors[body] * baseMass[body], b.BodyMass[body]);
        }

        Assert.All(b.FrictionFactors.ToArray(), f => Assert.InRange(f, 0.25, 1.5));
        Assert.NotEqual(baseMass, b.BodyMass.ToArray());

        // The shared (cached) model is untouched: a plain env made now still has the file's masses.
        using IEnv later = Gym.Make("Hopper-v4");
        Assert.Equal(baseMass, Inner(later).BodyMass.ToArray());
    }

    [SkippableFact]
    public void Reset_SameSeedSameFactors_NewEpisodeNewFactors_ResetNoiseUnchanged()
    {
        MuJoCoRequirement.Require();
        using IEnv plain = Gym.Make("Hopper-v4");
        using IEnv first = Gym.Make("Hopper-v4", Randomized);
        using IEnv second = Gym.Make("Hopper-v4", Randomized);
        float[] observationPlain = new float[11], observationFirst = new float[11], observationSecond = new float[11];
        plain.Reset(observationPlain, seed: 7);
        first.Reset(observationFirst, seed: 7);
        second.Reset(observationSecond, seed: 7);

        Assert.Equal(Inner(first).MassFactors.ToArray(), Inner(second).MassFactors.ToArray());
        // The factors have a generator of their own: the env's reset noise (np_random) is Gymnasium's.
        Assert.Equal(observationPlain, observationFirst);

        double[] episodeOne = Inner(first).MassFactors.ToArray();
        first.Reset(observationFirst);
        Assert.NotEqual(episodeOne, Inner(first).MassFactors.ToArray());
    }

    [SkippableFact]
    public void Step_HeavierBodies_ChangeTheDynamics()
    {
        MuJoCoRequirement.Require();
        using IEnv plain = Gym.Make("Hopper-v4");
        using IEnv heavy = Gym.Make("Hopper-v4", new Dictionary<string, object> { [DomainRandomization.MassScaleKey] = "3,3" });
        float[] a = new float[11], b = new float[11];
        plain.Reset(a, seed: 1);
        heavy.Reset(b, seed: 1);
        Assert.Equal(a, b);
        float[] action = [0.5f, -0.5f, 0.5f];
        for (int t = 0; t < 10; t++)
        {
            plain.Step(action, a);
            heavy.Step(action, b);
        }

        Assert.NotEqual(a, b);
        Assert.All(Inner(heavy).MassFactors.ToArray()[1..], k => Assert.Equal(3.0, k));
    }

    [SkippableFact]
    public void SaveState_MidEpisode_RestoresTheDrawnParametersAndResumesBitForBit()
    {
        MuJoCoRequirement.Require();
        using IEnv env = Gym.Make("Walker2d-v4", Randomized);
        var observation = new float[17];
        var action = new float[6];
        var random = NumpyGenerator.Create(5);
        env.Reset(observation, seed: 2);
        for (int t = 0; t < 30; t++)
        {
            env.ActionSpace.Sample(action, random);
            if (env.Step(action, observation).Done)
            {
                env.Reset(observation);
            }
        }

        JsonNode saved = ((IStatefulEnv)env).SaveState();
        NumpyGeneratorState actions = random.GetState();
        (float[] expected, double[] expectedFactors) = Continue(env, new NumpyGenerator(actions));

        using IEnv resumed = Gym.Make("Walker2d-v4", Randomized);
        ((IStatefulEnv)resumed).LoadState(JsonNode.Parse(saved.ToJsonString())!);
        (float[] actual, double[] actualFactors) = Continue(resumed, new NumpyGenerator(actions));
        Assert.Equal(expected, actual);
        Assert.Equal(expectedFactors, actualFactors);

        // A snapshot of a randomised env does not load into a plain one (and the message says why).
        using IEnv plain = Gym.Make("Walker2d-v4");
        var error = Assert.Throws<ArgumentException>(() => ((IStatefulEnv)plain).LoadState(saved));
        Assert.Contains("domain_randomization", error.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("0,1", "within [0.01, 100]")]
    [InlineData("2,1", "low ≤ high")]
    [InlineData("heavy", "must be a number")]
    public void Make_BadRange_RefusedNamingTheOption(string range, string expected)
    {
        MuJoCoRequirement.Require();
        var error = Assert.Throws<ArgumentException>(() => Gym.Make("Hopper-v4", new Dictionary<string, object> { [DomainRandomization.MassScaleKey] = range }));
        Assert.Contains(DomainRandomization.MassScaleKey, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    // 40 more steps with resets (new episodes draw new factors), then the factors in effect.
    private static (float[] Observations, double[] Factors) Continue(IEnv env, NumpyGenerator random)
    {
        int n = env.ObservationSpace.FlatSize;
        var observations = new List<float>();
        var observation = new float[n];
        var action = new float[env.ActionSpace.FlatSize];
        for (int t = 0; t < 40; t++)
        {
            env.ActionSpace.Sample(action, random);
            bool done = env.Step(action, observation).Done;
            observations.AddRange(observation);
            if (done || t % 15 == 14)
            {
                env.Reset(observation);
                observations.AddRange(observation);
            }
        }

        return ([.. observations], Inner(env).MassFactors.ToArray());
    }

    private static MuJoCoEnv Inner(IEnv env) => (MuJoCoEnv)(env is Wrapper wrapper ? wrapper.Unwrapped : env);
}
