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
    public void Ppo_PendulumPreset_ReachesMinus250Within200kSteps()
    {
        // Preset (no gSDE, VecNormalize, lin_1e-3), seed 0, 2e5 steps; threshold: mean deterministic return over 20 episodes ≥ −250.
        EvaluationResult result = TrainAndEvaluate("Pendulum-v1", seed: 0);
        Assert.True(result.Mean >= -250, $"mean return {result.Mean:F1}");
    }
}
