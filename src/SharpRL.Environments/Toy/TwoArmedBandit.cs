namespace SharpRL.Environments.Toy;

/// <summary>
/// The lecture's two-action example (the lecture "NPG and PPO": g(θ) = 100·p_θ[1] + 1·p_θ[2]) as an env: one step,
/// action 0 pays <see cref="Rewards"/>[0] (default 100), action 1 pays <see cref="Rewards"/>[1]
/// (default 1), then the episode terminates. The observation is a constant single feature 1 in
/// Box [0, 1]^1, so any policy network can take it as input.
/// </summary>
public sealed class TwoArmedBandit : IEnv, IStatefulEnv
{
    private readonly double[] _rewards;
    private bool _needsReset = true;

    /// <summary>Creates the bandit with the given deterministic rewards.</summary>
    /// <param name="firstArmReward">Reward of action 0.</param>
    /// <param name="secondArmReward">Reward of action 1.</param>
    public TwoArmedBandit(double firstArmReward = 100, double secondArmReward = 1)
    {
        if (!double.IsFinite(firstArmReward))
        {
            throw new ArgumentOutOfRangeException(nameof(firstArmReward), firstArmReward, "Rewards must be finite.");
        }

        if (!double.IsFinite(secondArmReward))
        {
            throw new ArgumentOutOfRangeException(nameof(secondArmReward), secondArmReward, "Rewards must be finite.");
        }

        _rewards = [firstArmReward, secondArmReward];
    }

    /// <summary>Reward of each action.</summary>
    public IReadOnlyList<double> Rewards => _rewards;

    /// <inheritdoc />
    public Space ObservationSpace { get; } = new Box(0f, 1f, 1);

    /// <inheritdoc />
    public Space ActionSpace { get; } = new Discrete(2);

    /// <inheritdoc />
    public EnvSpec? Spec => null;

    /// <inheritdoc />
    public void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
    {
        WriteObservation(observation);
        _needsReset = false;
    }

    /// <inheritdoc />
    public StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        ToyStepChecks.Check(_needsReset, "The bandit's episode is one step long and has ended", action, ActionSpace, "0 or 1 (Discrete(2))");

        WriteObservation(observation);
        _needsReset = true;
        return new StepResult(_rewards[(int)action[0]], Terminated: true, Truncated: false);
    }

    /// <summary>Snapshot: the needs-reset flag, with the arms' rewards (checked on load).</summary>
    public JsonNode SaveState()
    {
        JsonObject state = EnvState.Create(this);
        state["rewards"] = EnvState.Numbers(_rewards);
        state["needs_reset"] = _needsReset;
        return state;
    }

    /// <inheritdoc />
    public void LoadState(JsonNode state)
    {
        JsonObject snapshot = EnvState.Open(state, this);
        if (!EnvState.ReadDoubles(snapshot, "rewards", 2).AsSpan().SequenceEqual(_rewards))
        {
            throw new ArgumentException("The state of a TwoArmedBandit was saved from a bandit with other rewards; it would not continue the same way.", nameof(state));
        }

        _needsReset = EnvState.ReadBoolean(snapshot, "needs_reset");
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private static void WriteObservation(Span<float> observation)
    {
        if (observation.Length != 1)
        {
            throw new ArgumentException($"observation must have 1 float; got {observation.Length}.", nameof(observation));
        }

        observation[0] = 1f;
    }
}
