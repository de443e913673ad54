namespace SharpRL.Algorithms.Impala;

/// <summary>
/// One actor's fixed-length unroll of one env copy: T steps made with the weights of version
/// <see cref="PolicyVersion"/> (Espeholt et al. 2018, section 3: actors send the learner trajectories
/// of experience together with the behaviour policy's probabilities μ(a_t|x_t)). This is what an
/// <see cref="ITrajectorySource"/> delivers, whether it runs threads in this process or workers on
/// other machines; every array is row-major and flat so one chunk travels as one message.
/// </summary>
/// <remarks>
/// Episode boundaries inside a chunk are marked per step: step t ended the episode when
/// <see cref="Terminated"/>[t] or <see cref="Truncated"/>[t]; the observation row t + 1 is then the
/// first observation of the next episode (the env auto-reset), and for a time-limit cut
/// (truncated, not terminated) the episode's last observation is kept in <see cref="FinalObservations"/>
/// so that the learner can bootstrap from it. The next chunk of the same env copy starts at row T of
/// this one.
/// </remarks>
public sealed class TrajectoryChunk
{
    /// <summary>T, the number of steps.</summary>
    public required int Length { get; init; }

    /// <summary>Floats per (flattened, raw) observation.</summary>
    public required int ObservationSize { get; init; }

    /// <summary>Floats per stored action (1 for Discrete, the Box size for continuous actions).</summary>
    public required int ActionSize { get; init; }

    /// <summary>Version of the weights that chose the actions (the learner's update count when they were published).</summary>
    public required long PolicyVersion { get; init; }

    /// <summary>Which env copy of the source made the chunk (for logs; sources number their copies from 0).</summary>
    public int SourceId { get; init; }

    /// <summary>(T + 1) × ObservationSize: x_0 … x_T, where x_T is the observation the learner bootstraps from.</summary>
    public required float[] Observations { get; init; }

    /// <summary>
    /// T × ActionSize: a_t as the policy drew it (a Discrete index counted from 0; the unclipped Gaussian
    /// sample for Box actions, so that ln π(a_t|x_t) is that of the action actually drawn).
    /// </summary>
    public required float[] Actions { get; init; }

    /// <summary>T: r_t, the env's reward for step t.</summary>
    public required float[] Rewards { get; init; }

    /// <summary>T: step t reached a terminal state (no bootstrap: V of what follows is 0).</summary>
    public required bool[] Terminated { get; init; }

    /// <summary>T: step t was cut by a time limit (an episode boundary, but the state was not terminal).</summary>
    public required bool[] Truncated { get; init; }

    /// <summary>T: ln μ(a_t|x_t), the behaviour policy's log-probability of the action.</summary>
    public required float[] BehaviourLogProbs { get; init; }

    /// <summary>
    /// K × ObservationSize, one row per step t with <see cref="Truncated"/>[t] and not <see cref="Terminated"/>[t],
    /// in step order: the last observation of the cut episode (the bootstrap state of the time-limit cut).
    /// </summary>
    public required float[] FinalObservations { get; init; }

    /// <summary>Undiscounted returns of the episodes that ended inside this chunk, in order.</summary>
    public double[] EpisodeReturns { get; init; } = [];

    /// <summary>Lengths of the episodes that ended inside this chunk (same order as <see cref="EpisodeReturns"/>).</summary>
    public int[] EpisodeLengths { get; init; } = [];

    /// <summary>Steps that were cut by a time limit without terminating: the rows of <see cref="FinalObservations"/>.</summary>
    public int BootstrapCutCount
    {
        get
        {
            int count = 0;
            for (int t = 0; t < Truncated.Length; t++)
            {
                count += Truncated[t] && !Terminated[t] ? 1 : 0;
            }

            return count;
        }
    }

    /// <summary>
    /// Throws an <see cref="InvalidDataException"/> naming the field when the chunk does not have the shape
    /// a learner expects, or holds a non-finite observation, reward or log-probability. A source that receives
    /// chunks from elsewhere (another process or machine) calls this before handing them on.
    /// </summary>
    /// <param name="length">The unroll length T the learner was configured with.</param>
    /// <param name="observationSize">The learner's flattened observation size.</param>
    /// <param name="actionSize">The learner's stored action size.</param>
    public void Validate(int length, int observationSize, int actionSize)
    {
        // Messages are built only on failure: the learner validates every chunk of every batch.
        if (Length != length)
        {
            Fail($"Length is {Length}; expected the unroll length {length}");
        }

        if (ObservationSize != observationSize)
        {
            Fail($"ObservationSize is {ObservationSize}; expected {observationSize}");
        }

        if (ActionSize != actionSize)
        {
            Fail($"ActionSize is {ActionSize}; expected {actionSize}");
        }

        if (PolicyVersion < 0)
        {
            Fail($"PolicyVersion is {PolicyVersion}; expected ≥ 0");
        }

        RequireLength(Observations, (length + 1) * observationSize, nameof(Observations), "(T + 1) × observation size");
        RequireLength(Actions, length * actionSize, nameof(Actions), "T × action size");
        RequireLength(Rewards, length, nameof(Rewards), "T");
        RequireLength(Terminated, length, nameof(Terminated), "T");
        RequireLength(Truncated, length, nameof(Truncated), "T");
        RequireLength(BehaviourLogProbs, length, nameof(BehaviourLogProbs), "T");
        RequireLength(FinalObservations, BootstrapCutCount * observationSize, nameof(FinalObservations), "one observation per time-limit cut");
        if (EpisodeReturns is null || EpisodeLengths is null || EpisodeReturns.Length != EpisodeLengths.Length)
        {
            Fail("EpisodeReturns and EpisodeLengths must have equal lengths");
        }

        RequireFinite(Observations, nameof(Observations));
        RequireFinite(Rewards, nameof(Rewards));
        RequireFinite(BehaviourLogProbs, nameof(BehaviourLogProbs));
        RequireFinite(FinalObservations, nameof(FinalObservations));
        RequireFinite(Actions, nameof(Actions));
    }

    private void RequireLength<T>(T[]? array, int expected, string name, string what)
    {
        if (array is null || array.Length != expected)
        {
            Fail($"{name} has {array?.Length.ToString(CultureInfo.InvariantCulture) ?? "no"} elements; expected {what} = {expected}");
        }
    }

    private void RequireFinite(float[] values, string name)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                Fail($"{name}[{i}] is {values[i].ToString(CultureInfo.InvariantCulture)}; expected a finite number");
            }
        }
    }

    private void Fail(string message) =>
        throw new InvalidDataException($"Trajectory chunk from source {SourceId} (policy version {PolicyVersion}) is malformed: {message}.");
}
