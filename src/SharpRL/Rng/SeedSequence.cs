using System.Numerics;
using System.Security.Cryptography;

namespace SharpRL.Rng;

/// <summary>
/// NumPy's <c>np.random.SeedSequence</c>: turns a user seed into well-mixed generator state
/// (O'Neill's seed_seq design as NumPy implements it). Reproduced bit for bit so that a seed gives
/// the same numbers as <c>np.random.default_rng(seed)</c>, which is what Gymnasium's
/// <c>np_random</c> uses. Only the non-spawned case (empty spawn key) is supported.
/// </summary>
public sealed class SeedSequence
{
    private const int PoolSize = 4;
    private const uint InitA = 0x43b0d7e5;
    private const uint MultA = 0x931e8875;
    private const uint InitB = 0x8b51f9dd;
    private const uint MultB = 0x58f38ded;
    private const uint MixMultL = 0xca01f9dd;
    private const uint MixMultR = 0x4973f715;
    private const int XShift = 16;

    private readonly uint[] _pool = new uint[PoolSize];

    /// <summary>Seeds from a non-negative integer of any size (NumPy accepts arbitrary Python ints).</summary>
    /// <param name="entropy">The seed; must be non-negative.</param>
    public SeedSequence(BigInteger entropy)
    {
        if (entropy.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(entropy), entropy, "SeedSequence entropy must be a non-negative integer.");
        }

        Entropy = entropy;
        MixEntropy(ToUInt32Words(entropy));
    }

    /// <summary>The integer entropy this sequence was built from (NumPy's <c>seed_seq.entropy</c>).</summary>
    public BigInteger Entropy { get; }

    /// <summary>A sequence seeded with 128 bits from the operating system, like <c>SeedSequence(None)</c>.</summary>
    public static SeedSequence FromOsEntropy()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return new SeedSequence(new BigInteger(bytes, isUnsigned: true));
    }

    /// <summary>
    /// NumPy's <c>generate_state(n_words, np.uint32)</c>: <paramref name="destination"/>.Length words
    /// drawn by cycling over the mixed pool.
    /// </summary>
    public void GenerateState(Span<uint> destination)
    {
        uint hashConst = InitB;
        for (int i = 0; i < destination.Length; i++)
        {
            uint value = _pool[i % PoolSize];
            value ^= hashConst;
            hashConst *= MultB;
            value *= hashConst;
            value ^= value >> XShift;
            destination[i] = value;
        }
    }

    /// <summary>
    /// NumPy's <c>generate_state(n_words, np.uint64)</c>: twice as many 32-bit words viewed as
    /// little-endian 64-bit words (low word first).
    /// </summary>
    public void GenerateState(Span<ulong> destination)
    {
        Span<uint> words = destination.Length <= 64 ? stackalloc uint[destination.Length * 2] : new uint[destination.Length * 2];
        GenerateState(words);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = words[2 * i] | ((ulong)words[(2 * i) + 1] << 32);
        }
    }

    // An int becomes its little-endian 32-bit words; zero is the single word [0] (NumPy's _coerce_to_uint32_array).
    private static uint[] ToUInt32Words(BigInteger value)
    {
        if (value.IsZero)
        {
            return [0u];
        }

        var words = new List<uint>();
        while (!value.IsZero)
        {
            words.Add((uint)(value & uint.MaxValue));
            value >>= 32;
        }

        return [.. words];
    }

    private static uint HashMix(uint value, ref uint hashConst)
    {
        value ^= hashConst;
        hashConst *= MultA;
        value *= hashConst;
        value ^= value >> XShift;
        return value;
    }

    private static uint Mix(uint x, uint y)
    {
        uint result = (MixMultL * x) - (MixMultR * y);
        result ^= result >> XShift;
        return result;
    }

    private void MixEntropy(uint[] entropy)
    {
        // The hash constant evolves across every HashMix call, in this exact order (NumPy's mix_entropy).
        uint hashConst = InitA;
        for (int i = 0; i < PoolSize; i++)
        {
            _pool[i] = HashMix(i < entropy.Length ? entropy[i] : 0u, ref hashConst);
        }

        for (int src = 0; src < PoolSize; src++)
        {
            for (int dst = 0; dst < PoolSize; dst++)
            {
                if (src != dst)
                {
                    _pool[dst] = Mix(_pool[dst], HashMix(_pool[src], ref hashConst));
                }
            }
        }

        for (int src = PoolSize; src < entropy.Length; src++)
        {
            for (int dst = 0; dst < PoolSize; dst++)
            {
                _pool[dst] = Mix(_pool[dst], HashMix(entropy[src], ref hashConst));
            }
        }
    }
}
