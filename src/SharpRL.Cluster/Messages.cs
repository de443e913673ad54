namespace SharpRL.Cluster;

/// <summary>
/// What every join request names, synchronous or IMPALA: the run a worker joins (env, spaces, policy, seed)
/// and the slice of env copies it runs. A worker checks it (<see cref="RolloutWorker.CheckJoin"/>) before it
/// sets anything up.
/// </summary>
[GenerateSerializer]
[Alias("SharpRL.Cluster.RunSlice")]
public abstract record RunSlice
{
    /// <summary>Wire-format version; a worker of another version refuses.</summary>
    [Id(0)]
    public int ProtocolVersion { get; set; }

    /// <summary>Registered env id, with options (e.g. <c>CartPole-v1</c>).</summary>
    [Id(1)]
    public string EnvId { get; set; } = "";

    /// <summary>The learner's observation space (<c>Space.ToString()</c>): the worker's env must have the same.</summary>
    [Id(2)]
    public string ObservationSpace { get; set; } = "";

    /// <summary>The learner's action space.</summary>
    [Id(3)]
    public string ActionSpace { get; set; } = "";

    /// <summary>The policy settings (<c>policy.*</c> keys of the run's options, as OptionsBinder writes them), as JSON.</summary>
    [Id(4)]
    public string PolicyOptionsJson { get; set; } = "{}";

    /// <summary>The run's seed.</summary>
    [Id(5)]
    public int Seed { get; set; }

    /// <summary>Global index of the worker's first env copy (copy g is reset with seed + g).</summary>
    [Id(6)]
    public int FirstEnvIndex { get; set; }

    /// <summary>Env copies the worker runs.</summary>
    [Id(7)]
    public int NumEnvs { get; set; }
}

/// <summary>What the synchronous learner asks a worker to set up: an on-policy algorithm's rollouts of n_steps.</summary>
[GenerateSerializer]
[Alias("SharpRL.Cluster.JoinRequest")]
public sealed record JoinRequest : RunSlice
{
    /// <summary>Algorithm name (ppo, a2c, trpo, …).</summary>
    [Id(0)]
    public string Algorithm { get; set; } = "";

    /// <summary>Steps per copy per rollout (n_steps).</summary>
    [Id(1)]
    public int NumSteps { get; set; }

    /// <summary>The run's observation and reward normalisers (null: none), which the worker's copies are wrapped in.</summary>
    [Id(2)]
    public NormalizationSettings? Normalization { get; set; }
}

/// <summary>A worker's answer to <see cref="JoinRequest"/>.</summary>
[GenerateSerializer]
[Alias("SharpRL.Cluster.JoinReply")]
public sealed class JoinReply
{
    /// <summary>Whether the worker took the slice.</summary>
    [Id(0)]
    public bool Accepted { get; set; }

    /// <summary>Why not (names what differs and what was expected), when refused.</summary>
    [Id(1)]
    public string Reason { get; set; } = "";

    /// <summary>Machine name and process id, for logs.</summary>
    [Id(2)]
    public string Describe { get; set; } = "";
}

/// <summary>One iteration's request: collect a rollout with the weights of version <see cref="Version"/>.</summary>
[GenerateSerializer]
[Alias("SharpRL.Cluster.RolloutRequest")]
public sealed class RolloutRequest
{
    /// <summary>Weights version (the learner's iteration count).</summary>
    [Id(0)]
    public long Version { get; set; }

    /// <summary>The flat parameter vector, float32 little-endian (one block copy on the wire).</summary>
    [Id(1)]
    public byte[] Parameters { get; set; } = [];

    /// <summary>The learner's merged normaliser statistics, which the worker's rollout starts from (null: the run does not normalise).</summary>
    [Id(2)]
    public NormalizerStatistics? Statistics { get; set; }
}

/// <summary>
/// One worker's rollout: every field is a float32 little-endian block laid out step-major
/// <c>[steps × worker envs × size]</c>, exactly the worker's columns of the learner's RolloutBuffer.
/// </summary>
[GenerateSerializer]
[Alias("SharpRL.Cluster.RolloutResult")]
public sealed class RolloutResult
{
    /// <summary>The weights version the actions were chosen with.</summary>
    [Id(0)]
    public long Version { get; set; }

    /// <summary>s_t.</summary>
    [Id(1)]
    public byte[] Observations { get; set; } = [];

    /// <summary>a_t.</summary>
    [Id(2)]
    public byte[] Actions { get; set; } = [];

    /// <summary>Parameters of π_old(·|s_t).</summary>
    [Id(3)]
    public byte[] DistributionParameters { get; set; } = [];

    /// <summary>ln π_old(a_t|s_t).</summary>
    [Id(4)]
    public byte[] LogProbs { get; set; } = [];

    /// <summary>V(s_t).</summary>
    [Id(5)]
    public byte[] Values { get; set; } = [];

    /// <summary>V(s_{t+1}) (or of the final observation at a time-limit cut; 0 at termination).</summary>
    [Id(6)]
    public byte[] NextValues { get; set; } = [];

    /// <summary>r_t.</summary>
    [Id(7)]
    public byte[] Rewards { get; set; } = [];

    /// <summary>1 where step t terminated.</summary>
    [Id(8)]
    public byte[] Terminated { get; set; } = [];

    /// <summary>1 where step t was truncated.</summary>
    [Id(9)]
    public byte[] Truncated { get; set; } = [];

    /// <summary>Episodes that ended: (step, global env index, length) triples.</summary>
    [Id(10)]
    public int[] EpisodeSteps { get; set; } = [];

    /// <summary>Returns of those episodes.</summary>
    [Id(11)]
    public double[] EpisodeReturns { get; set; } = [];

    /// <summary>Seconds the worker spent collecting (env steps and acting).</summary>
    [Id(12)]
    public double CollectSeconds { get; set; }

    /// <summary>Moments of the samples this rollout added to the worker's normalisers (null: the run does not normalise).</summary>
    [Id(13)]
    public NormalizerStatistics? StatisticsDelta { get; set; }
}
