namespace SharpRL.Algorithms.Common;

/// <summary>
/// The transitions one loss is computed on: rows of a <see cref="RolloutBuffer"/> copied side by side
/// (a shuffled minibatch, or the whole rollout in order), with the advantages standardised over these
/// rows when asked. Every algorithm reads its batch from here, so the gather and the normalisation are
/// written once. Allocated once for a capacity; a gather allocates nothing.
/// </summary>
public sealed class Minibatch
{
    private readonly float[] _observations;
    private readonly float[] _actions;
    private readonly float[] _oldDistributionParameters;
    private readonly float[] _logProbOld;
    private readonly float[] _advantages;
    private readonly float[] _returns;
    private readonly float[] _valuesOld;
    private readonly bool[] _actionMasks;

    /// <summary>Allocates room for <paramref name="capacity"/> transitions shaped like <paramref name="buffer"/>'s.</summary>
    public Minibatch(RolloutBuffer buffer, int capacity)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (capacity <= 0 || capacity > buffer.Size)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"capacity must be in [1, rollout size {buffer.Size}]; got {capacity}.");
        }

        Capacity = capacity;
        (ObservationSize, ActionSize, DistributionParameterSize) = (buffer.ObservationSize, buffer.ActionSize, buffer.DistributionParameterSize);
        _observations = new float[capacity * ObservationSize];
        _actions = new float[capacity * ActionSize];
        _oldDistributionParameters = new float[capacity * DistributionParameterSize];
        (_logProbOld, _advantages) = (new float[capacity], new float[capacity]);
        (_returns, _valuesOld) = (new float[capacity], new float[capacity]);
        ActionMaskSize = buffer.ActionMaskSize;
        _actionMasks = new bool[capacity * ActionMaskSize];
    }

    /// <summary>Action-mask flags per transition (0 when the rollout has no masks).</summary>
    public int ActionMaskSize { get; }

    /// <summary>The masks the actions were drawn under, [m × actionMaskSize]; empty when the rollout has none.</summary>
    public ReadOnlySpan<bool> ActionMasks => _actionMasks.AsSpan(0, Size * ActionMaskSize);

    /// <summary>The most transitions a gather may hold.</summary>
    public int Capacity { get; }

    /// <summary>Transitions gathered by the last call (m).</summary>
    public int Size { get; private set; }

    /// <summary>Floats per observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Floats per stored action.</summary>
    public int ActionSize { get; }

    /// <summary>Distribution parameters per transition.</summary>
    public int DistributionParameterSize { get; }

    /// <summary>s, [m × observationSize].</summary>
    public ReadOnlySpan<float> Observations => _observations.AsSpan(0, Size * ObservationSize);

    /// <summary>a as sampled, [m × actionSize].</summary>
    public ReadOnlySpan<float> Actions => _actions.AsSpan(0, Size * ActionSize);

    /// <summary>Parameters of π_old(·|s), [m × distributionParameterSize] (writable so tests can move π_old).</summary>
    public Span<float> OldDistributionParameters => _oldDistributionParameters.AsSpan(0, Size * DistributionParameterSize);

    /// <summary>ln π_old(a|s) (writable so tests can construct ratios ≠ 1).</summary>
    public Span<float> LogProbOld => _logProbOld.AsSpan(0, Size);

    /// <summary>Â, standardised over the batch when the gather was asked to.</summary>
    public ReadOnlySpan<float> Advantages => _advantages.AsSpan(0, Size);

    /// <summary>Return targets R = Â + V_old (from the raw advantages).</summary>
    public ReadOnlySpan<float> Returns => _returns.AsSpan(0, Size);

    /// <summary>V_old(s), the values the rollout was collected with.</summary>
    public ReadOnlySpan<float> ValuesOld => _valuesOld.AsSpan(0, Size);

    /// <summary>Copies the transitions at <paramref name="indices"/> of <paramref name="buffer"/> into the batch.</summary>
    /// <param name="buffer">The rollout.</param>
    /// <param name="indices">Row indices into the rollout; at most <see cref="Capacity"/>.</param>
    /// <param name="normalizeAdvantage">Standardise Â over these rows (PPO's per-minibatch normalisation).</param>
    public void Gather(RolloutBuffer buffer, ReadOnlySpan<int> indices, bool normalizeAdvantage)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (indices.Length > Capacity)
        {
            throw new ArgumentException($"{indices.Length} indices do not fit a minibatch of capacity {Capacity}.", nameof(indices));
        }

        Size = indices.Length;
        int o = ObservationSize, a = ActionSize, p = DistributionParameterSize;
        for (int j = 0; j < indices.Length; j++)
        {
            int i = indices[j];
            buffer.Observations.AsSpan(i * o, o).CopyTo(_observations.AsSpan(j * o, o));
            buffer.Actions.AsSpan(i * a, a).CopyTo(_actions.AsSpan(j * a, a));
            buffer.OldDistributionParameters.AsSpan(i * p, p).CopyTo(_oldDistributionParameters.AsSpan(j * p, p));
            _logProbOld[j] = buffer.LogProbs[i];
            _advantages[j] = buffer.Advantages[i];
            _returns[j] = buffer.Returns[i];
            _valuesOld[j] = buffer.Values[i];
        }

        int k = ActionMaskSize;
        for (int j = 0; j < indices.Length && k > 0; j++)
        {
            buffer.ActionMasks.AsSpan(indices[j] * k, k).CopyTo(_actionMasks.AsSpan(j * k, k));
        }

        Normalize(normalizeAdvantage);
    }

    /// <summary>Copies the whole rollout, in order (the full-batch updates of REINFORCE, A2C, NPG and TRPO).</summary>
    /// <param name="buffer">The rollout; its size must equal <see cref="Capacity"/>.</param>
    /// <param name="normalizeAdvantage">Standardise Â over the whole rollout.</param>
    public void GatherAll(RolloutBuffer buffer, bool normalizeAdvantage)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.Size != Capacity)
        {
            throw new ArgumentException($"The rollout holds {buffer.Size} transitions; this batch was sized for {Capacity}.", nameof(buffer));
        }

        Size = Capacity;
        buffer.Observations.CopyTo(_observations, 0);
        buffer.Actions.CopyTo(_actions, 0);
        buffer.OldDistributionParameters.CopyTo(_oldDistributionParameters, 0);
        buffer.LogProbs.CopyTo(_logProbOld, 0);
        buffer.Advantages.CopyTo(_advantages, 0);
        buffer.Returns.CopyTo(_returns, 0);
        buffer.Values.CopyTo(_valuesOld, 0);
        buffer.ActionMasks.CopyTo(_actionMasks, 0);
        Normalize(normalizeAdvantage);
    }

    private void Normalize(bool normalizeAdvantage)
    {
        if (normalizeAdvantage)
        {
            AdvantageNormalization.NormalizeInPlace(_advantages.AsSpan(0, Size));
        }
    }
}
