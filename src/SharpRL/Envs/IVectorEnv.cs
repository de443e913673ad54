namespace SharpRL.Envs;

/// <summary>Return and length of an episode that just ended in a vector env.</summary>
/// <param name="EnvIndex">Which copy it ran in.</param>
/// <param name="Return">Undiscounted sum of the env's own rewards (before any reward normalisation).</param>
/// <param name="Length">Number of steps.</param>
public readonly record struct EpisodeStatistics(int EnvIndex, double Return, int Length);

/// <summary>
/// N copies of an env stepped together on batched row-major buffers.
/// Same-step autoreset: when copy i finishes (terminated or truncated), its final observation is
/// kept in <see cref="FinalObservations"/> row i, the copy is reset at once, and row i of the
/// returned observations is the first observation of the new episode.
/// </summary>
public interface IVectorEnv : IDisposable
{
    /// <summary>Number of copies N.</summary>
    int NumEnvs { get; }

    /// <summary>Observation space of one copy.</summary>
    Space SingleObservationSpace { get; }

    /// <summary>Action space of one copy.</summary>
    Space SingleActionSpace { get; }

    /// <summary>Resets every copy; with a seed, copy i is seeded with seed + i.</summary>
    void Reset(Span<float> observations, int? seed = null);

    /// <summary>Steps every copy with its row of <paramref name="actions"/> [N × action FlatSize].</summary>
    void Step(ReadOnlySpan<float> actions, Span<float> observations, Span<double> rewards, Span<bool> terminated, Span<bool> truncated);

    /// <summary>[N × obs FlatSize]: row i is the last observation of the episode copy i finished in the latest Step (valid only where it finished).</summary>
    ReadOnlySpan<float> FinalObservations { get; }

    /// <summary>Episodes that finished in the latest Step (the list is reused: copy what you keep).</summary>
    IReadOnlyList<EpisodeStatistics> CompletedEpisodes { get; }
}
