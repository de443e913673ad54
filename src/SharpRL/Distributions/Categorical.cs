using System.Numerics;
using System.Numerics.Tensors;

namespace SharpRL.Distributions;

/// <summary>
/// A categorical distribution over n actions per row, parameterised by n unnormalised logits z:
/// p = softmax(z). The action is one category index stored as T (0, 1, …, n − 1).
/// </summary>
/// <remarks>
/// All formulas go through ln p_j = z_j − lse(z) with lse(z) = m + ln Σ exp(z_j − m), m = max z,
/// so logits of ±80 (where e^160 overflows float) give finite results.
/// The one identity every gradient below uses: ∂ ln p_j / ∂ z_k = δ_jk − p_k,
/// hence ∂ p_j / ∂ z_k = p_j (δ_jk − p_k).
/// </remarks>
/// <typeparam name="T">float for training, double for finite-difference checks.</typeparam>
public sealed class Categorical<T> : IDistribution<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates a categorical over <paramref name="categoryCount"/> actions.</summary>
    /// <param name="categoryCount">Number of actions n; must be positive.</param>
    public Categorical(int categoryCount)
    {
        CategoryCount = DistributionArguments.PositiveSize(categoryCount, nameof(categoryCount));
    }

    /// <summary>Number of actions n.</summary>
    public int CategoryCount { get; }

    /// <inheritdoc />
    public int ParameterSize => CategoryCount;

    /// <inheritdoc />
    public int ActionSize => 1;

    /// <inheritdoc />
    /// <remarks>Inverse CDF: one <see cref="Random.NextDouble"/> per row, the first category whose cumulative probability exceeds it.</remarks>
    public void Sample(ReadOnlySpan<T> parameters, Span<T> actions, int batchSize, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckLogits(parameters, batchSize);
        CheckActionsLength(actions.Length, batchSize);
        for (int i = 0; i < batchSize; i++)
        {
            actions[i] = T.CreateChecked(CategoricalMath.Sample(Row(parameters, i), random.NextDouble()));
        }
    }

    /// <inheritdoc />
    public void Mode(ReadOnlySpan<T> parameters, Span<T> actions, int batchSize)
    {
        CheckLogits(parameters, batchSize);
        CheckActionsLength(actions.Length, batchSize);
        for (int i = 0; i < batchSize; i++)
        {
            actions[i] = T.CreateChecked(CategoricalMath.ArgMax(Row(parameters, i)));
        }
    }

    /// <inheritdoc />
    /// <remarks>ln π(a) = z_a − lse(z).</remarks>
    public void LogProb(ReadOnlySpan<T> parameters, ReadOnlySpan<T> actions, Span<T> logProb, int batchSize)
    {
        CheckLogits(parameters, batchSize);
        CheckActionsLength(actions.Length, batchSize);
        DistributionArguments.CheckPerRow(logProb.Length, batchSize, nameof(logProb));
        using CategoricalBatch<T>.Scratch softmax = CategoricalBatch<T>.Rent(parameters, batchSize, CategoryCount);
        ReadOnlySpan<T> logP = softmax.LogProbabilities;
        for (int i = 0; i < batchSize; i++)
        {
            logProb[i] = logP[(i * CategoryCount) + Category(actions[i], i)];
        }
    }

    /// <inheritdoc />
    /// <remarks>H = −Σ_j p_j ln p_j.</remarks>
    public void Entropy(ReadOnlySpan<T> parameters, Span<T> entropy, int batchSize)
    {
        CheckLogits(parameters, batchSize);
        DistributionArguments.CheckPerRow(entropy.Length, batchSize, nameof(entropy));
        // H = −Σ p ln p.
        using CategoricalBatch<T>.Scratch softmax = CategoricalBatch<T>.Rent(parameters, batchSize, CategoryCount);
        ReadOnlySpan<T> p = softmax.Probabilities;
        ReadOnlySpan<T> logP = softmax.LogProbabilities;
        for (int i = 0; i < batchSize; i++)
        {
            entropy[i] = -TensorPrimitives.Dot(p.Slice(i * CategoryCount, CategoryCount), logP.Slice(i * CategoryCount, CategoryCount));
        }
    }

    /// <inheritdoc />
    /// <remarks>One softmax for both (each alone computes the same one), so the values equal the separate calls'.</remarks>
    public void LogProbAndEntropy(ReadOnlySpan<T> parameters, ReadOnlySpan<T> actions, Span<T> logProb, Span<T> entropy, int batchSize)
    {
        CheckLogits(parameters, batchSize);
        CheckActionsLength(actions.Length, batchSize);
        DistributionArguments.CheckPerRow(logProb.Length, batchSize, nameof(logProb));
        DistributionArguments.CheckPerRow(entropy.Length, batchSize, nameof(entropy));
        using CategoricalBatch<T>.Scratch softmax = CategoricalBatch<T>.Rent(parameters, batchSize, CategoryCount);
        ReadOnlySpan<T> p = softmax.Probabilities;
        ReadOnlySpan<T> logP = softmax.LogProbabilities;
        for (int i = 0; i < batchSize; i++)
        {
            logProb[i] = logP[(i * CategoryCount) + Category(actions[i], i)];
            entropy[i] = -TensorPrimitives.Dot(p.Slice(i * CategoryCount, CategoryCount), logP.Slice(i * CategoryCount, CategoryCount));
        }
    }

    /// <inheritdoc />
    /// <remarks>KL(p‖q) = Σ_j p_j (ln p_j − ln q_j), clamped at 0 against rounding.</remarks>
    public void Kl(ReadOnlySpan<T> p, ReadOnlySpan<T> q, Span<T> kl, int batchSize)
    {
        DistributionArguments.CheckKl(p, q, batchSize, ParameterSize);
        DistributionArguments.CheckPerRow(kl.Length, batchSize, nameof(kl));
        for (int i = 0; i < batchSize; i++)
        {
            kl[i] = CategoricalMath.Kl(Row(p, i), Row(q, i));
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// ∂ ln π(a) / ∂ z_k = ∂ (z_a − lse(z)) / ∂ z_k = δ_ak − exp(z_k)/Σ_j exp(z_j) = onehot(a)_k − p_k.
    /// The a-th entry 1 − p_a is summed as Σ_{k≠a} p_k, exact even when p_a rounds to 1.
    /// </remarks>
    public void LogProbBackward(ReadOnlySpan<T> parameters, ReadOnlySpan<T> actions, ReadOnlySpan<T> coefficient, Span<T> gradParameters, int batchSize)
    {
        CheckLogits(parameters, batchSize);
        CheckActionsLength(actions.Length, batchSize);
        DistributionArguments.CheckBackward(coefficient.Length, gradParameters.Length, batchSize, ParameterSize, nameof(gradParameters));
        // grad += c · (onehot(a) − p); 1 − p_a is summed as Σ_{k≠a} p_k so a confident policy
        // (p_a ≈ 1) keeps a precise gradient instead of the rounding noise of 1 − p_a.
        using CategoricalBatch<T>.Scratch softmax = CategoricalBatch<T>.Rent(parameters, batchSize, CategoryCount);
        ReadOnlySpan<T> p = softmax.Probabilities;
        for (int i = 0; i < batchSize; i++)
        {
            int category = Category(actions[i], i);
            ReadOnlySpan<T> pRow = p.Slice(i * CategoryCount, CategoryCount);
            Span<T> gradRow = GradRow(gradParameters, i);
            T c = coefficient[i];
            T othersProbability = T.Zero;
            for (int j = 0; j < CategoryCount; j++)
            {
                if (j != category)
                {
                    othersProbability += pRow[j];
                    gradRow[j] -= c * pRow[j];
                }
            }

            gradRow[category] += c * othersProbability;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// H = −Σ_j p_j ln p_j, so ∂H/∂z_k = −Σ_j (∂p_j/∂z_k)(ln p_j + 1) = −Σ_j p_j (δ_jk − p_k)(ln p_j + 1)
    /// = −p_k (ln p_k + 1) + p_k Σ_j p_j (ln p_j + 1) = −p_k (ln p_k + 1) + p_k (1 − H) = −p_k (ln p_k + H).
    /// </remarks>
    public void EntropyBackward(ReadOnlySpan<T> parameters, ReadOnlySpan<T> coefficient, Span<T> gradParameters, int batchSize)
    {
        CheckLogits(parameters, batchSize);
        DistributionArguments.CheckBackward(coefficient.Length, gradParameters.Length, batchSize, ParameterSize, nameof(gradParameters));
        // grad += c · (−p ⊙ (ln p + H)).
        using CategoricalBatch<T>.Scratch softmax = CategoricalBatch<T>.Rent(parameters, batchSize, CategoryCount);
        ReadOnlySpan<T> p = softmax.Probabilities;
        ReadOnlySpan<T> logP = softmax.LogProbabilities;
        for (int i = 0; i < batchSize; i++)
        {
            ReadOnlySpan<T> pRow = p.Slice(i * CategoryCount, CategoryCount);
            ReadOnlySpan<T> logRow = logP.Slice(i * CategoryCount, CategoryCount);
            Span<T> gradRow = GradRow(gradParameters, i);
            T entropy = -TensorPrimitives.Dot(pRow, logRow);
            T c = coefficient[i];
            for (int j = 0; j < CategoryCount; j++)
            {
                gradRow[j] -= c * pRow[j] * (logRow[j] + entropy);
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// With p fixed, KL(p‖q) = Σ_j p_j ln p_j − Σ_j p_j ln q_j, so
    /// ∂KL/∂z_q,k = −Σ_j p_j (δ_jk − q_k) = q_k Σ_j p_j − p_k = softmax(z_q)_k − p_k.
    /// </remarks>
    public void KlBackward(ReadOnlySpan<T> p, ReadOnlySpan<T> q, ReadOnlySpan<T> coefficient, Span<T> gradQ, int batchSize)
    {
        DistributionArguments.CheckKlBackward(p, q, coefficient.Length, gradQ.Length, batchSize, ParameterSize);
        for (int i = 0; i < batchSize; i++)
        {
            CategoricalMath.KlBackward(Row(p, i), Row(q, i), coefficient[i], GradRow(gradQ, i));
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Differentiating ∂KL/∂z_q,k = q_k − p_k once more: ∂²KL/∂z_q,j ∂z_q,k = q_k (δ_jk − q_j), which at q = p is
    /// M = diag(p) − p pᵀ (also E_a[(onehot(a) − p)(onehot(a) − p)ᵀ], the Fisher information).
    /// M v = p ⊙ v − p (p·v), O(n) without forming M; v is first shifted by its entry at the most probable
    /// category (M annihilates constants), so a confident policy's tiny p(1 − p) keeps its precision.
    /// </remarks>
    public void FisherVectorProduct(ReadOnlySpan<T> parameters, ReadOnlySpan<T> vector, Span<T> result, int batchSize)
    {
        CheckLogits(parameters, batchSize);
        DistributionArguments.CheckLength(vector.Length, batchSize, ParameterSize, nameof(ParameterSize), nameof(vector));
        DistributionArguments.CheckLength(result.Length, batchSize, ParameterSize, nameof(ParameterSize), nameof(result));
        for (int i = 0; i < batchSize; i++)
        {
            CategoricalMath.FisherVectorProduct(Row(parameters, i), Row(vector, i), GradRow(result, i));
        }
    }

    private ReadOnlySpan<T> Row(ReadOnlySpan<T> rows, int i) => rows.Slice(i * CategoryCount, CategoryCount);

    private Span<T> GradRow(Span<T> rows, int i) => rows.Slice(i * CategoryCount, CategoryCount);

    private int Category(T action, int row) => CategoricalMath.Category(action, CategoryCount, "actions", row, 0, multiComponent: false);

    private void CheckLogits(ReadOnlySpan<T> logits, int batchSize, string argumentName = "parameters")
        => DistributionArguments.CheckParameters(logits, batchSize, ParameterSize, argumentName);

    private static void CheckActionsLength(int length, int batchSize)
        => DistributionArguments.CheckLength(length, batchSize, 1, nameof(ActionSize), "actions");
}
