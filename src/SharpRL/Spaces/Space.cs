namespace SharpRL.Spaces;

/// <summary>
/// The set of valid observations or actions. Every value is passed as a flat span of floats
/// (<see cref="FlatSize"/> of them): a <c>Discrete</c> value is its integer stored as a float,
/// a <c>Box</c> value its components in row-major order. Spaces are immutable.
/// </summary>
public abstract class Space : IEquatable<Space>
{
    /// <summary>Logical shape of one value (Gymnasium's <c>space.shape</c>; empty for Discrete).</summary>
    public abstract IReadOnlyList<int> Shape { get; }

    /// <summary>How many floats one value occupies in a flat buffer.</summary>
    public abstract int FlatSize { get; }

    /// <summary>Whether <paramref name="value"/> (FlatSize floats) belongs to the space: each of its elements is valid.</summary>
    /// <exception cref="ArgumentException">The span does not hold FlatSize floats.</exception>
    public bool Contains(ReadOnlySpan<float> value)
    {
        SpaceValidation.CheckLength(value, FlatSize, nameof(value));
        for (int i = 0; i < value.Length; i++)
        {
            if (!ContainsElement(i, value[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>NumPy dtype name of one element as Gymnasium declares it ("int64", "float32").</summary>
    public abstract string DType { get; }

    /// <summary>
    /// Writes a random element into <paramref name="destination"/> (FlatSize floats), drawing from
    /// <paramref name="random"/> in the same order and with the same rules as Gymnasium's
    /// <c>space.sample()</c>, so a generator seeded like the space's <c>np_random</c> gives the same value.
    /// </summary>
    public void Sample(Span<float> destination, NumpyGenerator random)
    {
        ArgumentNullException.ThrowIfNull(random);
        SpaceValidation.CheckLength(destination, FlatSize, nameof(destination));
        SampleInto(destination, random);
    }

    /// <inheritdoc />
    public abstract bool Equals(Space? other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Space other && Equals(other);

    /// <inheritdoc />
    public abstract override int GetHashCode();

    /// <summary>Whether <paramref name="x"/> may stand at position <paramref name="index"/> of a value (NaN never may, as in NumPy's comparisons).</summary>
    private protected abstract bool ContainsElement(int index, float x);

    /// <summary><see cref="Sample"/> once its arguments are checked.</summary>
    private protected abstract void SampleInto(Span<float> destination, NumpyGenerator random);
}
