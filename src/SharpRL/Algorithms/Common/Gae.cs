namespace SharpRL.Algorithms.Common;

/// <summary>
/// Generalised advantage estimation, GAE(γ, λ) (Schulman et al. 2016), over a rollout stored
/// step-major as <c>[steps × envs]</c>.
/// </summary>
public static class Gae
{
    /// <summary>
    /// Computes advantages and return targets.
    /// <para>δ_t = r_t + γ V(s_{t+1}) (1 − terminated_t) − V(s_t)</para>
    /// <para>Â_t = δ_t + γ λ (1 − done_t) Â_{t+1},  return target = Â_t + V(s_t)</para>
    /// <paramref name="nextValues"/>[t, i] must be V of the state that followed step t in env i: the next
    /// observation, or, when the episode ended at t, V(final observation). A time-limit cut
    /// (truncated, not terminated) is not a terminal state, so it still bootstraps from
    /// V(final observation) through δ; only the recursion across the episode boundary is cut.
    /// λ = 1 gives Monte-Carlo advantages (bootstrapped at the rollout's end), λ = 0 one-step TD.
    /// </summary>
    /// <param name="rewards">r_t, [steps × envs].</param>
    /// <param name="values">V(s_t), [steps × envs].</param>
    /// <param name="nextValues">V(s_{t+1}) as described above, [steps × envs].</param>
    /// <param name="terminated">1 where step t reached a terminal state, else 0.</param>
    /// <param name="truncated">1 where step t was cut short (time limit), else 0.</param>
    /// <param name="advantages">Output Â_t.</param>
    /// <param name="returns">Output Â_t + V(s_t), the value-regression target.</param>
    /// <param name="steps">Rollout length.</param>
    /// <param name="envs">Number of parallel envs.</param>
    /// <param name="gamma">Discount γ in [0, 1].</param>
    /// <param name="lambda">GAE λ in [0, 1].</param>
    public static void Compute(
        ReadOnlySpan<float> rewards,
        ReadOnlySpan<float> values,
        ReadOnlySpan<float> nextValues,
        ReadOnlySpan<float> terminated,
        ReadOnlySpan<float> truncated,
        Span<float> advantages,
        Span<float> returns,
        int steps,
        int envs,
        float gamma,
        float lambda)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(envs);
        if (!(gamma >= 0f && gamma <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be in [0, 1].");
        }

        if (!(lambda >= 0f && lambda <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "lambda must be in [0, 1].");
        }

        int size = steps * envs;
        RequireLength(rewards.Length, size, nameof(rewards));
        RequireLength(values.Length, size, nameof(values));
        RequireLength(nextValues.Length, size, nameof(nextValues));
        RequireLength(terminated.Length, size, nameof(terminated));
        RequireLength(truncated.Length, size, nameof(truncated));
        RequireLength(advantages.Length, size, nameof(advantages));
        RequireLength(returns.Length, size, nameof(returns));

        for (int env = 0; env < envs; env++)
        {
            float nextAdvantage = 0f;
            for (int t = steps - 1; t >= 0; t--)
            {
                int i = (t * envs) + env;
                float nextNonTerminal = 1f - terminated[i];
                float nextNotDone = 1f - MathF.Max(terminated[i], truncated[i]);
                float delta = rewards[i] + (gamma * nextValues[i] * nextNonTerminal) - values[i];
                nextAdvantage = delta + (gamma * lambda * nextNotDone * nextAdvantage);
                advantages[i] = nextAdvantage;
                returns[i] = nextAdvantage + values[i];
            }
        }
    }

    private static void RequireLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} has {actual} elements; expected steps × envs = {expected}.", name);
        }
    }
}
