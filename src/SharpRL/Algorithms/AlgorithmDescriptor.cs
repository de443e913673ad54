namespace SharpRL.Algorithms;

/// <summary>How an algorithm trains: in an env with its current policy, in an env from a replay buffer, or from a fixed dataset.</summary>
public enum AlgorithmFamily
{
    /// <summary>Collects rollouts with the current policy and discards them after the update (PPO, TRPO, A2C, …).</summary>
    OnPolicy,

    /// <summary>Learns from a replay buffer of past transitions (DDPG, TD3, SAC).</summary>
    OffPolicy,

    /// <summary>Learns from recorded data (behaviour cloning, AWR on a dataset).</summary>
    FromData,
}

/// <summary>
/// Everything the run layer knows about one algorithm: its name, options type, defaults and presets, how
/// to build a learner and how to rebuild its policy from a checkpoint. Registered in
/// <see cref="AlgorithmRegistry"/>; see docs/run-layer.md. Use <see cref="AlgorithmDescriptor{TOptions}"/>
/// to write one.
/// </summary>
public abstract class AlgorithmDescriptor
{
    /// <summary>CLI name, lower case (e.g. "ppo"); also written into checkpoints.</summary>
    public abstract string Name { get; }

    /// <summary>One line for help texts.</summary>
    public abstract string Summary { get; }

    /// <summary>The algorithm's family.</summary>
    public abstract AlgorithmFamily Family { get; }

    /// <summary>What <see cref="ILearner.NumTimesteps"/> and the step budget count ("env steps" or "gradient steps").</summary>
    public abstract string ProgressUnit { get; }

    /// <summary>The options record type (the type --set keys are checked against).</summary>
    public abstract Type OptionsType { get; }

    /// <summary>The algorithm's default options (an instance of <see cref="OptionsType"/>).</summary>
    public abstract object DefaultOptions { get; }

    /// <summary>The tuned starting point for <paramref name="envId"/> (the defaults when there is none).</summary>
    public abstract Preset<object> GetPreset(string envId);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the setting when an option is out of range.</summary>
    public abstract void Validate(object options);

    /// <summary>Settings that are valid but probably not what was meant (printed as warnings before training).</summary>
    public virtual IReadOnlyList<string> GetWarnings(object options) => [];

    /// <summary>Builds a learner; resources it needs beyond itself (its env) are registered with <see cref="LearnerContext.Own{T}"/>.</summary>
    public abstract ILearner Create(LearnerContext context, object options);

    /// <summary>Rebuilds the trained policy from a checkpoint of this algorithm, for evaluation.</summary>
    public abstract IActingPolicy LoadPolicy(CheckpointData checkpoint, object options, Func<IEnv> makeEnv);

    /// <summary>Throws unless <paramref name="options"/> is of <see cref="OptionsType"/>.</summary>
    protected void RequireOptionsType(object options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.GetType() != OptionsType)
        {
            throw new ArgumentException($"Options of type {options.GetType().Name} do not fit algorithm '{Name}'; expected {OptionsType.Name}.", nameof(options));
        }
    }
}

/// <summary>
/// An <see cref="AlgorithmDescriptor"/> written with typed delegates: set the properties, register it.
/// </summary>
/// <typeparam name="TOptions">The algorithm's options record (immutable, rl-zoo snake_case keys via <c>OptionsBinder</c>).</typeparam>
public class AlgorithmDescriptor<TOptions> : AlgorithmDescriptor
    where TOptions : class
{
    /// <summary>Creates a descriptor.</summary>
    /// <param name="name">CLI name, lower case.</param>
    /// <param name="summary">One line for help texts.</param>
    /// <param name="family">The algorithm's family.</param>
    /// <param name="defaults">Default options.</param>
    /// <param name="factory">Builds the learner (and its env, handed to <see cref="LearnerContext.Own{T}"/>) from a context and validated options.</param>
    /// <param name="policyLoader">Rebuilds the trained policy from a checkpoint, given the options the run was trained with and a factory of the raw env.</param>
    public AlgorithmDescriptor(
        string name,
        string summary,
        AlgorithmFamily family,
        TOptions defaults,
        Func<LearnerContext, TOptions, ILearner> factory,
        Func<CheckpointData, TOptions, Func<IEnv>, IActingPolicy> policyLoader)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(policyLoader);
        if (name != name.ToLowerInvariant() || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            throw new ArgumentException($"Algorithm name '{name}' is invalid; expected lower-case letters, digits and '-'.", nameof(name));
        }

        Name = name;
        Summary = summary;
        Family = family;
        Defaults = defaults;
        Factory = factory;
        PolicyLoader = policyLoader;
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override string Summary { get; }

    /// <inheritdoc />
    public override AlgorithmFamily Family { get; }

    /// <inheritdoc />
    public override string ProgressUnit => Family == AlgorithmFamily.FromData ? "gradient steps" : "env steps";

    /// <summary>Default options.</summary>
    public TOptions Defaults { get; }

    /// <inheritdoc />
    public override Type OptionsType => Defaults.GetType();

    /// <inheritdoc />
    public override object DefaultOptions => Defaults;

    /// <summary>The preset for an env id (null: none, the defaults with <see cref="DefaultBudget"/> are used).</summary>
    public Func<string, Preset<TOptions>?> Presets { get; init; } = _ => null;

    /// <summary>Warnings about valid but doubtful settings (see <see cref="AlgorithmDescriptor.GetWarnings"/>).</summary>
    public Func<TOptions, IEnumerable<string>> Warnings { get; init; } = _ => [];

    /// <summary>Budget when no preset applies.</summary>
    public long DefaultBudget { get; init; } = 1_000_000;

    /// <summary>Range checks of the options (throw <see cref="ArgumentException"/> naming the setting).</summary>
    public Action<TOptions> ValidateOptions { get; init; } = _ => { };

    private Func<LearnerContext, TOptions, ILearner> Factory { get; }

    private Func<CheckpointData, TOptions, Func<IEnv>, IActingPolicy> PolicyLoader { get; }

    /// <inheritdoc />
    public override Preset<object> GetPreset(string envId)
    {
        ArgumentNullException.ThrowIfNull(envId);
        Preset<TOptions>? preset = Presets(envId);
        return preset is null
            ? new Preset<object>(Defaults, DefaultBudget, $"{Name} defaults")
            : new Preset<object>(preset.Options, preset.TotalTimesteps, preset.Source);
    }

    /// <inheritdoc />
    public override void Validate(object options)
    {
        RequireOptionsType(options);
        ValidateOptions((TOptions)options);
    }

    /// <inheritdoc />
    public override IReadOnlyList<string> GetWarnings(object options)
    {
        RequireOptionsType(options);
        return [.. Warnings((TOptions)options)];
    }

    /// <inheritdoc />
    public override ILearner Create(LearnerContext context, object options)
    {
        ArgumentNullException.ThrowIfNull(context);
        Validate(options);
        return Factory(context, (TOptions)options);
    }

    /// <inheritdoc />
    public override IActingPolicy LoadPolicy(CheckpointData checkpoint, object options, Func<IEnv> makeEnv)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(makeEnv);
        RequireOptionsType(options);
        return PolicyLoader(checkpoint, (TOptions)options, makeEnv);
    }
}

/// <summary>What a learner is built from: the env (as a factory of single copies), the seed, the metrics logger.</summary>
public sealed class LearnerContext : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    /// <summary>Creates a context.</summary>
    /// <param name="envId">The env's registered id.</param>
    /// <param name="makeEnv">Creates one fresh copy of the env (the learner decides how many and how they are wrapped).</param>
    /// <param name="seed">Seed of the run: every generator derives from it.</param>
    /// <param name="logger">Receives the metrics of every iteration.</param>
    /// <param name="parallel">Step env copies on worker threads.</param>
    public LearnerContext(string envId, Func<IEnv> makeEnv, int seed, MetricsLogger logger, bool parallel)
    {
        ArgumentNullException.ThrowIfNull(envId);
        ArgumentNullException.ThrowIfNull(makeEnv);
        ArgumentNullException.ThrowIfNull(logger);
        EnvId = envId;
        MakeEnv = makeEnv;
        Seed = seed;
        Logger = logger;
        Parallel = parallel;
    }

    /// <summary>The env's registered id.</summary>
    public string EnvId { get; }

    /// <summary>Creates one fresh copy of the env.</summary>
    public Func<IEnv> MakeEnv { get; }

    /// <summary>Seed of the run.</summary>
    public int Seed { get; }

    /// <summary>Receives the metrics of every iteration.</summary>
    public MetricsLogger Logger { get; }

    /// <summary>Step env copies on worker threads.</summary>
    public bool Parallel { get; }

    /// <summary>Step on-policy env copies in a synchronous EnvPool (same results as one thread).</summary>
    public bool Pool { get; init; }

    /// <summary>Hands <paramref name="resource"/> (e.g. the learner's vector env) to the run, which disposes it after the learner.</summary>
    public T Own<T>(T resource)
        where T : IDisposable
    {
        ArgumentNullException.ThrowIfNull(resource);
        _owned.Add(resource);
        return resource;
    }

    /// <summary>Disposes what was handed over with <see cref="Own{T}"/>, last first.</summary>
    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _owned.Clear();
    }
}
