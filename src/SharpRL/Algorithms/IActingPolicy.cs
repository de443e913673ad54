namespace SharpRL.Algorithms;

/// <summary>
/// A trained policy acting in one env: raw observation in, env action out. What evaluation
/// (<c>sharprl eval</c>, periodic evaluation during training) and <c>sharprl envs play</c> run,
/// whatever algorithm trained it.
/// </summary>
public interface IActingPolicy
{
    /// <summary>The env's observation space the policy acts on (before any normalisation the policy applies itself).</summary>
    Space ObservationSpace { get; }

    /// <summary>The env's action space.</summary>
    Space ActionSpace { get; }

    /// <summary>Writes the env action for <paramref name="observation"/>.</summary>
    /// <param name="observation">One raw observation, flattened (ObservationSpace.FlatSize values).</param>
    /// <param name="action">Receives one env action (ActionSpace.FlatSize values; a Discrete index as a float).</param>
    /// <param name="deterministic">The most likely action (the mode) instead of a sample.</param>
    /// <param name="random">Generator for sampled actions; not used when <paramref name="deterministic"/>.</param>
    void Act(ReadOnlySpan<float> observation, Span<float> action, bool deterministic, Random random);
}

/// <summary>
/// A policy that can act under an action mask (<see cref="Envs.IActionMaskEnv"/>): evaluation hands it the
/// env's mask so a disallowed action is never taken.
/// </summary>
public interface IMaskedActingPolicy : IActingPolicy
{
    /// <summary>Writes the env action for <paramref name="observation"/>, never one <paramref name="actionMask"/> disallows.</summary>
    /// <param name="observation">One raw observation, flattened.</param>
    /// <param name="actionMask">The env's mask of this state (true = allowed).</param>
    /// <param name="action">Receives one env action.</param>
    /// <param name="deterministic">The most likely allowed action instead of a sample.</param>
    /// <param name="random">Generator for sampled actions.</param>
    void Act(ReadOnlySpan<float> observation, ReadOnlySpan<bool> actionMask, Span<float> action, bool deterministic, Random random);
}

/// <summary>Maps a raw observation to what a policy expects (e.g. frozen running normalisation).</summary>
public delegate void ObservationTransform(ReadOnlySpan<float> raw, Span<float> transformed);
