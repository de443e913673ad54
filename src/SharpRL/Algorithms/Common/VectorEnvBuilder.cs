using SharpRL.Envs;
using SharpRL.Envs.Vector;

namespace SharpRL.Algorithms.Common;

/// <summary>Builds the vector env an on-policy run trains in: N copies, then the normalisers its options ask for.</summary>
public static class VectorEnvBuilder
{
    /// <summary>
    /// N = options.NumEnvs copies from <paramref name="factory"/>, stepped in one thread or on workers,
    /// wrapped in shared observation and reward normalisation (SB3's VecNormalize) when enabled.
    /// </summary>
    public static IVectorEnv Build(Func<IEnv> factory, OnPolicyOptions options, bool parallel)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(options);
        IVectorEnv env = parallel ? new ParallelVectorEnv(factory, options.NumEnvs) : new SyncVectorEnv(factory, options.NumEnvs);
        if (options.NormalizeObservations)
        {
            env = new VectorNormalizeObservation(env);
        }

        if (options.NormalizeRewards)
        {
            env = new VectorNormalizeReward(env, options.Gamma);
        }

        return env;
    }

    /// <summary>The outermost layer of type <typeparamref name="T"/> in a stack of vector wrappers, or null.</summary>
    public static T? FindLayer<T>(IVectorEnv env)
        where T : class, IVectorEnv
    {
        for (IVectorEnv? current = env; current is not null; current = (current as VectorWrapper)?.Env)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }
}
