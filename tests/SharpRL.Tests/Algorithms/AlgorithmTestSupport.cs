using SharpRL.Algorithms.Common;
using SharpRL.Nn;
using SharpRL.Policies;

namespace SharpRL.Tests.Algorithms;

/// <summary>Set-up and checks the algorithm tests share.</summary>
internal static class AlgorithmTestSupport
{
    /// <summary>One hidden layer of 8 units for π and for V: small enough for fast tests, big enough to learn the toy envs.</summary>
    public static readonly PolicyOptions SmallPolicy = new() { PolicyHiddenSizes = [8], ValueHiddenSizes = [8] };

    /// <summary>Collects one rollout with <paramref name="agent"/>'s policy and computes its advantages with the agent's γ and λ.</summary>
    public static T Collected<T>(T agent)
        where T : OnPolicyAlgorithm
    {
        agent.CollectRollout();
        agent.Buffer.ComputeAdvantages((float)agent.Options.Gamma, (float)agent.Options.GaeLambda);
        return agent;
    }

    /// <summary>
    /// Checks the gradients already accumulated in <paramref name="parameters"/> against central differences of
    /// <paramref name="loss"/> (which may overwrite the gradients) on about five entries of each parameter.
    /// Float32 networks: h = 1e-3 agrees to ~1e-3 relative; tolerance 2e-2 · max(1, |numeric|).
    /// </summary>
    public static void AssertGradientMatchesFiniteDifferences(IReadOnlyList<Parameter<float>> parameters, Func<double> loss)
    {
        var analytic = parameters.Select(p => (float[])p.Gradient.Clone()).ToList();
        const float h = 1e-3f;
        for (int pi = 0; pi < parameters.Count; pi++)
        {
            Parameter<float> parameter = parameters[pi];
            for (int j = 0; j < parameter.Length; j += Math.Max(1, parameter.Length / 5))
            {
                float saved = parameter.Value[j];
                parameter.Value[j] = saved + h;
                double plus = loss();
                parameter.Value[j] = saved - h;
                double minus = loss();
                parameter.Value[j] = saved;
                double numeric = (plus - minus) / (2 * h);
                Assert.True(
                    Math.Abs(numeric - analytic[pi][j]) <= 2e-2 * Math.Max(1, Math.Abs(numeric)),
                    $"{parameter.Name}[{j}]: analytic {analytic[pi][j]}, numeric {numeric}");
            }
        }
    }
}
