namespace SharpRL.Environments.Toy;

/// <summary>The checks every toy env makes before a step: the episode is running, and the action is one of its discrete actions.</summary>
internal static class ToyStepChecks
{
    /// <summary>Throws when the episode has ended (or never started), or when <paramref name="action"/> is not one value of <paramref name="actionSpace"/>.</summary>
    /// <param name="needsReset">Whether the env needs a reset.</param>
    /// <param name="ended">Says that the episode has ended, e.g. "The maze episode has ended".</param>
    /// <param name="action">The caller's action.</param>
    /// <param name="actionSpace">The env's Discrete action space.</param>
    /// <param name="actions">Names the valid actions, e.g. "0 or 1 (Discrete(2))".</param>
    public static void Check(bool needsReset, string ended, ReadOnlySpan<float> action, Space actionSpace, string actions)
    {
        if (needsReset)
        {
            throw new InvalidOperationException($"{ended} (or Reset was never called); call Reset before Step.");
        }

        if (action.Length != 1 || !actionSpace.Contains(action))
        {
            throw new ArgumentException($"action must be {actions}; got [{string.Join(", ", action.ToArray())}].", nameof(action));
        }
    }
}
