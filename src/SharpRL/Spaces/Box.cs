namespace SharpRL.Spaces;

/// <summary>
/// A product of closed intervals [low[i], high[i]] (Gymnasium's <c>Box</c>, dtype float32); bounds
/// may be infinite. A value is its components in row-major order.
/// </summary>
public sealed class Box : Space
{
    private readonly float[] _low;
    private readonly float[] _high;
    private readonly int[] _shape;

    /// <summary>Per-dimension bounds; the shape is (low.Length,).</summary>
    /// <param name="low">Lower bounds (−∞ allowed).</param>
    /// <param name="high">Upper bounds (+∞ allowed).</param>
    public Box(ReadOnlySpan<float> low, ReadOnlySpan<float> high)
        : this(low, high, [low.Length])
    {
    }

    /// <summary>Per-dimension bounds for an array of the given shape (row-major).</summary>
    /// <param name="low">Lower bounds (−∞ allowed), one per element.</param>
    /// <param name="high">Upper bounds (+∞ allowed), one per element.</param>
    /// <param name="shape">Shape whose product is the number of elements.</param>
    public Box(ReadOnlySpan<float> low, ReadOnlySpan<float> high, ReadOnlySpan<int> shape)
    {
        _shape = ValidateShape(shape);
        int size = Product(_shape);
        if (low.Length != size)
        {
            throw new ArgumentException($"low has {low.Length} elements but shape {SpaceValidation.ShapeToString(_shape)} needs {size}.", nameof(low));
        }

        if (high.Length != size)
        {
            throw new ArgumentException($"high has {high.Length} elements but shape {SpaceValidation.ShapeToString(_shape)} needs {size}.", nameof(high));
        }

        _low = low.ToArray();
        _high = high.ToArray();
        ValidateBounds(_low, _high);
    }

    /// <summary>The same bounds for every element of an array of the given shape.</summary>
    /// <param name="low">Lower bound of every element (−∞ allowed).</param>
    /// <param name="high">Upper bound of every element (+∞ allowed).</param>
    /// <param name="shape">Shape of one value, e.g. <c>3</c> for (3,).</param>
    public Box(float low, float high, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        _shape = ValidateShape(shape);
        int size = Product(_shape);
        _low = new float[size];
        _high = new float[size];
        Array.Fill(_low, low);
        Array.Fill(_high, high);
        ValidateBounds(_low, _high);
    }

    /// <summary>Lower bounds, row-major.</summary>
    public ReadOnlySpan<float> Low => _low;

    /// <summary>Upper bounds, row-major.</summary>
    public ReadOnlySpan<float> High => _high;

    /// <inheritdoc />
    public override IReadOnlyList<int> Shape => _shape;

    /// <inheritdoc />
    public override int FlatSize => _low.Length;

    /// <inheritdoc />
    public override string DType => "float32";

    /// <summary>Whether every element has finite bounds on both sides.</summary>
    public bool IsBounded => _low.All(float.IsFinite) && _high.All(float.IsFinite);

    /// <inheritdoc />
    private protected override bool ContainsElement(int index, float x) => x >= _low[index] && x <= _high[index];

    /// <summary>
    /// Gymnasium's rules, in its draw order: first N(0, 1) for elements unbounded on both sides, then
    /// low + Exp(1) for those bounded only below, then high − Exp(1) for those bounded only above,
    /// then uniform(low, high) (in float64) for the bounded ones; finally cast to float32.
    /// </summary>
    private protected override void SampleInto(Span<float> destination, NumpyGenerator random)
    {
        for (int i = 0; i < _low.Length; i++)
        {
            if (float.IsNegativeInfinity(_low[i]) && float.IsPositiveInfinity(_high[i]))
            {
                destination[i] = (float)random.StandardNormal();
            }
        }

        for (int i = 0; i < _low.Length; i++)
        {
            if (!float.IsNegativeInfinity(_low[i]) && float.IsPositiveInfinity(_high[i]))
            {
                destination[i] = (float)(random.StandardExponential() + _low[i]);
            }
        }

        for (int i = 0; i < _low.Length; i++)
        {
            if (float.IsNegativeInfinity(_low[i]) && !float.IsPositiveInfinity(_high[i]))
            {
                destination[i] = (float)(-random.StandardExponential() + _high[i]);
            }
        }

        for (int i = 0; i < _low.Length; i++)
        {
            if (!float.IsNegativeInfinity(_low[i]) && !float.IsPositiveInfinity(_high[i]))
            {
                destination[i] = (float)random.Uniform(_low[i], _high[i]);
            }
        }
    }

    /// <summary>Equal when shapes and all bounds are identical (exact comparison, so hashing stays consistent).</summary>
    public override bool Equals(Space? other)
        => other is Box b && b._shape.AsSpan().SequenceEqual(_shape) && b._low.AsSpan().SequenceEqual(_low) && b._high.AsSpan().SequenceEqual(_high);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(nameof(Box));
        SpaceValidation.AddAll<int>(ref hash, _shape);
        SpaceValidation.AddAll<float>(ref hash, _low);
        SpaceValidation.AddAll<float>(ref hash, _high);
        return hash.ToHashCode();
    }

    /// <summary>Gymnasium's repr, e.g. "Box(-1.0, 1.0, (3,), float32)" or "Box([-1. -2.], [2. 4.], (2,), float32)".</summary>
    public override string ToString()
        => $"Box({BoundToString(_low)}, {BoundToString(_high)}, {SpaceValidation.ShapeToString(_shape)}, float32)";

    // Gymnasium prints a single number when all bounds are equal, else the NumPy array.
    private static string BoundToString(float[] bound)
        => bound.Length > 0 && bound.All(x => x.Equals(bound[0])) ? NumpyFormat.Scalar(bound[0]) : NumpyFormat.Array(bound);

    private static int[] ValidateShape(ReadOnlySpan<int> shape)
    {
        long size = 1;
        foreach (int d in shape)
        {
            if (d <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(shape), d, $"Every dimension of a Box shape must be positive; got shape ({string.Join(", ", shape.ToArray())}).");
            }

            size *= d;
            if (size > Array.MaxLength)
            {
                throw new ArgumentOutOfRangeException(nameof(shape), size, "Box shape has too many elements.");
            }
        }

        return shape.ToArray();
    }

    private static int Product(int[] shape)
    {
        int size = 1;
        foreach (int d in shape)
        {
            size *= d;
        }

        return size;
    }

    private static void ValidateBounds(float[] low, float[] high)
    {
        for (int i = 0; i < low.Length; i++)
        {
            if (float.IsNaN(low[i]) || float.IsPositiveInfinity(low[i]))
            {
                throw new ArgumentException($"low[{i}] = {low[i]} is not allowed: a lower bound must be a number or −∞.", nameof(low));
            }

            if (float.IsNaN(high[i]) || float.IsNegativeInfinity(high[i]))
            {
                throw new ArgumentException($"high[{i}] = {high[i]} is not allowed: an upper bound must be a number or +∞.", nameof(high));
            }

            if (low[i] > high[i])
            {
                throw new ArgumentException($"Box needs low ≤ high in every element, but low[{i}] = {low[i]} > high[{i}] = {high[i]}.", nameof(low));
            }
        }
    }
}
