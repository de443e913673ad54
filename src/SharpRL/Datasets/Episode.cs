namespace SharpRL.Datasets;

/// <summary>
/// One recorded episode in Minari's layout: T steps, T + 1 observations (the first one after reset
/// and one after every step), and the per-step reward, termination and truncation flags. Arrays are
/// row-major and flat: observation row t is <c>Observations[t·d .. (t+1)·d)</c> with d the observation
/// space's flat size; action row t likewise. Actions are what the env received (a Discrete action is
/// its value, start included).
/// </summary>
public sealed class Episode
{
    /// <summary>Creates an episode; <see cref="MinariDataset"/> validates the lengths against its spaces.</summary>
    /// <param name="id">Index of the episode in its dataset (Minari's <c>episode_{id}</c> group).</param>
    /// <param name="observations">(T + 1) × observation flat size.</param>
    /// <param name="actions">T × action flat size.</param>
    /// <param name="rewards">T rewards.</param>
    /// <param name="terminations">T flags: the step reached a terminal state.</param>
    /// <param name="truncations">T flags: the step was cut (time limit).</param>
    /// <param name="seed">The reset seed of the episode, or null.</param>
    /// <param name="infos">Scalar info values by key, T + 1 each (reset first), or null for none.</param>
    public Episode(
        int id,
        float[] observations,
        float[] actions,
        double[] rewards,
        bool[] terminations,
        bool[] truncations,
        long? seed = null,
        IReadOnlyDictionary<string, double[]>? infos = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        Id = id;
        Observations = observations ?? throw new ArgumentNullException(nameof(observations));
        Actions = actions ?? throw new ArgumentNullException(nameof(actions));
        Rewards = rewards ?? throw new ArgumentNullException(nameof(rewards));
        Terminations = terminations ?? throw new ArgumentNullException(nameof(terminations));
        Truncations = truncations ?? throw new ArgumentNullException(nameof(truncations));
        Seed = seed;
        Infos = infos ?? new Dictionary<string, double[]>();
    }

    /// <summary>Index of the episode in its dataset.</summary>
    public int Id { get; }

    /// <summary>Number of steps T.</summary>
    public int Length => Rewards.Length;

    /// <summary>(T + 1) × observation flat size, row-major.</summary>
    public float[] Observations { get; }

    /// <summary>T × action flat size, row-major.</summary>
    public float[] Actions { get; }

    /// <summary>T rewards.</summary>
    public double[] Rewards { get; }

    /// <summary>T termination flags.</summary>
    public bool[] Terminations { get; }

    /// <summary>T truncation flags.</summary>
    public bool[] Truncations { get; }

    /// <summary>Reset seed, or null when the episode's reset was not seeded.</summary>
    public long? Seed { get; }

    /// <summary>Scalar infos by key, T + 1 values each (NaN = not reported at that step).</summary>
    public IReadOnlyDictionary<string, double[]> Infos { get; }

    /// <summary>Sum of the rewards.</summary>
    public double Return => Rewards.Sum();
}
