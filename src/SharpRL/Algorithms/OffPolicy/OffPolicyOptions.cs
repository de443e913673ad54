namespace SharpRL.Algorithms.OffPolicy;

/// <summary>Whether <see cref="TrainFrequency"/> counts env steps or finished episodes.</summary>
public enum TrainFrequencyUnit
{
    /// <summary>Vector-env steps (each one adds n_envs transitions).</summary>
    Step,

    /// <summary>Finished episodes, summed over the env copies.</summary>
    Episode,
}

/// <summary>
/// How much to collect between two training phases: rl-zoo's <c>train_freq: 1</c> (every step) or
/// <c>train_freq: [1, "episode"]</c> (after every finished episode).
/// </summary>
/// <param name="Count">Steps or episodes per collection phase; positive.</param>
/// <param name="Unit">What <paramref name="Count"/> counts.</param>
public readonly record struct TrainFrequency(int Count, TrainFrequencyUnit Unit)
{
    /// <summary>Every <paramref name="count"/> vector-env steps.</summary>
    public static TrainFrequency Steps(int count) => new(count, TrainFrequencyUnit.Step);

    /// <summary>After every <paramref name="count"/> finished episodes.</summary>
    public static TrainFrequency Episodes(int count) => new(count, TrainFrequencyUnit.Episode);

    /// <summary>Parses "1", "1 step", "[1, episode]" or "1 episode".</summary>
    public static TrainFrequency Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Trim().Trim('[', ']').Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length is 1 or 2 && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int count) && count > 0)
        {
            string unit = parts.Length == 2 ? parts[1].Trim('"', '\'').ToLowerInvariant() : "step";
            if (unit is "step" or "steps")
            {
                return Steps(count);
            }

            if (unit is "episode" or "episodes")
            {
                return Episodes(count);
            }
        }

        throw new FormatException($"'{text}' is not a train frequency; expected a positive count, optionally with a unit: 1, [1, step] or [1, episode].");
    }

    /// <inheritdoc />
    public override string ToString() => Unit == TrainFrequencyUnit.Step ? Count.ToString(CultureInfo.InvariantCulture) : $"[{Count}, episode]";
}

/// <summary>Exploration noise added to the actor's action in [−1, 1] before it is clipped and stored.</summary>
public enum ActionNoiseKind
{
    /// <summary>No noise (SAC explores through its stochastic policy).</summary>
    None,

    /// <summary>Independent N(0, σ²) per step and dimension (rl-zoo's <c>noise_type: normal</c>).</summary>
    Normal,

    /// <summary>Ornstein–Uhlenbeck process per env copy, reset at episode end (<c>noise_type: ornstein-uhlenbeck</c>).</summary>
    OrnsteinUhlenbeck,
}

/// <summary>Settings every off-policy algorithm shares (replay, collection, targets, networks).</summary>
public record OffPolicyOptions
{
    /// <summary>Parallel env copies (n_envs); each has its own noise process.</summary>
    public int NumEnvs { get; init; } = 1;

    /// <summary>Replay capacity in transitions over all copies (buffer_size); the oldest are overwritten.</summary>
    public int BufferSize { get; init; } = 1_000_000;

    /// <summary>Env steps taken with uniform random actions before learning starts (learning_starts).</summary>
    public int LearningStarts { get; init; } = 100;

    /// <summary>Transitions per gradient step (batch_size).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Polyak coefficient τ in θ' ← (1 − τ) θ' + τ θ (1 gives a hard copy).</summary>
    public double Tau { get; init; } = 0.005;

    /// <summary>Discount γ.</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>Steps or episodes collected between training phases (train_freq; rl-zoo's [1, "episode"] is train_freq 1 with train_freq_unit episode).</summary>
    public int TrainFreq { get; init; } = 1;

    /// <summary>What <see cref="TrainFreq"/> counts (train_freq_unit: step or episode).</summary>
    public TrainFrequencyUnit TrainFreqUnit { get; init; } = TrainFrequencyUnit.Step;

    /// <summary>The collection between training phases, as one value.</summary>
    public TrainFrequency TrainFrequency => new(TrainFreq, TrainFreqUnit);

    /// <summary>Gradient steps per training phase; −1 means as many as env steps (transitions) were collected.</summary>
    public int GradientSteps { get; init; } = 1;

    /// <summary>Adam step size of every network (and of log α in SAC).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Exploration noise added to the actor's action (rl-zoo's noise_type).</summary>
    public ActionNoiseKind NoiseType { get; init; } = ActionNoiseKind.None;

    /// <summary>σ of the exploration noise, in the [−1, 1] action space (noise_std).</summary>
    public double NoiseStd { get; init; } = 0.1;

    /// <summary>θ, the Ornstein–Uhlenbeck mean-reversion rate (SB3: 0.15).</summary>
    public double OrnsteinUhlenbeckTheta { get; init; } = 0.15;

    /// <summary>dt, the Ornstein–Uhlenbeck time step (SB3: 1e-2).</summary>
    public double OrnsteinUhlenbeckDt { get; init; } = 1e-2;

    /// <summary>Hidden widths of the actor and of each critic (net_arch).</summary>
    public IReadOnlyList<int> HiddenSizes { get; init; } = [400, 300];

    /// <summary>Hidden non-linearity of the actor and critics (activation_fn).</summary>
    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>Target networks are updated every this many eligible updates (target_update_interval).</summary>
    public int TargetUpdateInterval { get; init; } = 1;

    /// <summary>Run independent critics' passes on two threads at once (same result; faster on ≥ 2 cores).</summary>
    public bool ParallelCritics { get; init; } = true;

    /// <summary>Checkpoints include the replay buffer (false: smaller files, but a resumed run restarts from an empty buffer and is not exact).</summary>
    public bool SaveReplayBuffer { get; init; } = true;

    /// <summary>Throws if a setting is out of range, naming it and the valid range.</summary>
    public virtual void Validate()
    {
        Require(NumEnvs > 0, "n_envs", NumEnvs, "a positive integer");
        Require(BufferSize > 0, "buffer_size", BufferSize, "a positive integer");
        Require(LearningStarts >= 0, "learning_starts", LearningStarts, "≥ 0");
        Require(BatchSize > 0, "batch_size", BatchSize, "a positive integer");
        Require(Tau is > 0 and <= 1, "tau", Tau, "in (0, 1]");
        Require(Gamma is >= 0 and <= 1, "gamma", Gamma, "in [0, 1]");
        Require(TrainFrequency.Count > 0 && Enum.IsDefined(TrainFrequency.Unit), "train_freq", TrainFrequency, "a positive count of steps or episodes");
        Require(GradientSteps >= -1, "gradient_steps", GradientSteps, "≥ 0, or −1 for as many as steps collected");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "learning_rate", LearningRate, "positive");
        Require(Enum.IsDefined(NoiseType), "noise_type", NoiseType, $"one of {string.Join(", ", Enum.GetNames<ActionNoiseKind>())}");
        Require(NoiseStd >= 0 && double.IsFinite(NoiseStd), "noise_std", NoiseStd, "≥ 0");
        Require(OrnsteinUhlenbeckTheta >= 0 && OrnsteinUhlenbeckDt > 0, "ou_theta/ou_dt", $"{OrnsteinUhlenbeckTheta}/{OrnsteinUhlenbeckDt}", "θ ≥ 0 and dt > 0");
        Require(HiddenSizes is { Count: > 0 } && HiddenSizes.All(h => h > 0), "net_arch", HiddenSizes is null ? "null" : $"[{string.Join(", ", HiddenSizes)}]", "one or more positive widths");
        Require(Enum.IsDefined(Activation), "activation_fn", Activation, "Relu or Tanh");
        Require(TargetUpdateInterval > 0, "target_update_interval", TargetUpdateInterval, "a positive integer");
    }

    /// <summary>Throws an <see cref="ArgumentException"/> for an out-of-range setting.</summary>
    protected static void Require(bool condition, string key, object value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentException($"Setting {key} = {value} is invalid; expected {expected}.", key);
        }
    }
}
