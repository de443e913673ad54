using SharpRL.Algorithms.Common;
using SharpRL.Environments;
using SharpRL.Envs;
using SharpRL.Envs.Vector;
using SharpRL.Policies;
using SharpRL.Rng;

namespace SharpRL.Tests.Algorithms.Common;

/// <summary>Per-copy action streams: a rollout must not depend on how the env copies are grouped.</summary>
public class RolloutCollectorTests
{
    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Pendulum-v1")]
    public void Collect_SplitIntoGroups_EqualsOneGroupBitForBit(string envId)
    {
        // Six copies in one collector against groups of 2 and 4 starting at global copies 0 and 2,
        // with the default 64×64 networks (several GEMM row blocks and a tail) and two rollouts (resets inside).
        const int Seed = 7, Steps = 130;
        using IVectorEnv whole = new SyncVectorEnv(() => Gym.Make(envId), 6);
        var policy = new ActorCriticPolicy(whole.SingleObservationSpace, whole.SingleActionSpace, new PolicyOptions(), new SerializableRandom(Seed));
        RolloutBuffer wholeBuffer = NewBuffer(policy, Steps, 6);
        var wholeCollector = new RolloutCollector(whole, policy, wholeBuffer, Seed);

        int[] sizes = [2, 4];
        var groups = new List<(IVectorEnv Env, RolloutBuffer Buffer, RolloutCollector Collector, int First)>();
        int first = 0;
        foreach (int k in sizes)
        {
            IVectorEnv env = new SyncVectorEnv(() => Gym.Make(envId), k);
            var replica = new ActorCriticPolicy(env.SingleObservationSpace, env.SingleActionSpace, new PolicyOptions(), new SerializableRandom(Seed));
            RolloutBuffer buffer = NewBuffer(replica, Steps, k);
            groups.Add((env, buffer, new RolloutCollector(env, replica, buffer, Seed, first), first));
            first += k;
        }

        var wholeEpisodes = new List<EpisodeStatistics>();
        var groupEpisodes = new List<(int Rollout, int Step, EpisodeStatistics Episode)>();
        for (int rollout = 0; rollout < 2; rollout++)
        {
            wholeCollector.Collect(0, wholeEpisodes.Add);
            foreach ((IVectorEnv _, RolloutBuffer buffer, RolloutCollector collector, int start) in groups)
            {
                int r = rollout;
                collector.Collect(0, e => groupEpisodes.Add((r, 0, e)));
                for (int t = 0; t < Steps; t++)
                {
                    for (int i = 0; i < buffer.Envs; i++)
                    {
                        int a = (t * 6) + start + i, b = (t * buffer.Envs) + i;
                        AssertRowEqual(wholeBuffer.Observations, a, buffer.Observations, b, buffer.ObservationSize);
                        AssertRowEqual(wholeBuffer.Actions, a, buffer.Actions, b, buffer.ActionSize);
                        AssertRowEqual(wholeBuffer.OldDistributionParameters, a, buffer.OldDistributionParameters, b, buffer.DistributionParameterSize);
                        AssertRowEqual(wholeBuffer.LogProbs, a, buffer.LogProbs, b, 1);
                        AssertRowEqual(wholeBuffer.Values, a, buffer.Values, b, 1);
                        AssertRowEqual(wholeBuffer.NextValues, a, buffer.NextValues, b, 1);
                        AssertRowEqual(wholeBuffer.Rewards, a, buffer.Rewards, b, 1);
                        AssertRowEqual(wholeBuffer.Terminated, a, buffer.Terminated, b, 1);
                        AssertRowEqual(wholeBuffer.Truncated, a, buffer.Truncated, b, 1);
                    }
                }
            }
        }

        // Episodes carry global copy indices; Pendulum's 200-step limit ends some within 260 steps.
        Assert.NotEmpty(wholeEpisodes);
        Assert.Equal(wholeEpisodes.OrderBy(e => e.EnvIndex).ThenBy(e => e.Length), groupEpisodes.Select(g => g.Episode).OrderBy(e => e.EnvIndex).ThenBy(e => e.Length));
        foreach ((IVectorEnv env, _, _, _) in groups)
        {
            env.Dispose();
        }
    }

    [Fact]
    public void CreateActionStream_DiffersByCopyAndFromTheMainGenerator()
    {
        double main = new SerializableRandom(0).NextDouble();
        double copy0 = RolloutCollector.CreateActionStream(0, 0).NextDouble();
        double copy1 = RolloutCollector.CreateActionStream(0, 1).NextDouble();
        double otherSeed = RolloutCollector.CreateActionStream(1, 0).NextDouble();
        Assert.Equal(4, new[] { main, copy0, copy1, otherSeed }.Distinct().Count());
        Assert.Equal(copy1, RolloutCollector.CreateActionStream(0, 1).NextDouble());
    }

    private static RolloutBuffer NewBuffer(ActorCriticPolicy policy, int steps, int envs) =>
        new(steps, envs, policy.ObservationSize, policy.ActionSize, policy.Distribution.ParameterSize);

    private static void AssertRowEqual(float[] expected, int expectedRow, float[] actual, int actualRow, int size)
    {
        for (int j = 0; j < size; j++)
        {
            float e = expected[(expectedRow * size) + j], a = actual[(actualRow * size) + j];
            if (BitConverter.SingleToInt32Bits(e) != BitConverter.SingleToInt32Bits(a))
            {
                Assert.Fail($"row {expectedRow} (group row {actualRow}) component {j}: {e:R} vs {a:R}");
            }
        }
    }
}
