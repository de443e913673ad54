using SharpRL.Envs;
using SharpRL.Envs.Wrappers;
using SharpRL.Spaces;

namespace SharpRL.Tests.Envs.Wrappers;

public class NormalizeWrapperTests
{
    private static double[] Rewards(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Math.Round((random.NextDouble() * 6) - 2, 3)).ToArray();
    }

    [Fact]
    public void NormalizeReward_RewardSequence_ScalesByStdOfDiscountedReturnComputedByHand()
    {
        const double gamma = 0.9;
        double[] rewards = Rewards(40, seed: 1);
        using var env = new NormalizeReward(new ScriptedEnv(rewards, [4, 7, 3]), gamma, clip: double.PositiveInfinity);
        float[] obs = new float[2];
        var returns = new List<double>();
        double g = 0;
        int k = 0;
        int episodes = 0;
        while (k < rewards.Length - 7)
        {
            env.Reset(obs);
            StepResult result;
            do
            {
                result = env.Step([0f], obs);

                // By hand: G_k = γ·G_{k−1} + r_k, restarting after every end (termination or truncation).
                g = (gamma * g) + rewards[k];
                returns.Add(g);
                double variance = ReferenceStatistics.WithPrior(returns).Variance;
                Assert.Equal(rewards[k] / Math.Sqrt(variance + 1e-8), result.Reward, 1e-9);
                k++;
            }
            while (!result.Done);

            Assert.Equal(0, env.DiscountedReturn);
            g = 0;
            episodes++;
        }

        Assert.True(episodes >= 5);
        Assert.Equal(ReferenceStatistics.Plain(returns).Variance, env.Statistics.Variance[0], 1e-3);
    }

    [Fact]
    public void NormalizeReward_LargeFirstReward_ClippedAtTen()
    {
        using var env = new NormalizeReward(new ScriptedEnv([100.0, 1.0], [2]));
        float[] obs = new float[2];
        env.Reset(obs);
        Assert.Equal(10.0, env.Step([0f], obs).Reward);
    }

    [Fact]
    public void NormalizeReward_Frozen_UsesButDoesNotUpdateStatistics()
    {
        double[] rewards = Rewards(30, seed: 2);
        using var env = new NormalizeReward(new ScriptedEnv(rewards, [30]));
        float[] obs = new float[2];
        env.Reset(obs);
        for (int k = 0; k < 10; k++)
        {
            env.Step([0f], obs);
        }

        env.Statistics.Frozen = true;
        RunningMeanStdState state = env.Statistics.GetState();
        for (int k = 10; k < 20; k++)
        {
            double scaled = env.Step([0f], obs).Reward;
            Assert.Equal(rewards[k] / Math.Sqrt(state.Variance[0] + 1e-8), scaled, 1e-12);
        }

        Assert.Equal(state.Count, env.Statistics.Count);
    }

    [Fact]
    public void NormalizeObservation_Sequence_NormalizesWithStatisticsOfAllObservationsSoFar()
    {
        using var env = new NormalizeObservation(new ScriptedEnv(Rewards(40, 3), [5, 2]), clip: 10);
        Assert.Equal(new Box(-10f, 10f, 2), env.ObservationSpace);
        var raw = new ScriptedEnv(Rewards(40, 3), [5, 2]);
        float[] obs = new float[2];
        float[] rawObs = new float[2];
        var columns = new List<double>[] { [], [] };
        for (int episode = 0; episode < 4; episode++)
        {
            env.Reset(obs);
            raw.Reset(rawObs);
            Check();
            bool done;
            do
            {
                done = env.Step([0f], obs).Done;
                raw.Step([0f], rawObs);
                Check();
            }
            while (!done);
        }

        void Check()
        {
            for (int j = 0; j < 2; j++)
            {
                columns[j].Add(rawObs[j]);
                var (mean, variance) = ReferenceStatistics.WithPrior(columns[j]);
                double expected = Math.Clamp((rawObs[j] - mean) / Math.Sqrt(variance + 1e-8), -10, 10);
                Assert.Equal(expected, obs[j], 1e-5);
            }
        }
    }

    [Fact]
    public void NormalizeObservation_FrozenStatistics_NormalizeAndUnnormalizeAreInverse()
    {
        using var env = new NormalizeObservation(new ScriptedEnv(Rewards(20, 4), [20]));
        float[] obs = new float[2];
        env.Reset(obs);
        for (int k = 0; k < 10; k++)
        {
            env.Step([0f], obs);
        }

        env.Statistics.Frozen = true;
        double count = env.Statistics.Count;
        env.Step([0f], obs);
        Assert.Equal(count, env.Statistics.Count);

        float[] raw = [10f, 1f];
        float[] normalized = new float[2];
        float[] back = new float[2];
        env.Normalize(raw, normalized);
        env.Unnormalize(normalized, back);
        Assert.Equal(raw[0], back[0], 1e-4);
        Assert.Equal(raw[1], back[1], 1e-4);
    }

    [Fact]
    public void Constructors_InvalidSettings_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NormalizeReward(new CountingEnv(3), gamma: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NormalizeReward(new CountingEnv(3), clip: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NormalizeObservation(new CountingEnv(3), epsilon: -1));
    }
}
