using System.Text.Json.Nodes;
using SharpRL.Spaces;

namespace SharpRL.Envs.Wrappers;

/// <summary>
/// What the single-env and vector normalisers share: argument checks, the normalised space, the reward
/// scaling rule and the settings part of their snapshots.
/// </summary>
internal static class NormalizerCommon
{
    public static void CheckGamma(double gamma)
    {
        if (!(gamma >= 0 && gamma <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must lie in [0, 1].");
        }
    }

    /// <summary>Box(−clip, clip) with the raw space's shape (a Discrete observation becomes one float).</summary>
    public static Box NormalizedSpace(Space raw, double clip)
    {
        int[] shape = raw.Shape.Count > 0 ? [.. raw.Shape] : [raw.FlatSize];
        float bound = (float)clip;
        return new Box(-bound, bound, shape);
    }

    /// <summary>
    /// <c>clamp(r / sqrt(Var[G] + ε), −clip, clip)</c>, Stable-Baselines3's VecNormalize reward scaling: the mean
    /// is not subtracted (it would change the optimal policy's incentives to live or die; openai/baselines#538).
    /// </summary>
    public static double ScaleReward(double reward, RunningMeanStd returnStatistics, double clip, double epsilon)
        => Math.Clamp(reward / Math.Sqrt(returnStatistics.Variance[0] + epsilon), -clip, clip);

    /// <summary>Writes γ (when the normaliser has one), the clip, ε and the statistics into a snapshot.</summary>
    public static void SaveSettings(JsonObject state, double? gamma, double clip, double epsilon, RunningMeanStd statistics)
    {
        if (gamma is double g)
        {
            state["gamma"] = EnvState.Number(g);
        }

        state["clip"] = EnvState.Number(clip);
        state["epsilon"] = EnvState.Number(epsilon);
        state["statistics"] = EnvState.Statistics(statistics);
    }

    /// <summary>
    /// Checks that a snapshot written by <see cref="SaveSettings"/> has these settings and reads its statistics
    /// (without applying them, so the caller can read its other values before overwriting anything).
    /// </summary>
    public static RunningMeanStdState ReadSettings(JsonObject state, double? gamma, double clip, double epsilon, RunningMeanStd statistics)
    {
        if (gamma is double g)
        {
            EnvState.RequireSetting(state, "gamma", g);
        }

        EnvState.RequireSetting(state, "clip", clip);
        EnvState.RequireSetting(state, "epsilon", epsilon);
        return EnvState.ReadStatistics(state, "statistics", statistics.Size);
    }
}
