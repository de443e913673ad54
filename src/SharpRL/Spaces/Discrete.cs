namespace SharpRL.Spaces;

/// <summary>
/// The integers {start, …, start + n − 1} (Gymnasium's <c>Discrete</c>, dtype int64). A value is one
/// float holding the integer.
/// </summary>
public sealed class Discrete : Space
{
    // Every value must survive the round trip through a float exactly.
    private const int MaxExactFloatInteger = 1 << 24;

    private static readonly int[] EmptyShape = [];

    /// <summary>Creates the space {start, …, start + n − 1}.</summary>
    /// <param name="n">Number of elements, positive.</param>
    /// <param name="start">Smallest element.</param>
    public Discrete(int n, int start = 0)
    {
        if (n <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "Discrete needs a positive number of elements n.");
        }

        if (Math.Abs((long)start) > MaxExactFloatInteger || (long)start + n > MaxExactFloatInteger)
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, $"Discrete values must lie within ±2^24 to be exact as floats; got start={start}, n={n}.");
        }

        N = n;
        Start = start;
    }

    /// <summary>Number of elements.</summary>
    public int N { get; }

    /// <summary>Smallest element.</summary>
    public int Start { get; }

    /// <inheritdoc />
    public override IReadOnlyList<int> Shape => EmptyShape;

    /// <inheritdoc />
    public override int FlatSize => 1;

    /// <inheritdoc />
    public override string DType => "int64";

    /// <summary>Whether the integer <paramref name="value"/> is an element.</summary>
    /// <param name="value">Candidate element.</param>
    public bool Contains(long value) => value >= Start && value < (long)Start + N;

    /// <inheritdoc />
    private protected override bool ContainsElement(int index, float x) => x == MathF.Floor(x) && x >= Start && x < (long)Start + N;

    /// <summary>Gymnasium's <c>start + np_random.integers(n)</c>.</summary>
    /// <param name="random">Generator to draw from.</param>
    public int Sample(NumpyGenerator random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return Start + (int)random.Integers(N);
    }

    /// <inheritdoc />
    private protected override void SampleInto(Span<float> destination, NumpyGenerator random) => destination[0] = Sample(random);

    /// <inheritdoc />
    public override bool Equals(Space? other) => other is Discrete d && d.N == N && d.Start == Start;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(nameof(Discrete), N, Start);

    /// <summary>Gymnasium's repr: "Discrete(2)" or "Discrete(3, start=-1)".</summary>
    public override string ToString() => Start == 0 ? $"Discrete({N})" : $"Discrete({N}, start={Start})";
}
