using System.Buffers.Binary;
using System.Numerics;

namespace SharpRL.Rng;

/// <summary>
/// A seeded <see cref="Random"/> whose complete state can be saved and restored, so that a
/// training run resumed from a checkpoint draws exactly the numbers the uninterrupted run
/// would have drawn. <see cref="Random"/>'s own state is private, which is why this exists.
/// </summary>
/// <remarks>
/// The generator is xoshiro256** (Blackman and Vigna, 2018): 256 bits of state, period
/// 2^256 − 1, and it passes BigCrush. The seed is expanded into the state with splitmix64,
/// as its authors recommend, so nearby seeds give unrelated streams. Every method of
/// <see cref="Random"/> is overridden, so no draw goes through the base class's own generator.
/// Instances are not thread-safe; give each thread its own.
/// </remarks>
public sealed class SerializableRandom : Random
{
    private const string StatePrefix = "xoshiro256**:";

    // 2^-53 and 2^-24: the spacing of the doubles in [0.5, 1) and of the floats in [0.5, 1).
    private const double DoubleUnit = 1.0 / (1UL << 53);
    private const float SingleUnit = 1.0f / (1 << 24);

    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Creates a generator whose stream is fully determined by <paramref name="seed"/>.</summary>
    /// <param name="seed">Any value; equal seeds give equal streams.</param>
    public SerializableRandom(long seed)
        : base(0)
    {
        ulong splitMixState = unchecked((ulong)seed);
        _s0 = SplitMix64(ref splitMixState);
        _s1 = SplitMix64(ref splitMixState);
        _s2 = SplitMix64(ref splitMixState);
        _s3 = SplitMix64(ref splitMixState);
    }

    /// <summary>Creates a generator that continues from a state returned by <see cref="GetState"/>.</summary>
    /// <param name="state">Four words, not all zero.</param>
    public SerializableRandom(ReadOnlySpan<ulong> state)
        : base(0)
    {
        SetState(state);
    }

    /// <summary>Returns a copy of the four state words.</summary>
    public ulong[] GetState() => [_s0, _s1, _s2, _s3];

    /// <summary>Replaces the state; the next draws continue the stream that produced it.</summary>
    /// <param name="state">Four words, not all zero (the all-zero state is a fixed point of xoshiro).</param>
    public void SetState(ReadOnlySpan<ulong> state)
    {
        if (state.Length != 4)
        {
            throw new ArgumentException($"state must hold exactly 4 words; got {state.Length}.", nameof(state));
        }

        if ((state[0] | state[1] | state[2] | state[3]) == 0)
        {
            throw new ArgumentException("state must not be all zero: xoshiro256** would then return 0 forever.", nameof(state));
        }

        _s0 = state[0];
        _s1 = state[1];
        _s2 = state[2];
        _s3 = state[3];
    }

    /// <summary>
    /// The state as text, e.g. <c>xoshiro256**:0123456789abcdef,…</c> (four 16-digit hex words),
    /// for JSON checkpoints. <see cref="RestoreState"/> and <see cref="FromStateString"/> read it back.
    /// </summary>
    public string SaveState() =>
        string.Create(CultureInfo.InvariantCulture, $"{StatePrefix}{_s0:x16},{_s1:x16},{_s2:x16},{_s3:x16}");

    /// <summary>Restores a state written by <see cref="SaveState"/>.</summary>
    /// <param name="state">Text of the form <c>xoshiro256**:w0,w1,w2,w3</c> with hexadecimal words.</param>
    public void RestoreState(string state) => SetState(ParseState(state));

    /// <summary>Creates a generator that continues from a state written by <see cref="SaveState"/>.</summary>
    /// <param name="state">Text of the form <c>xoshiro256**:w0,w1,w2,w3</c> with hexadecimal words.</param>
    public static SerializableRandom FromStateString(string state) => new(ParseState(state));

    /// <summary>Returns 64 uniformly random bits; every other draw is derived from this.</summary>
    public ulong NextUInt64()
    {
        // xoshiro256**: output = rotl(s1 · 5, 7) · 9, then the linear state transition.
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Returns an integer in [0, <see cref="int.MaxValue"/>).</summary>
    public override int Next() => (int)NextBelowAllOnes(33);

    /// <summary>Returns an integer in [0, <paramref name="maxValue"/>); 0 when maxValue is 0.</summary>
    /// <param name="maxValue">Exclusive upper bound, at least 0.</param>
    public override int Next(int maxValue) => (int)NextInt64(maxValue);

    /// <summary>Returns an integer in [<paramref name="minValue"/>, <paramref name="maxValue"/>); minValue when they are equal.</summary>
    /// <param name="minValue">Inclusive lower bound.</param>
    /// <param name="maxValue">Exclusive upper bound, at least minValue.</param>
    public override int Next(int minValue, int maxValue) => (int)NextInt64(minValue, maxValue);

    /// <summary>Returns an integer in [0, <see cref="long.MaxValue"/>).</summary>
    public override long NextInt64() => (long)NextBelowAllOnes(1);

    /// <summary>Returns an integer in [0, <paramref name="maxValue"/>); 0 when maxValue is 0.</summary>
    /// <param name="maxValue">Exclusive upper bound, at least 0.</param>
    public override long NextInt64(long maxValue)
    {
        if (maxValue < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxValue), maxValue, "maxValue must be non-negative.");
        }

        return maxValue <= 1 ? 0 : (long)NextBounded((ulong)maxValue);
    }

    /// <summary>Returns an integer in [<paramref name="minValue"/>, <paramref name="maxValue"/>); minValue when they are equal.</summary>
    /// <param name="minValue">Inclusive lower bound.</param>
    /// <param name="maxValue">Exclusive upper bound, at least minValue.</param>
    public override long NextInt64(long minValue, long maxValue)
    {
        if (minValue > maxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(minValue), minValue, $"minValue must not exceed maxValue ({maxValue}).");
        }

        ulong range = unchecked((ulong)maxValue - (ulong)minValue);
        return range <= 1 ? minValue : unchecked(minValue + (long)NextBounded(range));
    }

    /// <summary>Returns a double in [0, 1) on the grid k·2^-53.</summary>
    public override double NextDouble() => (NextUInt64() >> 11) * DoubleUnit;

    /// <summary>Returns a float in [0, 1) on the grid k·2^-24.</summary>
    public override float NextSingle() => (NextUInt64() >> 40) * SingleUnit;

    /// <summary>Fills <paramref name="buffer"/> with random bytes.</summary>
    /// <param name="buffer">Destination.</param>
    public override void NextBytes(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        NextBytes(buffer.AsSpan());
    }

    /// <summary>Fills <paramref name="buffer"/> with random bytes, eight per draw, little-endian.</summary>
    /// <param name="buffer">Destination.</param>
    public override void NextBytes(Span<byte> buffer)
    {
        while (buffer.Length >= 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(buffer, NextUInt64());
            buffer = buffer[8..];
        }

        if (!buffer.IsEmpty)
        {
            Span<byte> last = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(last, NextUInt64());
            last[..buffer.Length].CopyTo(buffer);
        }
    }

    /// <summary>Same as <see cref="NextDouble"/>; overridden so the base generator is never used.</summary>
    protected override double Sample() => NextDouble();

    /// <summary>One step of splitmix64 (Steele, Lea, Flood 2014): the seed expander for xoshiro.</summary>
    internal static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    // The top 64 − shift bits are uniform on [0, 2^(64 − shift) − 1]; the single largest value (int.MaxValue
    // or long.MaxValue for Next and NextInt64) is excluded by rejection, as Random's contract requires.
    private ulong NextBelowAllOnes(int shift)
    {
        ulong allOnes = ulong.MaxValue >> shift;
        while (true)
        {
            ulong result = NextUInt64() >> shift;
            if (result != allOnes)
            {
                return result;
            }
        }
    }

    // Lemire's multiply-shift (2019): the high word of x·range is uniform on [0, range) once the
    // low words that would over-represent some results (fewer than 2^64 mod range of them) are rejected.
    private ulong NextBounded(ulong range)
    {
        ulong high = Math.BigMul(NextUInt64(), range, out ulong low);
        if (low < range)
        {
            ulong threshold = (0 - range) % range;
            while (low < threshold)
            {
                high = Math.BigMul(NextUInt64(), range, out low);
            }
        }

        return high;
    }

    private static ulong[] ParseState(string state)
    {
        ArgumentNullException.ThrowIfNull(state);
        string[] words = state.StartsWith(StatePrefix, StringComparison.Ordinal)
            ? state[StatePrefix.Length..].Split(',')
            : [];
        var parsed = new ulong[4];
        bool valid = words.Length == 4;
        for (int i = 0; valid && i < 4; i++)
        {
            valid = words[i].Length is > 0 and <= 16
                && ulong.TryParse(words[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out parsed[i]);
        }

        if (!valid)
        {
            throw new ArgumentException($"state must look like '{StatePrefix}w0,w1,w2,w3' with four hexadecimal 64-bit words; got '{state}'.", nameof(state));
        }

        return parsed;
    }
}
