using SharpRL.Envs.Vector;

namespace SharpRL.Algorithms.Common;

/// <summary>Builds the vector env an on-policy run trains in: N copies, then the normalisers its options ask for.</summary>
public static class VectorEnvBuilder
{
    /// <summary>
    /// N = options.NumEnvs copies from <paramref name="factory"/>, stepped in one thread, on workers, or (with
    /// <paramref name="pool"/>) in an <see cref="EnvPool"/> in synchronous mode (batch = all copies, one worker
    /// thread per core up to the copies, SyncVectorEnv's results bit for bit: docs/env-pool.md), wrapped in
    /// shared observation and reward normalisation (SB3's VecNormalize) when enabled.
    /// </summary>
    public static IVectorEnv Build(Func<IEnv> factory, OnPolicyOptions options, bool parallel, bool pool = false)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(options);
        if (parallel && pool)
        {
            throw new ArgumentException("parallel and pool both choose how env copies are stepped; choose one.", nameof(pool));
        }

        IVectorEnv env = pool
            ? new EnvPool(factory, options.NumEnvs, Math.Min(options.NumEnvs, Environment.ProcessorCount))
            : parallel ? new ParallelVectorEnv(factory, options.NumEnvs) : new SyncVectorEnv(factory, options.NumEnvs);
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
