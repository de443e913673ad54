namespace SharpRL.Envs.Wrappers;

/// <summary>The settings part of the normalisers' snapshots.</summary>
internal static class NormalizerSnapshot
{
    /// <summary>Writes γ (when the normaliser has one), the clip, ε and the statistics into a snapshot.</summary>
    public static void Save(JsonObject state, double? gamma, double clip, double epsilon, RunningMeanStd statistics)
    {
        if (gamma is double g)
        {
            state["gamma"] = EnvState.Number(g);
        }

        state["clip"] = EnvState.Number(clip);
        state["epsilon"] = EnvState.Number(epsilon);
        state["statistics"] = EnvState.Statistics(statistics);
    }

    /// <summary>Checks that a snapshot written by <see cref="Save"/> has these settings and reads its statistics.</summary>
    public static RunningMeanStdState Read(JsonObject state, double? gamma, double clip, double epsilon, RunningMeanStd statistics)
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
