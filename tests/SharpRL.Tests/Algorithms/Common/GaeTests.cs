using SharpRL.Algorithms.Common;

namespace SharpRL.Tests.Algorithms.Common;

public class GaeTests
{
    private const float Tolerance = 1e-5f;

    [Fact]
    public void Compute_SingleEnvNoDone_MatchesHandComputedRecursion()
    {
        // Three steps, one env, γ = 0.9, λ = 0.5, no episode end: bootstrap from V(s_3) = 4.
        float[] rewards = [1, 2, 3];
        float[] values = [0.5f, 1.0f, 1.5f];
        float[] nextValues = [1.0f, 1.5f, 4.0f];
        float[] zeros = new float[3];
        float[] advantages = new float[3];
        float[] returns = new float[3];

        Gae.Compute(rewards, values, nextValues, zeros, zeros, advantages, returns, steps: 3, envs: 1, gamma: 0.9f, lambda: 0.5f);

        float delta2 = 3 + (0.9f * 4.0f) - 1.5f;
        float delta1 = 2 + (0.9f * 1.5f) - 1.0f;
        float delta0 = 1 + (0.9f * 1.0f) - 0.5f;
        float a2 = delta2;
        float a1 = delta1 + (0.45f * a2);
        float a0 = delta0 + (0.45f * a1);
        Assert.Equal(a0, advantages[0], Tolerance);
        Assert.Equal(a1, advantages[1], Tolerance);
        Assert.Equal(a2, advantages[2], Tolerance);
        Assert.Equal(a0 + 0.5f, returns[0], Tolerance);
    }

    [Fact]
    public void Compute_TerminatedStep_DoesNotBootstrapAndCutsRecursion()
    {
        float[] rewards = [1, 1];
        float[] values = [2, 3];
        float[] nextValues = [3, 100]; // V after the terminal step must be ignored
        float[] terminated = [0, 1];
        float[] truncated = [0, 0];
        float[] advantages = new float[2];
        float[] returns = new float[2];

        Gae.Compute(rewards, values, nextValues, terminated, truncated, advantages, returns, 2, 1, gamma: 0.99f, lambda: 0.95f);

        Assert.Equal(1f - 3f, advantages[1], Tolerance);
        Assert.Equal(1f + (0.99f * 3f) - 2f + (0.99f * 0.95f * (1f - 3f)), advantages[0], Tolerance);
    }

    [Fact]
    public void Compute_TruncatedStep_BootstrapsFromFinalObservationValue()
    {
        // Time-limit cut at step 0: the state is not terminal, so δ_0 uses V(final obs) = 10,
        // but the advantage recursion must not run into the next episode (step 1).
        float[] rewards = [1, 5];
        float[] values = [2, 7];
        float[] nextValues = [10, 0];
        float[] terminated = [0, 1];
        float[] truncated = [1, 0];
        float[] advantages = new float[2];
        float[] returns = new float[2];

        Gae.Compute(rewards, values, nextValues, terminated, truncated, advantages, returns, 2, 1, gamma: 0.5f, lambda: 1f);

        Assert.Equal(1f + (0.5f * 10f) - 2f, advantages[0], Tolerance);
        Assert.Equal(5f - 7f, advantages[1], Tolerance);
    }

    [Fact]
    public void Compute_LambdaOne_GivesMonteCarloReturnsMinusValues()
    {
        // One episode of 4 steps ending in termination: Â_t + V_t = Σ γ^k r_{t+k}.
        float[] rewards = [1, 2, 3, 4];
        float[] values = [0.3f, -0.2f, 0.7f, 1.1f];
        float[] nextValues = [-0.2f, 0.7f, 1.1f, 0f];
        float[] terminated = [0, 0, 0, 1];
        float[] zeros = new float[4];
        float[] advantages = new float[4];
        float[] returns = new float[4];

        Gae.Compute(rewards, values, nextValues, terminated, zeros, advantages, returns, 4, 1, gamma: 0.9f, lambda: 1f);

        float g3 = 4, g2 = 3 + (0.9f * g3), g1 = 2 + (0.9f * g2), g0 = 1 + (0.9f * g1);
        Assert.Equal(new[] { g0, g1, g2, g3 }, returns, (x, y) => Math.Abs(x - y) < 1e-4f);
    }

    [Fact]
    public void Compute_LambdaZero_GivesOneStepTd()
    {
        float[] rewards = [1, 2];
        float[] values = [0.5f, 0.25f];
        float[] nextValues = [0.25f, 3f];
        float[] zeros = new float[2];
        float[] advantages = new float[2];
        float[] returns = new float[2];

        Gae.Compute(rewards, values, nextValues, zeros, zeros, advantages, returns, 2, 1, gamma: 0.9f, lambda: 0f);

        Assert.Equal(1f + (0.9f * 0.25f) - 0.5f, advantages[0], Tolerance);
        Assert.Equal(2f + (0.9f * 3f) - 0.25f, advantages[1], Tolerance);
    }

    [Fact]
    public void Compute_TwoEnvs_KeepsEnvsIndependent()
    {
        // Step-major layout [steps × envs]: env 0 terminates at t = 0, env 1 runs on.
        float[] rewards = [1, 10, 1, 10];
        float[] values = [0, 0, 0, 0];
        float[] nextValues = [0, 0, 0, 0];
        float[] terminated = [1, 0, 0, 0];
        float[] zeros = new float[4];
        float[] advantages = new float[4];
        float[] returns = new float[4];

        Gae.Compute(rewards, values, nextValues, terminated, zeros, advantages, returns, 2, 2, gamma: 1f, lambda: 1f);

        Assert.Equal(1f, advantages[0], Tolerance);   // env 0, cut by termination
        Assert.Equal(20f, advantages[1], Tolerance);  // env 1: 10 + 10
    }

    [Fact]
    public void Compute_WrongLength_ThrowsNamingArgument()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Gae.Compute(new float[3], new float[4], new float[4], new float[4], new float[4], new float[4], new float[4], 2, 2, 0.9f, 0.9f));
        Assert.Contains("rewards", e.Message, StringComparison.Ordinal);
        Assert.Contains("4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_GammaOutOfRange_Throws()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gae.Compute(new float[1], new float[1], new float[1], new float[1], new float[1], new float[1], new float[1], 1, 1, 1.5f, 0.9f));
        Assert.Equal("gamma", e.ParamName);
    }
}
