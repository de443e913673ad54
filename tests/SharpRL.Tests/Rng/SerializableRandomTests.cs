using SharpRL.Rng;

namespace SharpRL.Tests.Rng;

public class SerializableRandomTests
{
    [Fact]
    public void SplitMix64_Seed1234567_MatchesPublishedSequence()
    {
        // Reference outputs of splitmix64 for seed 1234567 (the sequence used by the algorithm's authors' tests).
        ulong state = 1234567;
        ulong[] expected = [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821];
        foreach (ulong value in expected)
        {
            Assert.Equal(value, SerializableRandom.SplitMix64(ref state));
        }
    }

    [Fact]
    public void NextUInt64_State1234_MatchesHandComputedXoshiro()
    {
        // From state (1, 2, 3, 4): rotl(2·5, 7)·9 = 11520; the next state has s1 = 0, so 0; then
        // s1 = 262149 gives rotl(262149·5, 7)·9 = 1509978240.
        var rng = new SerializableRandom([1UL, 2UL, 3UL, 4UL]);
        Assert.Equal(11520UL, rng.NextUInt64());
        Assert.Equal(0UL, rng.NextUInt64());
        Assert.Equal(1509978240UL, rng.NextUInt64());
    }

    [Fact]
    public void Constructor_SameSeed_SameStream()
    {
        var a = new SerializableRandom(42);
        var b = new SerializableRandom(42);
        var c = new SerializableRandom(43);
        bool anyDifferent = false;
        for (int i = 0; i < 1000; i++)
        {
            ulong x = a.NextUInt64();
            Assert.Equal(x, b.NextUInt64());
            anyDifferent |= x != c.NextUInt64();
        }

        Assert.True(anyDifferent);
    }

    [Fact]
    public void SaveState_RestoreMidStream_ContinuesIdentically()
    {
        var original = new SerializableRandom(7);
        for (int i = 0; i < 17; i++)
        {
            original.NextDouble();
        }

        string saved = original.SaveState();
        ulong[] words = original.GetState();
        var fromString = SerializableRandom.FromStateString(saved);
        var fromWords = new SerializableRandom(words);
        var restoredInPlace = new SerializableRandom(0);
        restoredInPlace.RestoreState(saved);

        for (int i = 0; i < 100; i++)
        {
            double expectedDouble = original.NextDouble();
            Assert.Equal(expectedDouble, fromString.NextDouble());
            Assert.Equal(expectedDouble, fromWords.NextDouble());
            Assert.Equal(expectedDouble, restoredInPlace.NextDouble());
            int expectedInt = original.Next(10);
            Assert.Equal(expectedInt, fromString.Next(10));
            Assert.Equal(expectedInt, fromWords.Next(10));
            Assert.Equal(expectedInt, restoredInPlace.Next(10));
        }
    }

    [Fact]
    public void GetState_ReturnsCopy_CallerCannotMutateGenerator()
    {
        var rng = new SerializableRandom(3);
        ulong[] state = rng.GetState();
        state[0] ^= 1;
        Assert.NotEqual(state[0], rng.GetState()[0]);
    }

    [Fact]
    public void NextDouble_100kDraws_MeanNearHalfAndInUnitInterval()
    {
        var rng = new SerializableRandom(12345);
        double sum = 0;
        for (int i = 0; i < 100_000; i++)
        {
            double x = rng.NextDouble();
            Assert.InRange(x, 0.0, Math.BitDecrement(1.0));
            sum += x;
        }

        // Standard error of the mean is 1/sqrt(12·1e5) ≈ 0.0009, so ±0.01 is more than 10 sigma.
        Assert.InRange(sum / 100_000, 0.49, 0.51);
    }

    [Fact]
    public void NextSingle_100kDraws_MeanNearHalfAndBelowOne()
    {
        var rng = new SerializableRandom(99);
        double sum = 0;
        for (int i = 0; i < 100_000; i++)
        {
            float x = rng.NextSingle();
            Assert.True(x is >= 0f and < 1f, $"NextSingle returned {x}");
            sum += x;
        }

        Assert.InRange(sum / 100_000, 0.49, 0.51);
    }

    [Fact]
    public void NextInt_Range_EveryBucketHitEvenly()
    {
        var rng = new SerializableRandom(5);
        int[] counts = new int[10];
        for (int i = 0; i < 100_000; i++)
        {
            counts[rng.Next(3, 13) - 3]++;
        }

        // Each bucket expects 10 000 with standard deviation ≈ 95; allow ±5 %.
        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
    }

    [Fact]
    public void Next_Bounds_RespectedIncludingExtremes()
    {
        var rng = new SerializableRandom(11);
        for (int i = 0; i < 10_000; i++)
        {
            Assert.InRange(rng.Next(), 0, int.MaxValue - 1);
            Assert.InRange(rng.Next(int.MinValue, int.MaxValue), int.MinValue, int.MaxValue - 1);
            Assert.InRange(rng.NextInt64(long.MinValue, long.MaxValue), long.MinValue, long.MaxValue - 1);
            Assert.InRange(rng.NextInt64(5), 0, 4);
        }

        Assert.Equal(0, rng.Next(0));
        Assert.Equal(0, rng.Next(1));
        Assert.Equal(-4, rng.Next(-4, -4));
        Assert.Equal(9L, rng.NextInt64(9, 9));
    }

    [Fact]
    public void NextBytes_OddLength_FilledFromLittleEndianWords()
    {
        var a = new SerializableRandom(21);
        var b = new SerializableRandom(21);
        byte[] bytes = new byte[11];
        a.NextBytes(bytes);
        ulong first = b.NextUInt64();
        ulong second = b.NextUInt64();
        Assert.Equal(BitConverter.GetBytes(first), bytes[..8]);
        Assert.Equal(BitConverter.GetBytes(second)[..3], bytes[8..]);
    }

    [Fact]
    public void SetState_AllZero_ThrowsNamingParameter()
    {
        var rng = new SerializableRandom(1);
        var ex = Assert.Throws<ArgumentException>(() => rng.SetState([0UL, 0UL, 0UL, 0UL]));
        Assert.Equal("state", ex.ParamName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("xoshiro256**:1,2,3")]
    [InlineData("pcg64:1,2,3,4")]
    [InlineData("xoshiro256**:1,2,3,zz")]
    [InlineData("xoshiro256**:0,0,0,0")]
    public void RestoreState_Malformed_ThrowsArgumentException(string state)
    {
        var rng = new SerializableRandom(1);
        var ex = Assert.Throws<ArgumentException>(() => rng.RestoreState(state));
        Assert.Equal("state", ex.ParamName);
    }

    [Fact]
    public void Next_NegativeMax_ThrowsWithValue()
    {
        var rng = new SerializableRandom(1);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => rng.Next(-1));
        Assert.Equal("maxValue", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.Next(5, 4));
    }
}
