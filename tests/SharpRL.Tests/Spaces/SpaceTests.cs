using SharpRL.Rng;
using SharpRL.Spaces;

namespace SharpRL.Tests.Spaces;

public class SpaceTests
{
    [Fact]
    public void DiscreteSample_Seed42_MatchesGymnasiumDraws()
    {
        // NumPy 1.24.2: g = np.random.default_rng(42); [3 + g.integers(5) for _ in range(8)]
        // (Gymnasium's Discrete(5, start=3).sample() is start + np_random.integers(n)).
        var space = new Discrete(5, start: 3);
        var random = NumpyGenerator.Create(42);
        Assert.Equal([3, 6, 6, 5, 5, 7, 3, 6], Enumerable.Range(0, 8).Select(_ => space.Sample(random)).ToArray());
    }

    [Fact]
    public void BoxSample_BoundedSeed42_MatchesGymnasiumDraws()
    {
        // NumPy 1.24.2: g = np.random.default_rng(42);
        // g.uniform(low=[-1, -2, 0], high=[1, 2, 0.5], size=(3,)).astype(np.float32)  (Gymnasium's bounded Box rule)
        var space = new Box([-1f, -2f, 0f], [1f, 2f, 0.5f]);
        var sample = new float[3];
        space.Sample(sample, NumpyGenerator.Create(42));
        Assert.Equal([0.5479121208190918f, -0.2444862425327301f, 0.4292989671230316f], sample);
    }

    [Fact]
    public void MultiDiscreteSample_Seed42_MatchesGymnasiumDraws()
    {
        // NumPy 1.24.2: g = np.random.default_rng(42); (g.random((3,)) * [2, 3, 4]).astype(np.int64), three times.
        var space = new MultiDiscrete([2, 3, 4]);
        var random = NumpyGenerator.Create(42);
        var sample = new float[3];
        float[][] expected = [[1, 1, 3], [1, 0, 3], [1, 2, 0]];
        foreach (float[] row in expected)
        {
            space.Sample(sample, random);
            Assert.Equal(row, sample);
        }
    }

    [Fact]
    public void Sample_ManyDraws_AlwaysContained()
    {
        var random = NumpyGenerator.Create(0);
        Space[] spaces =
        [
            new Discrete(3, start: -1),
            new MultiDiscrete([2, 5], [0, -2]),
            new Box(-2f, 3f, 2, 2),
            new Box([float.NegativeInfinity, 0f, float.NegativeInfinity, -1f], [float.PositiveInfinity, float.PositiveInfinity, 4f, float.MaxValue]),
        ];
        foreach (Space space in spaces)
        {
            var sample = new float[space.FlatSize];
            for (int i = 0; i < 1000; i++)
            {
                space.Sample(sample, random);
                Assert.True(space.Contains(sample), $"{space} produced [{string.Join(", ", sample)}]");
            }
        }
    }

    [Fact]
    public void BoxSample_HalfBounded_RespectsTheFiniteSide()
    {
        var space = new Box([float.NegativeInfinity, 1f], [2f, float.PositiveInfinity]);
        var random = NumpyGenerator.Create(1);
        var sample = new float[2];
        for (int i = 0; i < 200; i++)
        {
            space.Sample(sample, random);
            Assert.True(sample[0] <= 2f && sample[1] >= 1f);
        }
    }

    [Fact]
    public void DiscreteContains_EdgesAndNonIntegers_Classified()
    {
        var space = new Discrete(2);
        Assert.True(space.Contains([0f]));
        Assert.True(space.Contains([1f]));
        Assert.False(space.Contains([2f]));
        Assert.False(space.Contains([-1f]));
        Assert.False(space.Contains([0.5f]));
        Assert.False(space.Contains([float.NaN]));
    }

    [Fact]
    public void BoxContains_BoundsInclusiveNaNExcluded()
    {
        var space = new Box(-1f, 1f, 2);
        Assert.True(space.Contains([-1f, 1f]));
        Assert.False(space.Contains([-1.0001f, 0f]));
        Assert.False(space.Contains([0f, float.NaN]));
        Assert.Throws<ArgumentException>(() => space.Contains([0f]));
    }

    [Fact]
    public void MultiDiscreteContains_PerComponentRange_Classified()
    {
        var space = new MultiDiscrete([2, 3], [0, 1]);
        Assert.True(space.Contains([1f, 3f]));
        Assert.False(space.Contains([1f, 0f]));
        Assert.False(space.Contains([2f, 1f]));
    }

    [Fact]
    public void Equals_SameValues_EqualWithEqualHashes()
    {
        Assert.Equal(new Discrete(4, 1), new Discrete(4, 1));
        Assert.NotEqual(new Discrete(4), new Discrete(4, 1));
        Assert.Equal(new Box(-1f, 1f, 3), new Box([-1f, -1f, -1f], [1f, 1f, 1f]));
        Assert.Equal(new Box(-1f, 1f, 3).GetHashCode(), new Box([-1f, -1f, -1f], [1f, 1f, 1f]).GetHashCode());
        Assert.NotEqual(new Box(-1f, 1f, 3), new Box(-1f, 1f, 1, 3));
        Assert.NotEqual<Space>(new Discrete(3), new MultiDiscrete([3]));
        Assert.Equal(new MultiDiscrete([2, 3]), new MultiDiscrete([2, 3], [0, 0]));
    }

    [Fact]
    public void ToString_CommonSpaces_MatchGymnasiumRepr()
    {
        // Expected strings are what Gymnasium prints (repr(space)) with NumPy 1.24.
        Assert.Equal("Discrete(2)", new Discrete(2).ToString());
        Assert.Equal("Discrete(3, start=-1)", new Discrete(3, -1).ToString());
        Assert.Equal("Box(-1.0, 1.0, (3,), float32)", new Box(-1f, 1f, 3).ToString());
        Assert.Equal("Box(-1.0, 2.0, (3, 4), float32)", new Box(-1f, 2f, 3, 4).ToString());
        Assert.Equal("Box([-1. -2.], [2. 4.], (2,), float32)", new Box([-1f, -2f], [2f, 4f]).ToString());
        Assert.Equal("Box([-1.2  -0.07], [0.6  0.07], (2,), float32)", new Box([-1.2f, -0.07f], [0.6f, 0.07f]).ToString());
        Assert.Equal("Box(-2.0, 2.0, (1,), float32)", new Box(-2f, 2f, 1).ToString());
        Assert.Equal(
            "Box([-4.8000002e+00 -3.4028235e+38 -4.1887903e-01 -3.4028235e+38], [4.8000002e+00 3.4028235e+38 4.1887903e-01 3.4028235e+38], (4,), float32)",
            new Box([-4.8f, -float.MaxValue, -0.41887903f, -float.MaxValue], [4.8f, float.MaxValue, 0.41887903f, float.MaxValue]).ToString());
        Assert.Equal("Box(-inf, inf, (2,), float32)", new Box(float.NegativeInfinity, float.PositiveInfinity, 2).ToString());
        Assert.Equal("MultiDiscrete([2 3])", new MultiDiscrete([2, 3]).ToString());
    }

    [Fact]
    public void ShapeFlatSizeDType_ReportedLikeGymnasium()
    {
        var box = new Box(0f, 1f, 2, 3);
        Assert.Equal([2, 3], box.Shape);
        Assert.Equal(6, box.FlatSize);
        Assert.Equal("float32", box.DType);
        Assert.Empty(new Discrete(2).Shape);
        Assert.Equal(1, new Discrete(2).FlatSize);
        Assert.Equal("int64", new Discrete(2).DType);
        Assert.Equal([3], new MultiDiscrete([1, 2, 3]).Shape);
    }

    [Fact]
    public void Constructors_InvalidArguments_ThrowWithParameterName()
    {
        Assert.Equal("n", Assert.Throws<ArgumentOutOfRangeException>(() => new Discrete(0)).ParamName);
        Assert.Equal("low", Assert.Throws<ArgumentException>(() => new Box(1f, 0f, 2)).ParamName);
        Assert.Equal("low", Assert.Throws<ArgumentException>(() => new Box(float.PositiveInfinity, float.PositiveInfinity, 1)).ParamName);
        Assert.Equal("high", Assert.Throws<ArgumentException>(() => new Box([0f], [float.NaN])).ParamName);
        Assert.Equal("high", Assert.Throws<ArgumentException>(() => new Box([0f, 0f], [1f])).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentOutOfRangeException>(() => new Box(0f, 1f, 0)).ParamName);
        Assert.Equal("nvec", Assert.Throws<ArgumentOutOfRangeException>(() => new MultiDiscrete([2, 0])).ParamName);
        Assert.Contains("low[0] = 1 > high[0] = 0", Assert.Throws<ArgumentException>(() => new Box(1f, 0f, 2)).Message, StringComparison.Ordinal);
    }
}
