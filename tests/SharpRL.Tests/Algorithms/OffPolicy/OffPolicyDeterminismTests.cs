using SharpRL.Algorithms.OffPolicy;
using SharpRL.Environments;
using SharpRL.Envs;
using SharpRL.Envs.Vector;
using SharpRL.Nn;

namespace SharpRL.Tests.Algorithms.OffPolicy;

/// <summary>
/// Same seed, same weights, whatever the threading: two runs with the critics on two threads (and the
/// serial passes' products split with the critic worker) and one run with everything on one thread must
/// give bit-identical networks, targets and optimiser moments. Batch 128 × [128, 128] puts the hidden
/// products (2·128·128·128 flops) above the split threshold, so the split path really runs.
/// </summary>
public class OffPolicyDeterminismTests
{
    public static TheoryData<string> Algorithms => ["td3", "ddpg", "sac"];

    private static OffPolicyAlgorithm Create(string name, IVectorEnv env, bool parallel) => name switch
    {
        "td3" => new Td3(env, new Td3Options { HiddenSizes = [128, 128], BatchSize = 128, LearningStarts = 300, ParallelCritics = parallel }, seed: 31),
        "ddpg" => new Ddpg(env, new DdpgOptions { HiddenSizes = [128, 128], BatchSize = 128, LearningStarts = 300, ParallelCritics = parallel }, seed: 32),
        _ => new Sac(env, new SacOptions { HiddenSizes = [128, 128], BatchSize = 128, LearningStarts = 300, ParallelCritics = parallel }, seed: 33),
    };

    private static float[][] Train(string name, bool parallel)
    {
        using var env = new SyncVectorEnv(() => Gym.Make("Pendulum-v1"), 1);
        using OffPolicyAlgorithm agent = Create(name, env, parallel);
        float[] initial = agent.Networks[0].Value[0].Value.ToArray();
        agent.Learn(450);
        Assert.Equal(150, agent.NumUpdates);

        // The run did train: the actor's first weight matrix moved.
        Assert.NotEqual(initial, agent.Networks[0].Value[0].Value);
        return
        [
            .. agent.Networks.SelectMany(n => n.Value).Select(p => p.Value.ToArray()),
            .. agent.Optimizers.SelectMany(o => o.Value.SaveState().Buffers.OrderBy(b => b.Key, StringComparer.Ordinal).SelectMany(b => b.Value)),
        ];
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void SameSeed_ParallelTwiceAndSerial_BitIdenticalWeights(string name)
    {
        float[][] first = Train(name, parallel: true);
        float[][] second = Train(name, parallel: true);
        float[][] serial = Train(name, parallel: false);
        Assert.Equal(first.Length, serial.Length);
        for (int i = 0; i < first.Length; i++)
        {
            Assert.Equal(first[i], second[i]);
            Assert.Equal(first[i], serial[i]);
        }
    }
}
