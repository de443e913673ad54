using SharpRL.Algorithms;
using SharpRL.Algorithms.Common;
using SharpRL.Algorithms.ProximalPolicy;


namespace SharpRL.Tests.Algorithms.ProximalPolicy;

/// <summary>
/// The two PPO variants of Poupart, "Trust Regions, Proximal Policies", come out of the same code: "PPO based on REINFORCE with a baseline" is PPO with
/// λ = 1, whose advantage is the Monte-Carlo return minus the critic, A = G_n − V(s_n); the actor-critic form
/// uses λ &lt; 1, an advantage built from the critic's TD errors.
/// </summary>
public class PpoVariantsTests
{
    private static Ppo Collected(double lambda)
    {
        var options = new PpoOptions
        {
            NumEnvs = 3,
            NumSteps = 40,
            BatchSize = 40,
            GaeLambda = lambda,
            Gamma = 0.9,
            Policy = AlgorithmTestSupport.SmallPolicy,
        };
        return AlgorithmTestSupport.Collected(new Ppo(new WalkVectorEnv(3), options, seed: 8));
    }

    /// <summary>G_n = Σ_t γ^t r_{n+t} to the end of the episode, for steps whose episode terminated inside the rollout; NaN elsewhere.</summary>
    private static double[] MonteCarloReturns(RolloutBuffer buffer, double gamma)
    {
        double[] returns = new double[buffer.Size];
        for (int env = 0; env < buffer.Envs; env++)
        {
            double g = double.NaN;
            for (int t = buffer.Steps - 1; t >= 0; t--)
            {
                int i = (t * buffer.Envs) + env;
                if (buffer.Terminated[i] == 1f)
                {
                    g = 0;
                }
                else if (buffer.Truncated[i] == 1f)
                {
                    g = double.NaN;
                }

                g = buffer.Rewards[i] + (gamma * g);
                returns[i] = g;
            }
        }

        return returns;
    }

    [Fact]
    public void ComputeAdvantages_LambdaOne_IsMonteCarloReturnMinusBaseline()
    {
        Ppo ppo = Collected(lambda: 1.0);
        RolloutBuffer buffer = ppo.Buffer;
        double[] g = MonteCarloReturns(buffer, 0.9);

        int checkedSteps = 0;
        for (int i = 0; i < buffer.Size; i++)
        {
            if (!double.IsNaN(g[i]))
            {
                Assert.Equal(g[i] - buffer.Values[i], buffer.Advantages[i], 1e-5);
                checkedSteps++;
            }
        }

        Assert.True(checkedSteps > buffer.Size / 3, $"only {checkedSteps} steps lie in episodes that terminated inside the rollout");
    }

    [Fact]
    public void ComputeAdvantages_LambdaBelowOne_DependsOnCriticBeyondTheBaseline()
    {
        // With λ < 1 the advantage mixes the critic's TD errors, so it differs from G − V where λ = 1 matched it.
        Ppo ppo = Collected(lambda: 0.8);
        double[] g = MonteCarloReturns(ppo.Buffer, 0.9);
        double largestGap = 0;
        for (int i = 0; i < g.Length; i++)
        {
            if (!double.IsNaN(g[i]))
            {
                largestGap = Math.Max(largestGap, Math.Abs(g[i] - ppo.Buffer.Values[i] - ppo.Buffer.Advantages[i]));
            }
        }

        Assert.True(largestGap > 1e-3, $"largest |G − V − Â| = {largestGap}");
    }

    [Fact]
    public void Presets_PpoMonteCarloVariant_IsPpoWithLambdaOne()
    {
        Preset monteCarlo = Presets.For("ppo-mc", "CartPole-v1");
        Preset actorCritic = Presets.For("ppo", "CartPole-v1");
        Assert.Equal(1.0, Assert.IsType<PpoOptions>(monteCarlo.Options).GaeLambda);
        Assert.True(Assert.IsType<PpoOptions>(actorCritic.Options).GaeLambda < 1.0);
        Assert.Equal(1.0, AlgorithmRegistry.DefaultOptions("ppo-mc").GaeLambda);
        Assert.IsType<Ppo>(AlgorithmRegistry.Create("ppo-mc", new WalkVectorEnv(1), new PpoOptions { GaeLambda = 1.0 }, seed: 0));
    }
}
