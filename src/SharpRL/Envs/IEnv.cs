namespace SharpRL.Envs;

/// <summary>What one environment step returned besides the observation.</summary>
/// <param name="Reward">The reward (float64, as Gymnasium returns a Python float).</param>
/// <param name="Terminated">The MDP reached a terminal state: do not bootstrap.</param>
/// <param name="Truncated">The episode was cut (e.g. time limit): the state is not terminal, bootstrap from it.</param>
public readonly record struct StepResult(double Reward, bool Terminated, bool Truncated)
{
    /// <summary>The episode is over for either reason.</summary>
    public bool Done => Terminated || Truncated;
}

/// <summary>Registration facts about an env id (Gymnasium's EnvSpec).</summary>
/// <param name="Id">e.g. "CartPole-v1".</param>
/// <param name="MaxEpisodeSteps">Time limit applied by the registry, or null for none.</param>
/// <param name="RewardThreshold">Return at which the task counts as solved, or null.</param>
public sealed record EnvSpec(string Id, int? MaxEpisodeSteps, double? RewardThreshold);

/// <summary>
/// A single environment with Gymnasium 1.x semantics. Observations and actions are flat float
/// spans owned by the caller (a Discrete action is its integer value as a float).
/// Implementations must reject actions outside <see cref="ActionSpace"/> and steps after the
/// episode ended (until the next Reset) with an exception that says what was wrong.
/// </summary>
public interface IEnv : IDisposable
{
    /// <summary>Space of observations.</summary>
    Space ObservationSpace { get; }

    /// <summary>Space of actions.</summary>
    Space ActionSpace { get; }

    /// <summary>Registration facts, or null for an unregistered env.</summary>
    EnvSpec? Spec { get; }

    /// <summary>
    /// Starts an episode and writes the first observation. A seed re-seeds the env's generator
    /// (Gymnasium: same seed, same episode); without one the generator's stream continues.
    /// </summary>
    void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null);

    /// <summary>Applies <paramref name="action"/> and writes the next observation.</summary>
    StepResult Step(ReadOnlySpan<float> action, Span<float> observation);
}
