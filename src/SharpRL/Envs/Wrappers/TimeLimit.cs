namespace SharpRL.Envs.Wrappers;

/// <summary>
/// Cuts episodes after <see cref="MaxEpisodeSteps"/> steps (Gymnasium's <c>TimeLimit</c>, which
/// <c>gymnasium.make</c> adds from the spec). Exactly as Gymnasium: after the step that makes the
/// count reach the limit, <c>truncated</c> is true, whatever the env reported; <c>terminated</c> is
/// passed through unchanged, so when the env terminates on that very step both flags are true (and
/// a learner must treat the transition as terminal: terminated wins, no bootstrap).
/// Unlike Gymnasium, stepping before Reset or after the episode ended throws.
/// </summary>
public sealed class TimeLimit : Wrapper
{
    private readonly EnvSpec? _spec;
    private bool _needsReset = true;
    private bool _hasReset;

    /// <summary>Wraps <paramref name="env"/> with a time limit.</summary>
    /// <param name="env">The env to limit; the wrapper takes ownership.</param>
    /// <param name="maxEpisodeSteps">Steps per episode, positive.</param>
    /// <param name="spec">Registration facts to report as <see cref="Spec"/> (the registry passes them); null forwards the env's.</param>
    public TimeLimit(IEnv env, int maxEpisodeSteps, EnvSpec? spec = null)
        : base(env)
    {
        if (maxEpisodeSteps <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), maxEpisodeSteps, "The time limit must be a positive number of steps.");
        }

        MaxEpisodeSteps = maxEpisodeSteps;
        _spec = spec;
    }

    /// <summary>Steps after which an episode is truncated.</summary>
    public int MaxEpisodeSteps { get; }

    /// <summary>Steps taken in the current episode.</summary>
    public int ElapsedSteps { get; private set; }

    /// <inheritdoc />
    public override EnvSpec? Spec => _spec ?? Env.Spec;

    /// <inheritdoc />
    public override void Reset(Span<float> observation, int? seed = null, IReadOnlyDictionary<string, object>? options = null)
    {
        Env.Reset(observation, seed, options);
        ElapsedSteps = 0;
        _needsReset = false;
        _hasReset = true;
    }

    /// <inheritdoc />
    public override StepResult Step(ReadOnlySpan<float> action, Span<float> observation)
    {
        if (_needsReset)
        {
            ThrowNeedsReset();
        }

        StepResult result = Env.Step(action, observation);
        ElapsedSteps++;
        if (ElapsedSteps >= MaxEpisodeSteps)
        {
            result = result with { Truncated = true };
        }

        _needsReset = result.Done;
        return result;
    }

    /// <inheritdoc />
    protected override void SaveWrapperState(JsonObject state)
    {
        state["max_episode_steps"] = MaxEpisodeSteps;
        state["elapsed_steps"] = ElapsedSteps;
        state["needs_reset"] = _needsReset;
        state["has_reset"] = _hasReset;
    }

    /// <inheritdoc />
    protected override void LoadWrapperState(JsonObject state)
    {
        EnvState.RequireSetting(state, "max_episode_steps", MaxEpisodeSteps);
        int elapsed = EnvState.ReadInt32(state, "elapsed_steps", 0, MaxEpisodeSteps);
        bool needsReset = EnvState.ReadBoolean(state, "needs_reset");
        bool hasReset = EnvState.ReadBoolean(state, "has_reset");
        ElapsedSteps = elapsed;
        _needsReset = needsReset;
        _hasReset = hasReset;
    }

    private void ThrowNeedsReset()
        => throw new InvalidOperationException(!_hasReset
            ? $"{this}: Step called before Reset. Call Reset to start an episode."
            : $"{this}: Step called after the episode ended (terminated or truncated after {ElapsedSteps} of {MaxEpisodeSteps} steps). Call Reset before stepping again.");
}
