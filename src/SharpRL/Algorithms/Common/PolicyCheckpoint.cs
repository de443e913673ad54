namespace SharpRL.Algorithms.Common;

/// <summary>
/// The checkpoint pieces that learners write alike: an optimizer's step count and moments under
/// <c>optimizer.&lt;name&gt;.</c> (every learner), an <see cref="ActorCriticPolicy"/>'s weights under <c>policy.</c>
/// with its spaces (on-policy, IMPALA, behavior cloning, AWR), and for behavior cloning and AWR the policy rebuilt
/// for <c>sharprl eval</c>.
/// </summary>
internal static class PolicyCheckpoint
{
    /// <summary>Prefix of the policy's tensors.</summary>
    public const string PolicyPrefix = "policy.";

    /// <summary>Adds the policy's weights to <paramref name="state"/> (in parameter order) and records its spaces.</summary>
    public static void SavePolicy(LearnerState state, ActorCriticPolicy policy)
    {
        state.Tensors.AddRange(policy.Parameters.Select(p => SafeTensor.FromParameter(p, PolicyPrefix)));
        state.ObservationSpace = policy.ObservationSpace.ToString();
        state.ActionSpace = policy.ActionSpace.ToString();
    }

    /// <summary>Checks the checkpoint was saved for the policy's spaces, then loads its weights.</summary>
    /// <exception cref="CheckpointException">The spaces differ or a tensor is missing or misshapen.</exception>
    public static void LoadPolicy(CheckpointData checkpoint, ActorCriticPolicy policy)
    {
        if (checkpoint.ObservationSpace != policy.ObservationSpace.ToString() || checkpoint.ActionSpace != policy.ActionSpace.ToString())
        {
            throw new CheckpointException($"Checkpoint {checkpoint.SourcePath} was saved for observations {checkpoint.ObservationSpace} and actions {checkpoint.ActionSpace}; this env has {policy.ObservationSpace} and {policy.ActionSpace}.");
        }

        checkpoint.LoadParameters(policy.Parameters, PolicyPrefix);
    }

    /// <summary>Adds the optimizer's step count (counter <c>optimizer.name.steps</c>) and moments (tensors <c>optimizer.name.buffer.i</c>).</summary>
    public static void SaveOptimizer(LearnerState state, string name, IOptimizer<float> optimizer)
    {
        OptimizerState<float> saved = optimizer.SaveState();
        state.Counters[$"optimizer.{name}.steps"] = saved.StepCount;
        foreach ((string buffer, float[][] perParameter) in saved.Buffers.OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            for (int i = 0; i < perParameter.Length; i++)
            {
                state.Tensors.Add(SafeTensor.Create<float>($"optimizer.{name}.{buffer}.{i}", perParameter[i], perParameter[i].Length));
            }
        }
    }

    /// <summary>Restores what <see cref="SaveOptimizer"/> wrote into an optimizer over same-shaped parameters.</summary>
    /// <exception cref="CheckpointException">A counter or tensor is missing or misshapen.</exception>
    public static void LoadOptimizer(CheckpointData checkpoint, string name, IOptimizer<float> optimizer)
        => optimizer.LoadState(ReadOptimizer(checkpoint, name, optimizer));

    /// <summary>
    /// Reads what <see cref="SaveOptimizer"/> wrote, shaped like <paramref name="optimizer"/>'s buffers, without
    /// applying it (for learners that check the whole checkpoint before changing anything).
    /// </summary>
    /// <exception cref="CheckpointException">A counter or tensor is missing or misshapen.</exception>
    public static OptimizerState<float> ReadOptimizer(CheckpointData checkpoint, string name, IOptimizer<float> optimizer)
    {
        var buffers = new Dictionary<string, float[][]>(StringComparer.Ordinal);
        foreach ((string buffer, float[][] perParameter) in optimizer.SaveState().Buffers)
        {
            buffers[buffer] = [.. perParameter.Select((p, i) =>
            {
                float[] values = new float[p.Length];
                checkpoint.CopyTensorTo<float>($"optimizer.{name}.{buffer}.{i}", values, [p.Length]);
                return values;
            })];
        }

        return new OptimizerState<float>(checkpoint.GetCount($"optimizer.{name}.steps"), buffers);
    }

    /// <summary>Rebuilds the trained policy from its checkpoint, acting in one raw env (for <c>sharprl eval</c>).</summary>
    public static IActingPolicy LoadActingPolicy(CheckpointData checkpoint, PolicyOptions options, Func<IEnv> makeEnv)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(makeEnv);
        using IEnv env = makeEnv();
        var policy = new ActorCriticPolicy(env.ObservationSpace, env.ActionSpace, options, new Random(0));
        LoadPolicy(checkpoint, policy);
        return new ActorCriticActingPolicy(policy, env.ObservationSpace, null);
    }
}
