namespace SharpRL.Algorithms.Common;

/// <summary>
/// Size checks of on-policy settings made before anything is allocated: counts whose products overflow,
/// layer widths that are not positive, and buffers or networks that would not fit in memory.
/// </summary>
internal static class OnPolicySizes
{
    // Per transition the rollout keeps observations, actions, distribution parameters and 8 scalars
    // (value, log-prob, reward, terminated, truncated, next value, advantage, return); minibatches and
    // layer caches hold about as much again.
    private const int ScalarsPerTransition = 8;
    private const double WorkingCopies = 2.0;

    // Each parameter has its value, its gradient and up to two optimizer moments; Jacobian-vector products
    // (NPG/TRPO) and the policy/value worker keep about two more copies.
    private const double CopiesPerParameter = 6.0;

    /// <summary>A smaller memory budget for tests that try many sizes (null: what the process may use).</summary>
    internal static long? MemoryLimitForTests { get; set; }

    /// <summary>Throws when n_envs × n_steps overflows, or a layer width is not positive, naming the setting.</summary>
    public static void CheckCounts(OnPolicyOptions options)
    {
        long rollout = (long)options.NumEnvs * options.NumSteps;
        if (options.NumEnvs > 0 && options.NumSteps > 0 && rollout > Array.MaxLength)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Settings n_envs × n_steps = {options.NumEnvs} × {options.NumSteps} = {rollout:N0} transitions per rollout is too many; a rollout holds at most {Array.MaxLength:N0}: lower n_steps or n_envs."));
        }

        CheckWidths("policy.pi_hidden", options.Policy.PolicyHiddenSizes);
        CheckWidths("policy.vf_hidden", options.Policy.ValueHiddenSizes);
    }

    /// <summary>Throws when the rollout buffer or the networks would not fit in the memory available to this process.</summary>
    public static void CheckMemory(OnPolicyOptions options, Space observationSpace, Space actionSpace)
    {
        long available = MemoryLimitForTests ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        long observationSize = observationSpace is Discrete d ? d.N : observationSpace.FlatSize;
        (long actionSize, long parameterSize) = actionSpace switch
        {
            Discrete discrete => (1L, (long)discrete.N),
            MultiDiscrete multi => (multi.Nvec.Count, multi.Nvec.Sum(n => (long)n)),
            _ => (actionSpace.FlatSize, 2L * actionSpace.FlatSize),
        };

        long rollout = (long)options.NumEnvs * options.NumSteps;
        double bufferBytes = WorkingCopies * rollout * (observationSpace.FlatSize + actionSize + parameterSize + ScalarsPerTransition) * sizeof(float);
        if (bufferBytes > available)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Settings n_envs × n_steps = {rollout:N0} transitions would need about {Gigabytes(bufferBytes)} for the rollout buffers, but {Gigabytes(available)} is available: lower n_steps or n_envs."));
        }

        (double policyParameters, long policyLargest) = Count(observationSize, options.Policy.PolicyHiddenSizes, parameterSize);
        (double valueParameters, long valueLargest) = Count(observationSize, options.Policy.ValueHiddenSizes, 1);
        string? key = policyLargest > Array.MaxLength ? "policy.pi_hidden" : valueLargest > Array.MaxLength ? "policy.vf_hidden" : null;
        if (key is not null)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Setting {key} gives a weight matrix of {Math.Max(policyLargest, valueLargest):N0} values; one matrix holds at most {Array.MaxLength:N0}: use narrower layers."));
        }

        // Layers cache their activations and gradients for a whole batch, and NPG/TRPO batch the whole rollout.
        double widths = options.Policy.PolicyHiddenSizes.Sum(w => (double)w) + options.Policy.ValueHiddenSizes.Sum(w => (double)w);
        double networkBytes = ((CopiesPerParameter * (policyParameters + valueParameters)) + (WorkingCopies * rollout * widths)) * sizeof(float);
        if (networkBytes > available)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Settings policy.pi_hidden = {string.Join(",", options.Policy.PolicyHiddenSizes)} and policy.vf_hidden = {string.Join(",", options.Policy.ValueHiddenSizes)} give {policyParameters + valueParameters:N0} parameters; with their gradients, optimizer state and the activations of a rollout of {rollout:N0} transitions that is about {Gigabytes(networkBytes)}, but {Gigabytes(available)} is available: use narrower layers (or a shorter rollout)."));
        }
    }

    /// <summary>Settings that are valid but probably not what was meant (printed as warnings).</summary>
    public static IEnumerable<string> Warnings(OnPolicyOptions options)
    {
        string? batch = OptionsBinder.Describe(options).FirstOrDefault(p => p.Key == "batch_size").Value;
        if (batch is not null && int.TryParse(batch, NumberStyles.None, CultureInfo.InvariantCulture, out int batchSize)
            && batchSize > 0 && options.RolloutSize % batchSize != 0)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"batch_size = {batchSize} does not divide the rollout n_envs × n_steps = {options.RolloutSize}: every epoch ends with a minibatch of {options.RolloutSize % batchSize} transitions (Stable-Baselines3 warns about this too).");
        }
    }

    private static void CheckWidths(string key, IReadOnlyList<int> widths)
    {
        if (widths.Any(w => w <= 0))
        {
            throw new ArgumentException($"Setting {key} = {string.Join(",", widths)} is invalid; expected positive layer widths, e.g. 64,64.");
        }
    }

    private static (double Parameters, long Largest) Count(long inputs, IReadOnlyList<int> hidden, long outputs)
    {
        double parameters = 0;
        long largest = 0, previous = inputs;
        foreach (long width in hidden.Append((int)Math.Min(outputs, int.MaxValue)))
        {
            double weights = (double)previous * width;
            parameters += weights + width;
            largest = Math.Max(largest, weights > long.MaxValue ? long.MaxValue : (long)weights);
            previous = width;
        }

        return (parameters, largest);
    }

    private static string Gigabytes(double bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1L << 30):F1} GiB");
}
