namespace SharpRL.Algorithms.Common;

/// <summary>An on-policy algorithm's descriptor, which can also build the algorithm on a vector env the caller owns.</summary>
public interface IOnPolicyDescriptor
{
    /// <summary>Creates the algorithm on <paramref name="env"/> (which the caller keeps and disposes).</summary>
    OnPolicyAlgorithm CreateOnVectorEnv(IVectorEnv env, OnPolicyOptions options, int seed, MetricsLogger? logger);
}

/// <summary>Builds the descriptor of an on-policy algorithm (see <see cref="OnPolicyDescriptor{TOptions}"/>).</summary>
public static class OnPolicyDescriptor
{
    /// <summary>The descriptor of the on-policy algorithm <paramref name="name"/>, built by <paramref name="create"/>.</summary>
    public static OnPolicyDescriptor<TOptions> Create<TOptions>(string name, string summary, TOptions defaults, Func<IVectorEnv, TOptions, int, MetricsLogger?, OnPolicyAlgorithm> create)
        where TOptions : OnPolicyOptions
        => new(name, summary, defaults, create);
}

/// <summary>
/// The run layer's view of an on-policy algorithm: its env is <see cref="VectorEnvBuilder.Build"/>'s stack
/// (n_envs copies and the normalisers its options ask for), its presets are <see cref="Presets.For"/>'s,
/// its checkpoint state is <see cref="OnPolicyAlgorithm"/>'s <see cref="ILearner"/> implementation.
/// </summary>
/// <typeparam name="TOptions">The algorithm's options record.</typeparam>
public sealed class OnPolicyDescriptor<TOptions> : AlgorithmDescriptor<TOptions>, IOnPolicyDescriptor
    where TOptions : OnPolicyOptions
{
    private readonly Func<IVectorEnv, TOptions, int, MetricsLogger?, OnPolicyAlgorithm> _create;

    /// <summary>Creates the descriptor.</summary>
    /// <param name="name">CLI name.</param>
    /// <param name="summary">One line for help texts.</param>
    /// <param name="defaults">Default options.</param>
    /// <param name="create">Builds the algorithm on a vector env.</param>
    public OnPolicyDescriptor(string name, string summary, TOptions defaults, Func<IVectorEnv, TOptions, int, MetricsLogger?, OnPolicyAlgorithm> create)
        : base(name, summary, AlgorithmFamily.OnPolicy, defaults, (context, options) => Create(context, options, create), OnPolicyAlgorithm.LoadActingPolicy)
    {
        ArgumentNullException.ThrowIfNull(create);
        _create = create;
        Presets = envId =>
        {
            Preset preset = SharpRL.Algorithms.Presets.For(name, envId);
            return new Preset<TOptions>((TOptions)preset.Options, preset.TotalTimesteps, preset.Source);
        };
        ValidateOptions = options => options.Validate();
        Warnings = OnPolicySizes.Warnings;
    }

    /// <inheritdoc />
    public OnPolicyAlgorithm CreateOnVectorEnv(IVectorEnv env, OnPolicyOptions options, int seed, MetricsLogger? logger)
    {
        ArgumentNullException.ThrowIfNull(env);
        RequireOptionsType(options);
        return _create(env, (TOptions)options, seed, logger);
    }

    private static OnPolicyAlgorithm Create(LearnerContext context, TOptions options, Func<IVectorEnv, TOptions, int, MetricsLogger?, OnPolicyAlgorithm> create)
    {
        IVectorEnv env = context.Own(VectorEnvBuilder.Build(context.MakeEnv, options, context.Parallel, context.Pool));

        // Refuse what would not fit in memory before allocating it, with the size it would take.
        OnPolicySizes.CheckMemory(options, env.SingleObservationSpace, env.SingleActionSpace);
        return create(env, options, context.Seed, context.Logger);
    }
}
