namespace SharpRL.Envs.Vector;

/// <summary>
/// N env copies stepped one after another on the caller's thread (Gymnasium's SyncVectorEnv),
/// with same-step autoreset as <see cref="IVectorEnv"/> describes. The vector env owns its copies
/// and disposes them. Step allocates nothing.
/// </summary>
public sealed class SyncVectorEnv : CopiesVectorEnv
{
    /// <summary>Creates <paramref name="numEnvs"/> copies by calling <paramref name="factory"/> once per copy.</summary>
    public SyncVectorEnv(Func<IEnv> factory, int numEnvs)
        : this(EnvCopies.Create(factory, numEnvs))
    {
    }

    /// <summary>Uses the given env instances as the copies (one distinct instance per copy, equal spaces).</summary>
    public SyncVectorEnv(IReadOnlyList<IEnv> envs)
        : base(new EnvCopies(envs))
    {
    }

    /// <inheritdoc />
    public override void Reset(Span<float> observations, int? seed = null)
    {
        Copies.ValidateReset(observations.Length, seed);
        int size = Copies.ObservationSize;
        for (int i = 0; i < Copies.Count; i++)
        {
            Copies.ResetCopy(i, observations.Slice(i * size, size), seed + i);
        }

        Copies.EndReset();
    }

    /// <inheritdoc />
    public override void Step(ReadOnlySpan<float> actions, Span<float> observations, Span<double> rewards, Span<bool> terminated, Span<bool> truncated)
    {
        Copies.ValidateStep(actions.Length, observations.Length, rewards.Length, terminated.Length, truncated.Length);
        Copies.BeginStep();
        int observationSize = Copies.ObservationSize;
        int actionSize = Copies.ActionSize;
        for (int i = 0; i < Copies.Count; i++)
        {
            Copies.StepCopy(
                i,
                actions.Slice(i * actionSize, actionSize),
                observations.Slice(i * observationSize, observationSize),
                out rewards[i],
                out terminated[i],
                out truncated[i]);
        }

        Copies.EndStep();
    }
}
