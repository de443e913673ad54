using System.Numerics;

namespace SharpRL.Distributions;

/// <summary>
/// Independent categoricals, one per component of a MultiDiscrete action: component k has
/// nvec[k] categories and its own logits; a row holds all components' logits concatenated
/// (Σ nvec numbers) and an action holds one category index per component (nvec.Length numbers).
/// </summary>
/// <remarks>
/// Independence makes π(a) = Π_k π_k(a_k), so ln π, H and KL are sums over components, and each
/// gradient is the <see cref="Categorical{T}"/> gradient on that component's logits (the other
/// components' terms do not depend on them). The Fisher matrix is block-diagonal, one
/// diag(p_k) − p_k p_kᵀ block per component.
/// </remarks>
/// <typeparam name="T">float for training, double for finite-difference checks.</typeparam>
public sealed class MultiCategorical<T> : IDistribution<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int[] _categoryCounts;
    private readonly int[] _offsets;

    /// <summary>Creates independent categoricals with nvec[k] categories for component k.</summary>
    /// <param name="nvec">Categories per component (Gymnasium's MultiDiscrete.nvec); non-empty, every entry positive.</param>
    public MultiCategorical(int[] nvec)
    {
        ArgumentNullException.ThrowIfNull(nvec);
        if (nvec.Length == 0)
        {
            throw new ArgumentException("nvec is empty; expected at least one component.", nameof(nvec));
        }

        _categoryCounts = (int[])nvec.Clone();
        _offsets = new int[nvec.Length];
        int offset = 0;
        for (int k = 0; k < nvec.Length; k++)
        {
            if (nvec[k] <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(nvec), nvec[k], $"nvec[{k}] is {nvec[k]}; expected a positive number of categories.");
            }

            _offsets[k] = offset;
            offset = checked(offset + nvec[k]);
        }

        ParameterSize = offset;
    }

    /// <summary>Categories per component.</summary>
    public IReadOnlyList<int> CategoryCounts => _categoryCounts;

    /// <inheritdoc />
    public int ParameterSize { get; }

    /// <inheritdoc />
    public int ActionSize => _categoryCounts.Length;

    /// <inheritdoc />
    /// <remarks>One <see cref="Random.NextDouble"/> per component, row-major (row 0's components first).</remarks>
    public void Sample(ReadOnlySpan<T> parameters, Span<T> actions, int batchSize, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckLogits(parameters, batchSize);
        CheckActionsLength(actions.Length, batchSize);
        for (int i = 0; i < batchSize; i++)
        {
            for (int k = 0; k < ActionSize; k++)
            {
                actions[(i * ActionSize) + k] = T.CreateChecked(CategoricalMath.Sample(Component(parameters, i, k), random.NextDouble()));
            }
        }
    }

    /// <inheritdoc />
    public void Mode(ReadOnlySpan<T> parameters, Span<T> actions, int batchSize)
    {
        CheckLogits(parameters, batchSize);
        CheckActionsLength(actions.Length, batchSize);
        for (int i = 0; i < batchSize; i++)
        {
            for (int k = 0; k < ActionSize; k++)
            {
                actions[(i * ActionSize) + k] = T.CreateChecked(CategoricalMath.ArgMax(Component(parameters, i, k)));
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>ln π(a) = Σ_k (z_k,a_k − lse(z_k)).</remarks>
    public void LogProb(ReadOnlySpan<T> parameters, ReadOnlySpan<T> actions, Span<T> logProb, int batchSize)
    {
        CheckLogits(parameters, batchSize);
        CheckActionsLength(actions.Length, batchSize);
        DistributionArguments.CheckPerRow(logProb.Length, batchSize, nameof(logProb));
        for (int i = 0; i < batchSize; i++)
        {
            T sum = T.Zero;
            for (int k = 0; k < ActionSize; k++)
            {
                sum += CategoricalMath.LogProb(Component(parameters, i, k), Category(actions, i, k));
            }

            logProb[i] = sum;
        }
    }

    /// <inheritdoc />
    /// <remarks>H = Σ_k H(p_k).</remarks>
    public void Entropy(ReadOnlySpan<T> parameters, Span<T> entropy, int batchSize)
    {
        CheckLogits(parameters, batchSize);
        DistributionArguments.CheckPerRow(entropy.Length, batchSize, nameof(entropy));
        for (int i = 0; i < batchSize; i++)
        {
            T sum = T.Zero;
            for (int k = 0; k < ActionSize; k++)
            {
                sum += CategoricalMath.Entropy(Component(parameters, i, k));
            }

            entropy[i] = sum;
        }
    }

    /// <inheritdoc />
    /// <remarks>KL(p‖q) = Σ_k KL(p_k‖q_k).</remarks>
    public void Kl(ReadOnlySpan<T> p, ReadOnlySpan<T> q, Span<T> kl, int batchSize)
    {
        DistributionArguments.CheckKl(p, q, batchSize, ParameterSize);
        DistributionArguments.CheckPerRow(kl.Length, batchSize, nameof(kl));
        for (int i = 0; i < batchSize; i++)
        {
            kl[i] = RowKl(p, q, i, clampComponents: true);
        }
    }

    /// <summary>KL(p_i‖q_i) of row <paramref name="i"/>, the components' KLs as computed, before any clamp (tests check its sign).</summary>
    internal T KlUnclamped(ReadOnlySpan<T> p, ReadOnlySpan<T> q, int i) => RowKl(p, q, i, clampComponents: false);

    private T RowKl(ReadOnlySpan<T> p, ReadOnlySpan<T> q, int i, bool clampComponents)
    {
        T sum = T.Zero;
        for (int k = 0; k < ActionSize; k++)
        {
            ReadOnlySpan<T> pk = Component(p, i, k);
            ReadOnlySpan<T> qk = Component(q, i, k);
            sum += clampComponents ? CategoricalMath.Kl(pk, qk) : CategoricalMath.KlUnclamped(pk, qk);
        }

        return sum;
    }

    /// <inheritdoc />
    /// <remarks>On component k's logits: ∂ ln π(a) / ∂ z_k = onehot(a_k) − p_k (see <see cref="Categorical{T}.LogProbBackward"/>).</remarks>
    public void LogProbBackward(ReadOnlySpan<T> parameters, ReadOnlySpan<T> actions, ReadOnlySpan<T> coefficient, Span<T> gradParameters, int batchSize)
    {
        CheckLogits(parameters, batchSize);
        CheckActionsLength(actions.Length, batchSize);
        DistributionArguments.CheckBackward(coefficient.Length, gradParameters.Length, batchSize, ParameterSize, nameof(gradParameters));
        for (int i = 0; i < batchSize; i++)
        {
            for (int k = 0; k < ActionSize; k++)
            {
                CategoricalMath.LogProbBackward(Component(parameters, i, k), Category(actions, i, k), coefficient[i], GradComponent(gradParameters, i, k));
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>On component k's logits: ∂H/∂z_k = −p_k ⊙ (ln p_k + H(p_k)) (see <see cref="Categorical{T}.EntropyBackward"/>).</remarks>
    public void EntropyBackward(ReadOnlySpan<T> parameters, ReadOnlySpan<T> coefficient, Span<T> gradParameters, int batchSize)
    {
        CheckLogits(parameters, batchSize);
        DistributionArguments.CheckBackward(coefficient.Length, gradParameters.Length, batchSize, ParameterSize, nameof(gradParameters));
        for (int i = 0; i < batchSize; i++)
        {
            for (int k = 0; k < ActionSize; k++)
            {
                CategoricalMath.EntropyBackward(Component(parameters, i, k), coefficient[i], GradComponent(gradParameters, i, k));
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>On component k's logits: ∂KL/∂z_q,k = softmax(z_q,k) − p_k (see <see cref="Categorical{T}.KlBackward"/>).</remarks>
    public void KlBackward(ReadOnlySpan<T> p, ReadOnlySpan<T> q, ReadOnlySpan<T> coefficient, Span<T> gradQ, int batchSize)
    {
        DistributionArguments.CheckKlBackward(p, q, coefficient.Length, gradQ.Length, batchSize, ParameterSize);
        for (int i = 0; i < batchSize; i++)
        {
            for (int k = 0; k < ActionSize; k++)
            {
                CategoricalMath.KlBackward(Component(p, i, k), Component(q, i, k), coefficient[i], GradComponent(gradQ, i, k));
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>Block-diagonal: component k's block is diag(p_k) − p_k p_kᵀ, applied as p_k ⊙ v_k − p_k (p_k·v_k).</remarks>
    public void FisherVectorProduct(ReadOnlySpan<T> parameters, ReadOnlySpan<T> vector, Span<T> result, int batchSize)
    {
        CheckLogits(parameters, batchSize);
        DistributionArguments.CheckLength(vector.Length, batchSize, ParameterSize, nameof(ParameterSize), nameof(vector));
        DistributionArguments.CheckLength(result.Length, batchSize, ParameterSize, nameof(ParameterSize), nameof(result));
        for (int i = 0; i < batchSize; i++)
        {
            for (int k = 0; k < ActionSize; k++)
            {
                CategoricalMath.FisherVectorProduct(Component(parameters, i, k), Component(vector, i, k), GradComponent(result, i, k));
            }
        }
    }

    private ReadOnlySpan<T> Component(ReadOnlySpan<T> rows, int i, int k)
        => rows.Slice((i * ParameterSize) + _offsets[k], _categoryCounts[k]);

    private Span<T> GradComponent(Span<T> rows, int i, int k)
        => rows.Slice((i * ParameterSize) + _offsets[k], _categoryCounts[k]);

    private int Category(ReadOnlySpan<T> actions, int i, int k)
        => CategoricalMath.Category(actions[(i * ActionSize) + k], _categoryCounts[k], "actions", i, k, multiComponent: true);

    private void CheckLogits(ReadOnlySpan<T> logits, int batchSize, string argumentName = "parameters")
        => DistributionArguments.CheckParameters(logits, batchSize, ParameterSize, argumentName);

    private void CheckActionsLength(int length, int batchSize)
        => DistributionArguments.CheckLength(length, batchSize, ActionSize, nameof(ActionSize), "actions");
}
