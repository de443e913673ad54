namespace SharpRL.Algorithms.Common;

/// <summary>
/// The one shuffle every minibatch loop uses (PPO, PPO-KL, the critic and baseline regressions): a
/// permutation of the rollout's row indices, restarted from the identity at every update and shuffled
/// once per epoch with the run's generator. It keeps no state of its own between updates, so the
/// generator's state in a checkpoint is all an exact resume needs.
/// </summary>
public sealed class MinibatchSampler
{
    private readonly int[] _indices;

    /// <summary>Creates a sampler over <paramref name="count"/> rows.</summary>
    public MinibatchSampler(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        _indices = new int[count];
    }

    /// <summary>Rows sampled from.</summary>
    public int Count => _indices.Length;

    /// <summary>Sets the permutation to the identity 0, 1, …, Count − 1 (at the start of an update).</summary>
    public void Reset()
    {
        for (int i = 0; i < _indices.Length; i++)
        {
            _indices[i] = i;
        }
    }

    /// <summary>
    /// Shuffles the current permutation (Fisher–Yates, Knuth's Algorithm P, front to back):
    /// for i = 0 … n − 2 swap entry i with a uniform j ∈ [i, n). This is the order of draws of
    /// <see cref="Random.Shuffle{T}(Span{T})"/>, written out so the minibatches do not depend on the runtime.
    /// </summary>
    public void Shuffle(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int n = _indices.Length;
        for (int i = 0; i < n - 1; i++)
        {
            int j = random.Next(i, n);
            (_indices[i], _indices[j]) = (_indices[j], _indices[i]);
        }
    }

    /// <summary>Indices of the minibatch of <paramref name="size"/> rows that starts at <paramref name="start"/>.</summary>
    public ReadOnlySpan<int> Batch(int start, int size) => _indices.AsSpan(start, size);
}
