namespace SharpRL.Algorithms.Common;

/// <summary>
/// <see cref="OnPolicyAlgorithm"/> with its settings typed: an algorithm derives from
/// <c>OnPolicyAlgorithm&lt;PpoOptions&gt;</c> and reads <see cref="Options"/> as its own record, so the
/// settings exist once, typed once, and are validated once (by the base constructor).
/// </summary>
/// <typeparam name="TOptions">The algorithm's settings record.</typeparam>
public abstract class OnPolicyAlgorithm<TOptions> : OnPolicyAlgorithm
    where TOptions : OnPolicyOptions
{
    /// <summary>Validates <paramref name="options"/>, then creates the policy and buffers for <paramref name="env"/>.</summary>
    protected OnPolicyAlgorithm(IVectorEnv env, TOptions options, int seed, MetricsLogger? logger)
        : base(env, options, seed, logger)
    {
        Options = options;
    }

    /// <summary>The algorithm's settings.</summary>
    public new TOptions Options { get; }
}
