using SharpRL.Environments.Toy;
using SharpRL.Envs;
using SharpRL.Rng;

namespace SharpRL.Environments.Tests.Toy;

public class ChainMdpTests
{
    [Fact]
    public void Step_CorrectCombination_OpensLockWithRewardOneAndTerminates()
    {
        using var env = new ChainMdp(numStates: 3, horizon: 10, combination: [2, 0, 1]);
        float[] obs = new float[3];
        env.Reset(obs, seed: 0);
        Assert.Equal(new float[] { 1, 0, 0 }, obs);

        StepResult r = env.Step([2f], obs);
        Assert.Equal(new float[] { 0, 1, 0 }, obs);
        Assert.Equal(new StepResult(0, false, false), r);
        r = env.Step([0f], obs);
        Assert.Equal(new float[] { 0, 0, 1 }, obs);
        Assert.Equal(new StepResult(0, false, false), r);
        r = env.Step([1f], obs);
        Assert.Equal(new StepResult(1, Terminated: true, Truncated: false), r);
        Assert.Equal(new float[] { 0, 0, 0 }, obs);
        Assert.Equal(3, env.State);
        Assert.Throws<InvalidOperationException>(() => env.Step([0f], obs));
    }

    [Fact]
    public void Step_WrongAction_SendsBackToStateZero()
    {
        using var env = new ChainMdp(numStates: 3, horizon: 10, combination: [2, 0, 1]);
        float[] obs = new float[3];
        env.Reset(obs, seed: 0);
        env.Step([2f], obs);
        env.Step([0f], obs);
        StepResult r = env.Step([2f], obs);
        Assert.Equal(new float[] { 1, 0, 0 }, obs);
        Assert.Equal(0, env.State);
        Assert.Equal(new StepResult(0, false, false), r);
    }

    [Fact]
    public void Step_AtHorizon_TruncatesWithoutTerminating()
    {
        using var env = new ChainMdp(numStates: 3, horizon: 2, combination: [0, 0, 0]);
        float[] obs = new float[3];
        env.Reset(obs, seed: 0);
        Assert.False(env.Step([1f], obs).Done);
        StepResult r = env.Step([0f], obs);
        Assert.True(r.Truncated);
        Assert.False(r.Terminated);
        Assert.Throws<InvalidOperationException>(() => env.Step([0f], obs));
    }

    [Fact]
    public void Step_ActionOutsideDiscrete3_Throws()
    {
        using var env = new ChainMdp(numStates: 3, horizon: 5);
        float[] obs = new float[3];
        env.Reset(obs, seed: 0);
        Assert.Equal("action", Assert.Throws<ArgumentException>(() => env.Step([3f], obs)).ParamName);
        Assert.Equal("action", Assert.Throws<ArgumentException>(() => env.Step([0.5f], obs)).ParamName);
        Assert.Equal("action", Assert.Throws<ArgumentException>(() => env.Step([0f, 1f], obs)).ParamName);
    }

    [Fact]
    public void Constructor_SameCombinationSeed_SameCombination()
    {
        var a = new ChainMdp(8, 20, combinationSeed: 5);
        var b = new ChainMdp(8, 20, combinationSeed: 5);
        var c = new ChainMdp(8, 20, combinationSeed: 6);
        Assert.Equal(a.Combination, b.Combination);
        Assert.NotEqual(a.Combination, c.Combination);
        Assert.All(a.Combination, d => Assert.InRange(d, 0, 2));
    }

    [Fact]
    public void Constructor_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChainMdp(0, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChainMdp(3, 0));
        Assert.Throws<ArgumentException>(() => new ChainMdp(3, 5, combination: [0, 1]));
        Assert.Throws<ArgumentException>(() => new ChainMdp(3, 5, combination: [0, 1, 3]));
        Assert.Throws<ArgumentException>(() => new ChainMdp(3, 5, startWeights: [0.0, 0.0, 0.0]));
        Assert.Throws<ArgumentException>(() => new ChainMdp(3, 5, startWeights: [1.0, -1.0, 1.0]));
        Assert.Throws<ArgumentException>(() => new ChainMdp(3, 5, ChainStart.Custom));
    }

    [Fact]
    public void Reset_CustomWeights_StartsOnlyWhereWeightIsPositive()
    {
        using var env = new ChainMdp(4, 5, startWeights: [0.0, 0.0, 3.0, 0.0]);
        float[] obs = new float[4];
        env.Reset(obs, seed: 1);
        for (int k = 0; k < 20; k++)
        {
            env.Reset(obs);
            Assert.Equal(2, env.State);
            Assert.Equal(new float[] { 0, 0, 1, 0 }, obs);
        }

        Assert.Equal(new[] { 0.0, 0.0, 1.0, 0.0 }, env.StartDistribution);
    }

    [Fact]
    public void Reset_UniformStart_SameSeedSameStartAndCoversAllStates()
    {
        using var env = new ChainMdp(4, 5, ChainStart.Uniform);
        float[] obs = new float[4];
        var seen = new HashSet<int>();
        for (int seed = 0; seed < 40; seed++)
        {
            env.Reset(obs, seed);
            int first = env.State;
            env.Reset(obs, seed);
            Assert.Equal(first, env.State);
            seen.Add(first);
        }

        Assert.Equal(4, seen.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    public void RandomPolicySuccessProbability_FixedStartAndHorizonEqualToStates_IsThreeToMinusS(int states)
    {
        var env = new ChainMdp(states, horizon: states);
        Assert.Equal(Math.Pow(3, -states), env.RandomPolicySuccessProbability(), 1e-15);
    }

    // Tolerance: 4.5 binomial standard deviations of the simulated frequency (the runs are seeded, so the check is deterministic).
    [Theory]
    [InlineData(4, ChainStart.Fixed)]
    [InlineData(4, ChainStart.Uniform)]
    [InlineData(20, ChainStart.Fixed)]
    [InlineData(20, ChainStart.Uniform)]
    public void RandomPolicy_Simulated_MatchesExactSuccessProbability(int horizon, ChainStart start)
    {
        const int episodes = 20_000;
        using var env = new ChainMdp(numStates: 4, horizon, start, combinationSeed: 3);
        double simulated = SimulateRandomPolicy(env, episodes, seed: 11);
        double exact = env.RandomPolicySuccessProbability();
        double tolerance = 4.5 * Math.Sqrt(exact * (1 - exact) / episodes);
        Assert.InRange(simulated, exact - tolerance, exact + tolerance);
    }

    [Fact]
    public void RandomPolicy_UniformStart_SucceedsFarMoreOftenThanFixedStart()
    {
        using var fixedStart = new ChainMdp(numStates: 4, horizon: 4, ChainStart.Fixed);
        using var uniformStart = new ChainMdp(numStates: 4, horizon: 4, ChainStart.Uniform);
        double fixedRate = SimulateRandomPolicy(fixedStart, 20_000, seed: 1);
        double uniformRate = SimulateRandomPolicy(uniformStart, 20_000, seed: 1);
        Assert.InRange(fixedRate, 1.0 / 81 * 0.7, 1.0 / 81 * 1.3);
        Assert.True(uniformRate > 5 * fixedRate, $"uniform μ success {uniformRate} should dwarf fixed-start success {fixedRate}");

        // The gap grows like 3^|S|: at |S| = 8 covering the chain helps by more than two orders of magnitude.
        double fixedEight = new ChainMdp(8, 8, ChainStart.Fixed).RandomPolicySuccessProbability();
        double uniformEight = new ChainMdp(8, 8, ChainStart.Uniform).RandomPolicySuccessProbability();
        Assert.True(uniformEight > 100 * fixedEight, $"|S| = 8: uniform {uniformEight} vs fixed {fixedEight}");
    }

    private static double SimulateRandomPolicy(ChainMdp env, int episodes, int seed)
    {
        NumpyGenerator policy = NumpyGenerator.Create(seed);
        float[] obs = new float[env.NumStates];
        float[] action = new float[1];
        int successes = 0;
        env.Reset(obs, seed);
        for (int e = 0; e < episodes; e++)
        {
            if (e > 0)
            {
                env.Reset(obs);
            }

            while (true)
            {
                env.ActionSpace.Sample(action, policy);
                StepResult r = env.Step(action, obs);
                if (r.Done)
                {
                    successes += r.Terminated ? 1 : 0;
                    break;
                }
            }
        }

        return (double)successes / episodes;
    }
}
