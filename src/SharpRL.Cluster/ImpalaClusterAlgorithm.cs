using SharpRL.Algorithms;
using SharpRL.Algorithms.Impala;
using SharpRL.Envs;

namespace SharpRL.Cluster;

/// <summary>
/// The run layer's descriptor of IMPALA whose actors are cluster workers (<c>impala-cluster</c>, what
/// <c>sharprl cluster learner impala</c> trains): the IMPALA learner and its checkpoints, with an
/// <see cref="ImpalaClusterSource"/> in place of the local actor threads. num_actors is the worker count.
/// A run folder it writes evaluates like an <c>impala</c> one (the same acting policy).
/// </summary>
public static class ImpalaClusterAlgorithm
{
    /// <summary>The algorithm's name in run folders and checkpoints.</summary>
    public const string Name = "impala-cluster";

    private static readonly AsyncLocal<ClusterLearnerContext?> Current = new();

    /// <summary>The descriptor.</summary>
    public static AlgorithmDescriptor Descriptor { get; } = new AlgorithmDescriptor<ImpalaOptions>(
        Name,
        "IMPALA with its actors on Orleans worker silos (sharprl cluster learner impala)",
        AlgorithmFamily.OnPolicy,
        new ImpalaOptions(),
        (context, options) =>
        {
            ClusterLearnerContext cluster = Current.Value
                ?? throw new ArgumentException($"'{Name}' trains only inside a learner silo: run `sharprl cluster learner impala ENV --workers N` (or `sharprl train impala` for actor threads in one process).");
            using IEnv probe = context.MakeEnv();
            ImpalaClusterSource source = context.Own(new ImpalaClusterSource(cluster.Services, options, context.EnvId, probe.ObservationSpace, probe.ActionSpace, context.Seed, cluster.Log)
            {
                JoinTimeout = cluster.JoinTimeout,
                ChunkTimeout = cluster.ChunkTimeout,
            });
            cluster.Source = source;
            return new ImpalaLearner(source, probe.ObservationSpace, probe.ActionSpace, options, context.Seed, context.Logger);
        },
        (checkpoint, options, makeEnv) => ImpalaLearner.LoadActingPolicy(checkpoint, options, makeEnv))
    {
        ValidateOptions = options => options.Validate(),
        Presets = ImpalaPresets.For,
        DefaultBudget = 1_000_000,
    };

    /// <summary>Adds the descriptor to <see cref="AlgorithmRegistry"/> (once; later calls do nothing).</summary>
    public static void Register()
    {
        if (!AlgorithmRegistry.Contains(Name))
        {
            AlgorithmRegistry.Register(Descriptor);
        }
    }

    /// <summary>
    /// Makes runs created on this async flow until the result is disposed use <paramref name="context"/>'s
    /// learner silo (the run layer builds the learner through <see cref="Descriptor"/>).
    /// </summary>
    public static IDisposable Use(ClusterLearnerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Current.Value = context;
        return new Reset();
    }

    private sealed class Reset : IDisposable
    {
        public void Dispose() => Current.Value = null;
    }
}

/// <summary>The learner silo an <c>impala-cluster</c> run uses, and the source it got (set when the learner is built).</summary>
/// <param name="Services">The learner silo's services.</param>
/// <param name="Log">Joins, refusals, dropped batches.</param>
public sealed record ClusterLearnerContext(IServiceProvider Services, Action<string> Log)
{
    /// <summary>How long to wait for the workers.</summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long the learner waits for a chunk before giving up.</summary>
    public TimeSpan ChunkTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The run's source, once the learner is built.</summary>
    public ImpalaClusterSource? Source { get; set; }
}
