namespace SharpRL.Algorithms.Common;

/// <summary>
/// The per-sample quantities a batch's loss is built from, and the passes that fill them and carry
/// the loss's gradient back: ln π(a|s), H and KL(π_old ‖ π_θ) from the policy network with their
/// coefficients ∂L/∂(·) (filled by <see cref="Losses"/>), and V(s) from the value network with ∂L/∂V.
/// The policy side and the value side use disjoint buffers, so with separate networks they may run
/// on two threads at once. Allocated once for a capacity; the passes allocate nothing.
/// </summary>
public sealed class LossTerms
{
    private readonly ActorCriticPolicy _policy;
    private readonly float[] _logProb;
    private readonly float[] _entropy;
    private readonly float[] _kl;
    private readonly float[] _gradLogProb;
    private readonly float[] _gradEntropy;
    private readonly float[] _gradKl;
    private readonly float[] _gradDistributionParameters;
    private readonly float[] _value;
    private readonly float[] _gradValue;
    private int _policyRows;
    private int _valueRows;

    /// <summary>Allocates the terms of batches of up to <paramref name="capacity"/> samples for <paramref name="policy"/>.</summary>
    public LossTerms(ActorCriticPolicy policy, int capacity)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _policy = policy;
        Capacity = capacity;
        (_logProb, _gradLogProb) = (new float[capacity], new float[capacity]);
        (_entropy, _gradEntropy) = (new float[capacity], new float[capacity]);
        (_kl, _gradKl) = (new float[capacity], new float[capacity]);
        (_value, _gradValue) = (new float[capacity], new float[capacity]);
        _gradDistributionParameters = new float[capacity * policy.Distribution.ParameterSize];
    }

    /// <summary>The largest batch.</summary>
    public int Capacity { get; }

    /// <summary>ln π_θ(a|s) of the last <see cref="ForwardPolicy"/>.</summary>
    public ReadOnlySpan<float> LogProb => _logProb.AsSpan(0, _policyRows);

    /// <summary>H(π_θ(·|s)) of the last <see cref="ForwardPolicy"/>.</summary>
    public ReadOnlySpan<float> Entropy => _entropy.AsSpan(0, _policyRows);

    /// <summary>KL(π_old ‖ π_θ) of the last <see cref="ForwardPolicy"/> (when asked for).</summary>
    public ReadOnlySpan<float> Kl => _kl.AsSpan(0, _policyRows);

    /// <summary>∂L/∂ ln π_i, for a loss to fill.</summary>
    public Span<float> GradLogProb => _gradLogProb.AsSpan(0, _policyRows);

    /// <summary>∂L/∂H_i, for a loss to fill.</summary>
    public Span<float> GradEntropy => _gradEntropy.AsSpan(0, _policyRows);

    /// <summary>∂L/∂KL_i, for a loss to fill.</summary>
    public Span<float> GradKl => _gradKl.AsSpan(0, _policyRows);

    /// <summary>V_φ(s) of the last <see cref="ForwardValues"/>.</summary>
    public ReadOnlySpan<float> Value => _value.AsSpan(0, _valueRows);

    /// <summary>∂L/∂V_i, for a loss to fill.</summary>
    public Span<float> GradValue => _gradValue.AsSpan(0, _valueRows);

    /// <summary>
    /// Runs the policy network on the batch and fills ln π and H (and KL(π_old ‖ π_θ) when
    /// <paramref name="withKl"/>). Returns π_θ's distribution parameters, which <see cref="BackwardPolicy"/> needs.
    /// </summary>
    public ReadOnlySpan<float> ForwardPolicy(Minibatch batch, bool withKl = false)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int m = CheckRows(batch.Size);
        _policyRows = m;
        ReadOnlySpan<float> parameters = _policy.ForwardDistribution(batch.Observations, m, batch.ActionMasks);
        _policy.Distribution.LogProbAndEntropy(parameters, batch.Actions, _logProb, _entropy, m);
        if (withKl)
        {
            _policy.Distribution.Kl(batch.OldDistributionParameters, parameters, _kl, m);
        }

        return parameters;
    }

    /// <summary>
    /// Accumulates ∂L/∂θ_π = Σ_i (∂L/∂ ln π_i ∇ ln π_i + ∂L/∂KL_i ∇KL_i + ∂L/∂H_i ∇H_i) into the policy
    /// parameters' gradients (the caller zeroes them). Terms that were not used are skipped.
    /// </summary>
    /// <param name="batch">The batch of the last <see cref="ForwardPolicy"/>.</param>
    /// <param name="parameters">What <see cref="ForwardPolicy"/> returned.</param>
    /// <param name="withKl">Whether a KL term filled <see cref="GradKl"/>.</param>
    /// <param name="withEntropy">Whether an entropy term filled <see cref="GradEntropy"/> (false when c_e = 0).</param>
    public void BackwardPolicy(Minibatch batch, ReadOnlySpan<float> parameters, bool withKl, bool withEntropy)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int m = _policyRows;
        Span<float> gradParameters = _gradDistributionParameters.AsSpan(0, m * _policy.Distribution.ParameterSize);
        gradParameters.Clear();
        _policy.Distribution.LogProbBackward(parameters, batch.Actions, GradLogProb, gradParameters, m);
        if (withKl)
        {
            _policy.Distribution.KlBackward(batch.OldDistributionParameters, parameters, GradKl, gradParameters, m);
        }

        if (withEntropy)
        {
            _policy.Distribution.EntropyBackward(parameters, GradEntropy, gradParameters, m);
        }

        _policy.BackwardDistribution(gradParameters, m);
    }

    /// <summary>Runs the value network on the batch and fills <see cref="Value"/>.</summary>
    public ReadOnlySpan<float> ForwardValues(Minibatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _valueRows = CheckRows(batch.Size);
        _policy.ForwardValues(batch.Observations, _value, _valueRows);
        return Value;
    }

    /// <summary>Accumulates ∂L/∂φ = Σ_i ∂L/∂V_i ∇V_i into the value parameters' gradients.</summary>
    public void BackwardValues() => _policy.BackwardValues(GradValue, _valueRows);

    private int CheckRows(int rows) => rows > 0 && rows <= Capacity
        ? rows
        : throw new ArgumentException($"A batch of {rows} does not fit loss terms of capacity {Capacity}.", nameof(rows));
}
