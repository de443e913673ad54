using SharpRL.Algorithms;
using SharpRL.Algorithms.Common;
using SharpRL.Algorithms.ProximalPolicy;
using SharpRL.Envs;
using SharpRL.Training;

namespace SharpRL.Environments.Tests.MuJoCo;

public class MuJoCoLearningTests
{
    [SkippableFact]
    [Trait("Category", "Slow")]
    public void Ppo_InvertedPendulumV4_Reaches950Within51200Steps()
    {
        // PPO with SB3's defaults (n_steps 2048, batch 64, 10 epochs, lr 3e-4, γ 0.99, λ 0.95, clip 0.2,
        // [64, 64] tanh), seed 0, 51,200 env steps (25 updates); threshold: mean deterministic return over
        // 10 episodes ≥ 950 (Gymnasium's reward threshold; the maximum is 1000).
        MuJoCoRequirement.Require();
        var options = new PpoOptions { NumEnvs = 1 };
        using IVectorEnv env = VectorEnvBuilder.Build(() => Gym.Make("InvertedPendulum-v4"), options, parallel: false);
        using OnPolicyAlgorithm agent = AlgorithmRegistry.Create("ppo", env, options, seed: 0);
        agent.Learn(51_200);
        using IEnv evalEnv = Gym.Make("InvertedPendulum-v4");
        EvaluationResult result = Evaluation.Evaluate(agent.Policy, evalEnv, episodes: 10, deterministic: true, seed: 1000, normalizeObservation: null);
        Assert.True(result.Mean >= 950, $"mean return {result.Mean:F1}");
    }
}
