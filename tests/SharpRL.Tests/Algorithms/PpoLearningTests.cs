using SharpRL.Algorithms;
using SharpRL.Algorithms.Common;
using SharpRL.Environments;
using SharpRL.Envs;
using SharpRL.Envs.Vector;
using SharpRL.Training;

namespace SharpRL.Tests.Algorithms;

/// <summary>Seeded learning checks on real Gymnasium-exact envs with the shipped presets (a few seconds each).</summary>
public class PpoLearningTests
{
    private static EvaluationResult TrainAndEvaluate(string envId, int seed, long? timesteps = null)
    {
        Preset preset = Presets.For("ppo", envId);
        using IVectorEnv env = VectorEnvBuilder.Build(() => Gym.Make(envId), preset.Options, parallel: false);
        using OnPolicyAlgorithm agent = AlgorithmRegistry.Create("ppo", env, preset.Options, seed);
        agent.Learn(timesteps ?? preset.TotalTimesteps);
        ObservationTransform? normalize = null;
        if (VectorEnvBuilder.FindLayer<VectorNormalizeObservation>(env) is { } normalizer)
        {
            normalizer.ObservationStatistics.Frozen = true;
            normalize = normalizer.Normalize;
        }

        using IEnv evalEnv = Gym.Make(envId);
        return Evaluation.Evaluate(agent.Policy, evalEnv, episodes: 20, deterministic: true, seed: 1000 + seed, normalize);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Ppo_CartPolePreset_SolvesWithin100kSteps()
    {
        // rl-zoo preset, seed 0, 1e5 steps; threshold: mean deterministic return over 20 episodes ≥ 475.
        EvaluationResult result = TrainAndEvaluate("CartPole-v1", seed: 0);
        Assert.True(result.Mean >= 475, $"mean return {result.Mean:F1}");
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Ppo_PendulumPreset_ReachesMinus250Within200kSteps_OnMostSeeds()
    {
        // Preset (no gSDE, VecNormalize, lin_1e-3), seeds 0–4, 2e5 steps each; threshold: on at least 3 of the 5 seeds
        // the mean deterministic return over 20 episodes is ≥ −250. Without rl-zoo's gSDE the preset is bimodal: a seed
        // swings up (≈ −200) or settles near −600, and which one depends on the last bits of the value head, so the
        // 1-ulp sums of an AVX2 and an AVX-512 CPU send a given seed either way (docs/ppo.md: 4 of 6 and 5 of 8 seeds).
        // An untrained or broken PPO stays near −1200 on every seed.
        double[] means = [.. Enumerable.Range(0, 5).Select(seed => TrainAndEvaluate("Pendulum-v1", seed).Mean)];
        Assert.True(means.Count(mean => mean >= -250) >= 3, $"mean returns by seed: {string.Join(", ", means.Select(mean => mean.ToString("F1")))}");
    }
}
