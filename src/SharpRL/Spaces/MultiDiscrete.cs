namespace SharpRL.Spaces;

/// <summary>
/// A vector of independent discrete choices, component i in {start[i], …, start[i] + nvec[i] − 1}
/// (Gymnasium's <c>MultiDiscrete</c>, 1-D, dtype int64). A value is one float per component.
/// </summary>
public sealed class MultiDiscrete : Space
{
    private const int MaxExactFloatInteger = 1 << 24;

    private readonly int[] _nvec;
    private readonly int[] _start;
    private readonly int[] _shape;

    /// <summary>Creates the space with component i taking nvec[i] values starting at start[i] (default 0).</summary>
    /// <param name="nvec">Number of values of each component, each positive.</param>
    /// <param name="start">Smallest value of each component, or null for zeros.</param>
    public MultiDiscrete(IReadOnlyList<int> nvec, IReadOnlyList<int>? start = null)
    {
        ArgumentNullException.ThrowIfNull(nvec);
        if (nvec.Count == 0)
        {
            throw new ArgumentException("MultiDiscrete needs at least one component; nvec is empty.", nameof(nvec));
        }

        if (start is not null && start.Count != nvec.Count)
        {
            throw new ArgumentException($"start must have one entry per component: nvec has {nvec.Count}, start has {start.Count}.", nameof(start));
        }

        _nvec = [.. nvec];
        _start = start is null ? new int[_nvec.Length] : [.. start];
        for (int i = 0; i < _nvec.Length; i++)
        {
            if (_nvec[i] <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(nvec), _nvec[i], $"nvec[{i}] must be positive (the number of values of component {i}).");
            }

            if (Math.Abs((long)_start[i]) > MaxExactFloatInteger || (long)_start[i] + _nvec[i] > MaxExactFloatInteger)
            {
                throw new ArgumentOutOfRangeException(nameof(start), _start[i], $"Component {i}'s values must lie within ±2^24 to be exact as floats.");
            }
        }

        _shape = [_nvec.Length];
    }

    /// <summary>Number of values of each component.</summary>
    public IReadOnlyList<int> Nvec => _nvec;

    /// <summary>Smallest value of each component.</summary>
    public IReadOnlyList<int> Start => _start;

    /// <inheritdoc />
    public override IReadOnlyList<int> Shape => _shape;

    /// <inheritdoc />
    public override int FlatSize => _nvec.Length;

    /// <inheritdoc />
    public override string DType => "int64";

    /// <inheritdoc />
    private protected override bool ContainsElement(int index, float x)
        => x == MathF.Floor(x) && x >= _start[index] && x < (long)_start[index] + _nvec[index];

    /// <summary>Gymnasium's <c>(np_random.random(nvec.shape) * nvec).astype(int64) + start</c>.</summary>
    private protected override void SampleInto(Span<float> destination, NumpyGenerator random)
    {
        for (int i = 0; i < _nvec.Length; i++)
        {
            destination[i] = (long)(random.NextDouble() * _nvec[i]) + _start[i];
        }
    }

    /// <inheritdoc />
    public override bool Equals(Space? other)
        => other is MultiDiscrete m && m._nvec.AsSpan().SequenceEqual(_nvec) && m._start.AsSpan().SequenceEqual(_start);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(nameof(MultiDiscrete));
        SpaceValidation.AddAll<int>(ref hash, _nvec);
        SpaceValidation.AddAll<int>(ref hash, _start);
        return hash.ToHashCode();
    }

    /// <summary>Gymnasium's repr: "MultiDiscrete([2 3])", with ", start=[…]" when any start is non-zero.</summary>
    public override string ToString()
    {
        string nvec = "[" + string.Join(" ", _nvec) + "]";
        return _start.All(s => s == 0) ? $"MultiDiscrete({nvec})" : $"MultiDiscrete({nvec}, start=[{string.Join(" ", _start)}])";
    }
}
