namespace SharpRL.Envs.Wrappers;

/// <summary>
/// The observation normalisation that <see cref="NormalizeObservation"/> (one env) and
/// <see cref="Vector.VectorNormalizeObservation"/> (one statistic shared by all copies) both apply:
/// <c>clamp((x − μ) / sqrt(σ² + ε), −clip, clip)</c> on rows of raw observations, the normalised space, and
/// the settings part of their snapshots.
/// </summary>
internal sealed class ObservationNormalizer
{
    /// <summary>Checks the settings and starts empty statistics of the raw space's size.</summary>
    public ObservationNormalizer(Space raw, double clip, double epsilon)
    {
        RunningMeanStd.CheckClipAndEpsilon(clip, epsilon);
        Clip = clip;
        Epsilon = epsilon;
        Statistics = new RunningMeanStd(raw.FlatSize);

        // Box(−clip, clip) with the raw space's shape (a Discrete observation becomes one float).
        int[] shape = raw.Shape.Count > 0 ? [.. raw.Shape] : [raw.FlatSize];
        float bound = (float)clip;
        Space = new Box(-bound, bound, shape);
    }

    public RunningMeanStd Statistics { get; }

    public double Clip { get; }

    public double Epsilon { get; }

    /// <summary>Box(−clip, clip) of the raw shape.</summary>
    public Box Space { get; }

    /// <summary>Adds the rows to the statistics, then normalises them in place with the updated statistics.</summary>
    public void UpdateAndNormalize(Span<float> observations)
    {
        Statistics.Update(observations);
        Statistics.Normalize(observations, observations, Clip, Epsilon);
    }

    public void Normalize(ReadOnlySpan<float> rawObservations, Span<float> normalized)
        => Statistics.Normalize(rawObservations, normalized, Clip, Epsilon);

    public void Unnormalize(ReadOnlySpan<float> normalized, Span<float> rawObservations)
        => Statistics.Unnormalize(normalized, rawObservations, Epsilon);

    /// <summary>Writes the clip, ε and the statistics into a snapshot.</summary>
    public void Save(JsonObject state) => NormalizerSnapshot.Save(state, gamma: null, Clip, Epsilon, Statistics);

    /// <summary>Checks the snapshot's clip and ε against these and loads its statistics.</summary>
    public void Load(JsonObject state) => Statistics.SetState(NormalizerSnapshot.Read(state, gamma: null, Clip, Epsilon, Statistics));
}
