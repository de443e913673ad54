using System.Numerics;
using System.Runtime.InteropServices;

namespace SharpRL.Rng;

/// <summary>Complete state of a <see cref="NumpyGenerator"/>, for checkpoints.</summary>
/// <param name="State">PCG64's 128-bit LCG state.</param>
/// <param name="Increment">PCG64's 128-bit (odd) increment.</param>
/// <param name="HasUInt32">Whether half of the last 64-bit draw is stashed for the next 32-bit draw.</param>
/// <param name="UInt32">The stashed upper 32 bits.</param>
public readonly record struct NumpyGeneratorState(UInt128 State, UInt128 Increment, bool HasUInt32, uint UInt32);

/// <summary>
/// NumPy's <c>np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))</c>, i.e.
/// <c>np.random.default_rng(seed)</c> and Gymnasium's <c>env.np_random</c>, reproduced bit for bit:
/// PCG64 (128-bit LCG, XSL-RR output), NumPy's seeding, and the Generator methods the envs and
/// spaces need (uniform, random, integers, standard normal and exponential).
/// </summary>
/// <remarks>
/// Seeding, raw outputs, <see cref="NextDouble"/>, <see cref="Uniform(double, double)"/> and
/// <see cref="Integers(long, long)"/> are bit-identical to NumPy (tested against NumPy's own output).
/// <see cref="StandardNormal"/> and <see cref="StandardExponential"/> are NumPy's ziggurat samplers with
/// NumPy's own tables (see <see cref="Ziggurat"/>), bit-identical as well: their rare tail branches call the
/// C library's <c>log1p</c>, as NumPy does (log(1 − u) differs from it in the last bit for about 7 % of u).
/// </remarks>
public sealed class NumpyGenerator
{
    // PCG's default 128-bit multiplier, 2549297995355413924 * 2^64 + 4865540595714422341.
    private static readonly UInt128 Multiplier = new(2549297995355413924UL, 4865540595714422341UL);

    private UInt128 _state;
    private UInt128 _increment;
    private bool _hasUInt32;
    private uint _uint32;

    /// <summary>Seeds the way <c>np.random.PCG64(seed_seq)</c> does.</summary>
    /// <param name="seedSequence">Source of the initial state.</param>
    public NumpyGenerator(SeedSequence seedSequence)
    {
        ArgumentNullException.ThrowIfNull(seedSequence);

        // PCG64.__init__: val = seed_seq.generate_state(4, uint64); pcg64_set_seed(state, val[0:2], val[2:4]),
        // where each pair is (high word, low word) of a 128-bit number.
        Span<ulong> words = stackalloc ulong[4];
        seedSequence.GenerateState(words);
        var initState = new UInt128(words[0], words[1]);
        var initSequence = new UInt128(words[2], words[3]);

        // pcg_setseq_128_srandom_r: state = 0; inc = seq << 1 | 1; step; state += initstate; step.
        _state = UInt128.Zero;
        _increment = (initSequence << 1) | UInt128.One;
        Step();
        _state += initState;
        Step();
    }

    /// <summary>Restores a generator from a saved state.</summary>
    /// <param name="state">A state returned by <see cref="GetState"/>.</param>
    public NumpyGenerator(NumpyGeneratorState state)
    {
        SetState(state);
    }

    /// <summary>
    /// <c>np.random.default_rng(seed)</c>; a null seed draws 128 bits of OS entropy
    /// (as <c>SeedSequence(None)</c> does).
    /// </summary>
    /// <param name="seed">Non-negative seed, or null for a random one.</param>
    public static NumpyGenerator Create(long? seed)
    {
        if (seed is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seed), seed, "Seed must be a non-negative integer (NumPy's SeedSequence rejects negative seeds).");
        }

        return new NumpyGenerator(seed is { } s ? new SeedSequence(s) : SeedSequence.FromOsEntropy());
    }

    /// <summary>The full generator state (LCG state, increment and the 32-bit stash).</summary>
    public NumpyGeneratorState GetState() => new(_state, _increment, _hasUInt32, _uint32);

    /// <summary>Overwrites the full generator state.</summary>
    /// <param name="state">The state to restore; its increment must be odd.</param>
    public void SetState(NumpyGeneratorState state)
    {
        if ((state.Increment & UInt128.One) == UInt128.Zero)
        {
            throw new ArgumentException($"PCG64 increment must be odd, got {state.Increment}.", nameof(state));
        }

        _state = state.State;
        _increment = state.Increment;
        _hasUInt32 = state.HasUInt32;
        _uint32 = state.UInt32;
    }

    /// <summary>Next raw 64-bit output (NumPy's <c>bit_generator.random_raw()</c>).</summary>
    public ulong NextUInt64()
    {
        Step();

        // XSL-RR: xor the halves, rotate right by the top 6 bits.
        ulong high = (ulong)(_state >> 64);
        ulong low = (ulong)_state;
        return BitOperations.RotateRight(high ^ low, (int)(high >> 58));
    }

    /// <summary>
    /// Next 32-bit output: NumPy's PCG64 splits each 64-bit draw, low half first, keeping the high
    /// half for the next call.
    /// </summary>
    public uint NextUInt32()
    {
        if (_hasUInt32)
        {
            _hasUInt32 = false;
            return _uint32;
        }

        ulong next = NextUInt64();
        _hasUInt32 = true;
        _uint32 = (uint)(next >> 32);
        return (uint)next;
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits (<c>Generator.random()</c>).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary><c>Generator.random(size)</c>: fills <paramref name="destination"/> with doubles in [0, 1).</summary>
    public void Random(Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = NextDouble();
        }
    }

    /// <summary><c>Generator.uniform(low, high)</c>: low + (high − low)·u with u in [0, 1).</summary>
    /// <param name="low">Lower bound.</param>
    /// <param name="high">Upper bound (high − low must be finite and non-negative).</param>
    public double Uniform(double low, double high)
    {
        double range = high - low;
        ValidateRange(range, low, high);
        return low + (range * NextDouble());
    }

    /// <summary><c>Generator.uniform(low, high, size=n)</c> with scalar bounds.</summary>
    /// <param name="destination">Receives n draws, in order.</param>
    /// <param name="low">Lower bound.</param>
    /// <param name="high">Upper bound.</param>
    public void Uniform(Span<double> destination, double low, double high)
    {
        double range = high - low;
        ValidateRange(range, low, high);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = low + (range * NextDouble());
        }
    }

    /// <summary>
    /// <c>Generator.integers(low, high)</c> for the default int64 dtype: a uniform integer in
    /// [low, high), by NumPy's rules (Lemire's nearly-divisionless method; 32-bit draws when the
    /// range fits in 32 bits; no draw at all when the range holds a single value).
    /// </summary>
    /// <param name="low">Inclusive lower bound.</param>
    /// <param name="high">Exclusive upper bound, greater than <paramref name="low"/>.</param>
    public long Integers(long low, long high)
    {
        if (high <= low)
        {
            throw new ArgumentException($"high must be greater than low, got low={low}, high={high}.", nameof(high));
        }

        ulong range = (ulong)(high - 1 - low);
        ulong offset = (ulong)low;
        if (range == 0)
        {
            return low;
        }

        if (range <= uint.MaxValue)
        {
            return range == uint.MaxValue
                ? (long)(offset + NextUInt32())
                : (long)(offset + BoundedLemireUInt32((uint)range));
        }

        return range == ulong.MaxValue
            ? (long)(offset + NextUInt64())
            : (long)(offset + BoundedLemireUInt64(range));
    }

    /// <summary><c>Generator.integers(high)</c>: a uniform integer in [0, high).</summary>
    /// <param name="high">Exclusive upper bound, positive.</param>
    public long Integers(long high) => Integers(0, high);

    /// <summary><c>Generator.standard_normal()</c>: NumPy's ziggurat method.</summary>
    public double StandardNormal()
    {
        while (true)
        {
            // One 64-bit draw: 8 bits pick the layer, 1 bit the sign, 52 bits the abscissa.
            ulong r = NextUInt64();
            int layer = (int)(r & 0xff);
            r >>= 8;
            bool negative = (r & 1) != 0;
            ulong magnitude = (r >> 1) & 0x000fffffffffffffUL;
            double x = magnitude * Ziggurat.NormalW[layer];
            if (negative)
            {
                x = -x;
            }

            if (magnitude < Ziggurat.NormalK[layer])
            {
                return x;
            }

            if (layer == 0)
            {
                // Tail beyond r (Marsaglia's method); log1p(−u) avoids log(0) for u in [0, 1).
                while (true)
                {
                    double xx = -Ziggurat.NormalInvR * CMath.Log1P(-NextDouble());
                    double yy = -CMath.Log1P(-NextDouble());
                    if (yy + yy > xx * xx)
                    {
                        return ((magnitude >> 8) & 1) != 0 ? -(Ziggurat.NormalR + xx) : Ziggurat.NormalR + xx;
                    }
                }
            }

            if (((Ziggurat.NormalF[layer - 1] - Ziggurat.NormalF[layer]) * NextDouble()) + Ziggurat.NormalF[layer] < Math.Exp(-0.5 * x * x))
            {
                return x;
            }
        }
    }

    /// <summary><c>Generator.normal(loc, scale)</c> = loc + scale · standard_normal().</summary>
    /// <param name="loc">Mean.</param>
    /// <param name="scale">Standard deviation, non-negative.</param>
    public double Normal(double loc, double scale)
    {
        if (!(scale >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be non-negative.");
        }

        return loc + (scale * StandardNormal());
    }

    /// <summary><c>Generator.standard_exponential()</c>: NumPy's ziggurat method.</summary>
    public double StandardExponential()
    {
        while (true)
        {
            // NumPy drops the low 3 bits, takes the next 8 for the layer and the top 53 as the abscissa.
            ulong r = NextUInt64() >> 3;
            int layer = (int)(r & 0xff);
            r >>= 8;
            double x = r * Ziggurat.ExponentialW[layer];
            if (r < Ziggurat.ExponentialK[layer])
            {
                return x;
            }

            if (layer == 0)
            {
                return Ziggurat.ExponentialR - CMath.Log1P(-NextDouble());
            }

            if (((Ziggurat.ExponentialF[layer - 1] - Ziggurat.ExponentialF[layer]) * NextDouble()) + Ziggurat.ExponentialF[layer] < Math.Exp(-x))
            {
                return x;
            }
        }
    }

    private static void ValidateRange(double range, double low, double high)
    {
        if (!double.IsFinite(range))
        {
            throw new OverflowException($"high - low range exceeds valid bounds: low={low}, high={high}.");
        }

        if (range < 0)
        {
            throw new ArgumentException($"high - low must be non-negative, got low={low}, high={high}.", nameof(high));
        }
    }

    private void Step() => _state = (_state * Multiplier) + _increment;

    // Lemire: the high word of draw × (range + 1) is uniform once draws whose low word falls below
    // (2^32 − (range + 1)) mod (range + 1) are rejected.
    private uint BoundedLemireUInt32(uint range)
    {
        uint rangeExclusive = range + 1;
        ulong m = (ulong)NextUInt32() * rangeExclusive;
        uint leftover = (uint)m;
        if (leftover < rangeExclusive)
        {
            uint threshold = (uint.MaxValue - range) % rangeExclusive;
            while (leftover < threshold)
            {
                m = (ulong)NextUInt32() * rangeExclusive;
                leftover = (uint)m;
            }
        }

        return (uint)(m >> 32);
    }

    private ulong BoundedLemireUInt64(ulong range)
    {
        ulong rangeExclusive = range + 1;
        ulong high = Math.BigMul(NextUInt64(), rangeExclusive, out ulong leftover);
        if (leftover < rangeExclusive)
        {
            ulong threshold = (ulong.MaxValue - range) % rangeExclusive;
            while (leftover < threshold)
            {
                high = Math.BigMul(NextUInt64(), rangeExclusive, out leftover);
            }
        }

        return high;
    }
}

/// <summary>
/// The platform C library's <c>log1p</c>, which NumPy's samplers call (<c>npy_log1p</c>). .NET has no
/// log1p of its own (<c>double.LogP1</c> is log(1 + x), which rounds differently), so the C function is
/// looked up once; where no C library exports it, a managed fallback keeps draws correct to about one
/// ulp but no longer bit-identical to NumPy.
/// </summary>
internal static unsafe class CMath
{
    private static readonly delegate* unmanaged[Cdecl]<double, double> NativeLog1P = Resolve();

    /// <summary>Whether the C library's log1p was found (draws are bit-identical to NumPy's only then).</summary>
    public static bool HasNativeLog1P => NativeLog1P != null;

    /// <summary>log(1 + x), by the C library when it has one.</summary>
    public static double Log1P(double x)
    {
        if (NativeLog1P != null)
        {
            return NativeLog1P(x);
        }

        // Managed fallback: log(u)·x/(u − 1) with u = 1 + x corrects the rounding of 1 + x (Goldberg,
        // "What every computer scientist should know about floating-point arithmetic", 1991).
        double u = 1.0 + x;
        return u == 1.0 ? x : Math.Log(u) * x / (u - 1.0);
    }

    private static delegate* unmanaged[Cdecl]<double, double> Resolve()
    {
        string[] candidates = OperatingSystem.IsWindows() ? ["ucrtbase.dll", "msvcrt.dll"]
            : OperatingSystem.IsMacOS() ? ["/usr/lib/libSystem.B.dylib", "libSystem.dylib"]
            : ["libm.so.6", "libm.so"];
        foreach (string name in candidates)
        {
            if (NativeLibrary.TryLoad(name, out IntPtr library) && NativeLibrary.TryGetExport(library, "log1p", out IntPtr function))
            {
                return (delegate* unmanaged[Cdecl]<double, double>)function;
            }
        }

        return null;
    }
}
