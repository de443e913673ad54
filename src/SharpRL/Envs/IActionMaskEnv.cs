namespace SharpRL.Envs;

/// <summary>
/// Optional: an env that says which discrete actions are legal in its current state (illegal moves of a
/// board or card game). The policy then gives illegal actions probability 0: their logits are replaced by
/// a constant so far below the others that exp underflows to exactly 0, so sampling, ln π, the entropy and
/// the KL are those of the softmax over the allowed actions only (Huang &amp; Ontañón 2020, "A Closer Look
/// at Invalid Action Masking in Policy Gradient Algorithms").
/// </summary>
/// <remarks>
/// Wrappers (<see cref="Wrappers.Wrapper"/>) forward both members to the env they wrap; vector envs expose
/// every copy's mask through <see cref="IVectorActionMaskEnv"/>.
/// </remarks>
public interface IActionMaskEnv
{
    /// <summary>Whether this env supplies masks (true for an env; a wrapper answers for what it wraps).</summary>
    bool HasActionMask => true;

    /// <summary>
    /// Writes the mask of the current state (valid after Reset and after each Step): true = allowed.
    /// Length: the number of discrete choices, n for Discrete(n), Σ nvec for MultiDiscrete (component by component).
    /// Every component needs at least one allowed action.
    /// </summary>
    /// <param name="mask">Destination of <see cref="ActionMasks.SizeOf"/>(ActionSpace) flags.</param>
    void GetActionMask(Span<bool> mask);
}

/// <summary>
/// A vector env whose copies supply action masks (<see cref="IActionMaskEnv"/>). After a Step, copy i's
/// mask is that of the observation returned in row i: after an autoreset, the new episode's first state.
/// </summary>
public interface IVectorActionMaskEnv
{
    /// <summary>Whether every copy supplies masks.</summary>
    bool HasActionMasks { get; }

    /// <summary>Flags per copy (0 when the copies supply none).</summary>
    int ActionMaskSize { get; }

    /// <summary>Writes every copy's current mask, [N × <see cref="ActionMaskSize"/>], true = allowed.</summary>
    /// <param name="masks">Destination.</param>
    void GetActionMasks(Span<bool> masks);
}

/// <summary>Helpers for action masks.</summary>
public static class ActionMasks
{
    /// <summary>Flags in a mask for <paramref name="actionSpace"/>: n for Discrete(n), Σ nvec for MultiDiscrete.</summary>
    /// <exception cref="ArgumentException">For any other space (continuous actions cannot be masked).</exception>
    public static int SizeOf(Space actionSpace)
    {
        ArgumentNullException.ThrowIfNull(actionSpace);
        return actionSpace switch
        {
            Discrete discrete => discrete.N,
            MultiDiscrete multiDiscrete => multiDiscrete.Nvec.Sum(),
            _ => throw new ArgumentException($"Action masks need a Discrete or MultiDiscrete action space; got {actionSpace}.", nameof(actionSpace)),
        };
    }

    /// <summary>Whether <paramref name="env"/> (through its wrappers) supplies action masks.</summary>
    public static bool Supplies(IEnv env) => env is IActionMaskEnv { HasActionMask: true };

    /// <summary>Whether <paramref name="env"/> (through its wrappers) supplies action masks for every copy.</summary>
    public static bool Supplies(IVectorEnv env) => env is IVectorActionMaskEnv { HasActionMasks: true };
}
