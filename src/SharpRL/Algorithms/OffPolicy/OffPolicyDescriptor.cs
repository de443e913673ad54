using SharpRL.Envs.Vector;

namespace SharpRL.Algorithms.OffPolicy;

/// <summary>
/// The run layer's descriptor of an off-policy algorithm (TD3, DDPG, SAC): the learner runs on n_envs copies
/// stepped in one <see cref="SyncVectorEnv"/>, its options are checked by <see cref="OffPolicyOptions.Validate"/>
/// and its presets come from <see cref="ZooPresets"/>.
/// </summary>
/// <typeparam name="TOptions">The algorithm's options record.</typeparam>
public sealed class OffPolicyDescriptor<TOptions> : AlgorithmDescriptor<TOptions>
    where TOptions : OffPolicyOptions
{
    /// <summary>Creates the descriptor.</summary>
    /// <param name="name">CLI name, e.g. "td3".</param>
    /// <param name="summary">One line for help texts.</param>
    /// <param name="defaults">Default options.</param>
    /// <param name="create">Builds the algorithm on a vector env (env, options, seed, logger).</param>
    /// <param name="loadPolicy">Rebuilds the acting policy from a checkpoint.</param>
    /// <param name="presets">The rl-zoo preset of an env id, or null.</param>
    public OffPolicyDescriptor(
        string name,
        string summary,
        TOptions defaults,
        Func<IVectorEnv, TOptions, int, MetricsLogger, OffPolicyAlgorithm> create,
        Func<CheckpointData, TOptions, Func<IEnv>, IActingPolicy> loadPolicy,
        Func<string, Preset<TOptions>?> presets)
        : base(
            name,
            summary,
            AlgorithmFamily.OffPolicy,
            defaults,
            (context, options) => create(context.Own(new SyncVectorEnv(context.MakeEnv, options.NumEnvs)), options, context.Seed, context.Logger),
            loadPolicy)
    {
        ValidateOptions = options => options.Validate();
        Presets = presets;
        DefaultBudget = 1_000_000;
    }
}
