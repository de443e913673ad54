namespace SharpRL.Training;

/// <summary>What a user asked to train: the CLI's <c>train</c> arguments, as data.</summary>
public sealed record TrainRequest
{
    /// <summary>Algorithm name (ppo, trpo, ...); taken from the run when resuming.</summary>
    public string? Algorithm { get; init; }

    /// <summary>Env id; taken from the run when resuming.</summary>
    public string? EnvId { get; init; }

    /// <summary>Seed of the run.</summary>
    public int Seed { get; init; }

    /// <summary>Env-step budget (null: the preset's).</summary>
    public long? TotalTimesteps { get; init; }

    /// <summary>Env copies (null: the preset's).</summary>
    public int? NumEnvs { get; init; }

    /// <summary>--set overrides, applied last.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Settings { get; init; } = [];

    /// <summary>Settings from a config file, applied before <see cref="Settings"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ConfigSettings { get; init; } = [];

    /// <summary>Use this env's preset instead of <see cref="EnvId"/>'s.</summary>
    public string? PresetEnvId { get; init; }

    /// <summary>Run folder (null: runs/&lt;algorithm&gt;_&lt;env&gt;_s&lt;seed&gt;, numbered if taken).</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Resume the run in this folder.</summary>
    public string? ResumeDirectory { get; init; }

    /// <summary>Checkpoint every this many steps (null: at the end only, or the run's when resuming).</summary>
    public long? SaveFrequency { get; init; }

    /// <summary>Replace <see cref="OutputDirectory"/> when it holds a run that stopped before its first checkpoint (nothing else is ever replaced).</summary>
    public bool Force { get; init; }

    /// <summary>Step env copies on worker threads.</summary>
    public bool Parallel { get; init; }

    /// <summary>Step the on-policy env copies in an <c>EnvPool</c> in synchronous mode (bit for bit SyncVectorEnv's results).</summary>
    public bool Pool { get; init; }

    /// <summary>Evaluate the policy every this many steps, keeping the best as best_model (null: never).</summary>
    public long? EvalFrequency { get; init; }

    /// <summary>Episodes per periodic evaluation (null: 5, or the run's when resuming).</summary>
    public int? EvalEpisodes { get; init; }

    /// <summary>Stop training once a periodic evaluation's mean return reaches this (needs <see cref="EvalFrequency"/>).</summary>
    public double? StopAtReward { get; init; }
}
