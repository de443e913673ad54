using SharpRL.Rng;

namespace SharpRL.Tests.Rng;

// Reference numbers come from real NumPy 1.24.2 (Debian python3-numpy, /usr/bin/python3):
//   ss = np.random.SeedSequence(seed); ss.pool; ss.generate_state(4, np.uint64)
//   bg = np.random.PCG64(np.random.SeedSequence(seed)); bg.state['state']; bg.random_raw(3)
//   g = np.random.default_rng(seed); g.uniform(-0.05, 0.05, size=4)   (bits via .view(np.uint64))
//   g = np.random.default_rng(seed); [g.integers(2) for _ in range(10)], [g.integers(3) for _ in range(5)],
//       g.integers(0, 10**12), g.random()
//   g = np.random.default_rng(seed); g.standard_normal(3); g.standard_exponential(3)
public class NumpyGeneratorTests
{
    public static TheoryData<int, ulong[], ulong, ulong, ulong, ulong, ulong[]> SeedingCases => new()
    {
        { 0, [0xdb2cd7e7b0f478beUL, 0xabf4641a2c71ba49UL, 0x20c6ed6d9d7b8d41UL, 0x2c4099de223c39d4UL], 0x1aa1b5345996452dUL, 0x09585eb7a69561e3UL, 0x418ddadb3af71a82UL, 0x588133bc447873a9UL, [0xa30febcfd9c2825fUL, 0x4510bdf882d9d721UL, 0x0a7d3da94ecde8b8UL] },
        { 1, [0x672d8ee56d6791ffUL, 0x8ae19ca14eb1072cUL, 0x4915796d1322fc4aUL, 0xd0cc2bdcaba049bdUL], 0x9c5b484bfedb756cUL, 0x2a6e7d6f320fbc7eUL, 0x922af2da2645f895UL, 0xa19857b95740937bUL, [0x8306bdf37922e4ffUL, 0xf35196bbc152a866UL, 0x24e7a4f608ec18cdUL] },
        { 42, [0x9f1e2e6dcd540ab7UL, 0xd57873dc79fb94b6UL, 0x7d282a1b64d420b7UL, 0x336579714692d5ffUL], 0xcea44f6798798f2aUL, 0xacbc7c9d68860ac8UL, 0xfa505436c9a8416eUL, 0x66caf2e28d25abffUL, [0xc621fbcd16d92688UL, 0x705a5661a791ffc1UL, 0xdbcd12c26eda1624UL] },
        { 12345, [0xb5ae6482a03d837cUL, 0xbbe2996ffa1f7a2fUL, 0x64e39a9f37158f94UL, 0x3ebb0f96a013fd73UL], 0x1905e0335aae9634UL, 0x9199b0d09775add5UL, 0xc9c7353e6e2b1f28UL, 0x7d761f2d4027fae7UL, [0x3a32b18db2ffc19dUL, 0x51171315c9e4c4deUL, 0xcc2024823444efd9UL] },
    };

    public static TheoryData<int, ulong[]> UniformCases => new()
    {
        { 0, [0x3F8C0CBCA647CED0UL, 0xBF9792E736320F47UL, 0xBFA7808D4489D6D2UL, 0xBFA8C0F80EC8F29DUL] },
        { 1, [0x3F535E59496DAC00UL, 0x3FA7105158C043BCUL, 0xBFA2381235316A62UL, 0x3FA6F889BC9088E2UL] },
        { 42, [0x3F9C0D97EBA2BD40UL, 0xBF79090F63C0B010UL, 0x3FA25C36F3AFC536UL, 0x3F9435E26C08CD04UL] },
        { 12345, [0xBF9BEBB8FA85334DUL, 0xBF92C391F748D7B4UL, 0x3F9E7341CDAE81F8UL, 0x3F920C6912A835F8UL] },
    };

    public static TheoryData<int, int[], int[], long, ulong> IntegerCases => new()
    {
        { 0, [1, 1, 1, 0, 0, 0, 0, 0, 0, 1], [1, 2, 1, 1, 2], 543624991465L, 0x3FEDEC1D00F1EAD7UL },
        { 1, [0, 1, 1, 1, 0, 0, 1, 1, 0, 0], [2, 1, 0, 2, 0], 549593687673L, 0x3F9C3874C857CC00UL },
        { 42, [0, 1, 1, 0, 0, 1, 0, 1, 0, 0], [1, 2, 2, 2, 2], 128113632675L, 0x3FDCD31F8A75BE6EUL },
        { 12345, [1, 0, 1, 0, 0, 1, 1, 1, 1, 0], [2, 0, 1, 1, 0], 672756044014L, 0x3FEE233FC333A195UL },
    };

    public static TheoryData<int, ulong[], ulong[]> NormalExponentialCases => new()
    {
        { 0, [0x3FC017ED89DB8441UL, 0xBFC0E8CFE9BD45CCUL, 0x3FE47E57A468B06DUL], [0x3F62971F7C277255UL, 0x3FE19C68A7F248F4UL, 0x3FFA143C6BD49298UL] },
        { 1, [0x3FD61E0D28BBB3A1UL, 0x3FEA4AB22204681FUL, 0x3FD525E18CE5FC0AUL], [0x40158072860641F8UL, 0x3FD7738AB4917047UL, 0x3FBD885DD929E159UL] },
        { 42, [0x3FD3807C1104FC6BUL, 0xBFF0A3C65FCA9A7EUL, 0x3FE803B239E77350UL], [0x3FD1E8264F21493BUL, 0x3FB620C2ECDB1656UL, 0x3FF73E18F3F25FE5UL] },
        { 12345, [0xBFF6C7FCC2ECC744UL, 0x3FF4383B54EB0649UL, 0xBFEBDC76014D359EUL], [0x3FDAC9AA49A5A25BUL, 0x3FE05A802B679694UL, 0x3FF52A34CBDD7985UL] },
    };

    [Theory]
    [MemberData(nameof(SeedingCases))]
    public void Create_Seed_MatchesNumpySeedingStateAndRawOutputs(int seed, ulong[] generatedState, ulong stateHigh, ulong stateLow, ulong incHigh, ulong incLow, ulong[] raw)
    {
        var words = new ulong[4];
        new SeedSequence(seed).GenerateState(words);
        Assert.Equal(generatedState, words);

        var generator = NumpyGenerator.Create(seed);
        NumpyGeneratorState state = generator.GetState();
        Assert.Equal(new UInt128(stateHigh, stateLow), state.State);
        Assert.Equal(new UInt128(incHigh, incLow), state.Increment);
        Assert.Equal(raw, new[] { generator.NextUInt64(), generator.NextUInt64(), generator.NextUInt64() });
    }

    [Theory]
    [MemberData(nameof(UniformCases))]
    public void Uniform_Seed_MatchesNumpyBitForBit(int seed, ulong[] expectedBits)
    {
        var generator = NumpyGenerator.Create(seed);
        var draws = new double[4];
        generator.Uniform(draws, -0.05, 0.05);
        Assert.Equal(expectedBits, draws.Select(d => (ulong)BitConverter.DoubleToInt64Bits(d)).ToArray());
    }

    [Theory]
    [MemberData(nameof(IntegerCases))]
    public void Integers_Seed_MatchesNumpyIncludingThe32BitStash(int seed, int[] twos, int[] threes, long big, ulong nextRandomBits)
    {
        var generator = NumpyGenerator.Create(seed);
        Assert.Equal(twos, Enumerable.Range(0, 10).Select(_ => (int)generator.Integers(2)).ToArray());
        Assert.Equal(threes, Enumerable.Range(0, 5).Select(_ => (int)generator.Integers(3)).ToArray());
        Assert.Equal(big, generator.Integers(0, 1_000_000_000_000L));
        Assert.Equal(nextRandomBits, (ulong)BitConverter.DoubleToInt64Bits(generator.NextDouble()));
    }

    [Theory]
    [MemberData(nameof(NormalExponentialCases))]
    public void StandardNormalAndExponential_Seed_MatchNumpyBitForBit(int seed, ulong[] normalBits, ulong[] exponentialBits)
    {
        var generator = NumpyGenerator.Create(seed);
        Assert.Equal(normalBits, normalBits.Select(_ => Bits(generator.StandardNormal())).ToArray());
        Assert.Equal(exponentialBits, exponentialBits.Select(_ => Bits(generator.StandardExponential())).ToArray());
    }

    // NumPy 1.24.2: g = np.random.default_rng(7); n = g.standard_normal(10**6); e = g.standard_exponential(10**6);
    // FNV-1a-style hash over the bits (h = (h ^ bits) * 0x100000001b3 mod 2^64, from 0xcbf29ce484222325):
    // n -> 0x3d5d9c8d1a56d3b3, e -> 0x72df89a32b2b59ab; then g.bit_generator.random_raw() == 0x968426d609648fb8.
    // The million draws hold 247 normal and 463 exponential tail draws (the log1p branches) and
    // thousands of exp() rejections, so every branch is compared bit for bit.
    [Fact]
    public void StandardNormalAndExponential_MillionDraws_AreBitIdenticalToNumpy()
    {
        Assert.True(CMath.HasNativeLog1P, "The C library's log1p was not found: tail draws cannot match NumPy's bits.");
        var generator = NumpyGenerator.Create(7);
        ulong normalHash = Hash(generator.StandardNormal);
        ulong exponentialHash = Hash(generator.StandardExponential);
        Assert.Equal(0x3d5d9c8d1a56d3b3UL, normalHash);
        Assert.Equal(0x72df89a32b2b59abUL, exponentialHash);
        Assert.Equal(0x968426d609648fb8UL, generator.NextUInt64());
    }

    [Fact]
    public void Log1P_SmallArguments_IsAccurateWhereLogOfOnePlusXIsNot()
    {
        // log1p(x) = x − x²/2 + x³/3 − …; at x = 1e-10 the series is exact to double precision.
        const double x = 1e-10;
        double series = x - (x * x / 2) + (x * x * x / 3);
        Assert.Equal(series, CMath.Log1P(x), series * 1e-15);
        Assert.Equal(Math.Log(2.0), CMath.Log1P(1.0), 1e-16);
    }

    [Fact]
    public void SetState_SavedState_ReplaysTheSameStream()
    {
        var generator = NumpyGenerator.Create(3);
        generator.NextUInt32();
        NumpyGeneratorState saved = generator.GetState();
        long[] first = [generator.Integers(10), generator.Integers(1000), (long)generator.NextUInt64()];
        var restored = new NumpyGenerator(saved);
        long[] second = [restored.Integers(10), restored.Integers(1000), (long)restored.NextUInt64()];
        Assert.Equal(first, second);
    }

    [Fact]
    public void Create_NegativeSeed_ThrowsNamingTheSeed()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => NumpyGenerator.Create(-1));
        Assert.Equal("seed", error.ParamName);
    }

    [Fact]
    public void Uniform_InfiniteRange_ThrowsOverflow()
    {
        var generator = NumpyGenerator.Create(0);
        Assert.Throws<OverflowException>(() => generator.Uniform(double.NegativeInfinity, 0));
    }

    [Fact]
    public void Integers_SingleValueRange_ReturnsLowWithoutDrawing()
    {
        var generator = NumpyGenerator.Create(0);
        Assert.Equal(5, generator.Integers(5, 6));
        Assert.Equal(0xa30febcfd9c2825fUL, generator.NextUInt64());
    }

    private static ulong Bits(double value) => (ulong)BitConverter.DoubleToInt64Bits(value);

    private static ulong Hash(Func<double> draw)
    {
        ulong hash = 0xcbf29ce484222325UL;
        for (int i = 0; i < 1_000_000; i++)
        {
            hash = (hash ^ Bits(draw())) * 0x100000001b3UL;
        }

        return hash;
    }
}
