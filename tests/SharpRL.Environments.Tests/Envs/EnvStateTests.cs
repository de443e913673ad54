using System.Text.Json.Nodes;
using SharpRL.Environments.ClassicControl;
using SharpRL.Envs;
using SharpRL.Rng;

namespace SharpRL.Environments.Tests.Envs;

public class EnvStateTests
{
    [Fact]
    public void Number_EdgeAndRandomDoubles_RoundTripBitForBitThroughJsonText()
    {
        var values = new List<double>
        {
            0.0, -0.0, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, 2.2250738585072009E-308,
            0.1, 1.0 / 3.0, Math.PI, 9007199254740993, double.NaN, double.PositiveInfinity, double.NegativeInfinity,
        };
        var random = new Random(7);
        for (int i = 0; i < 20_000; i++)
        {
            values.Add(BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue)));
        }

        var state = new JsonObject { ["type"] = "Test", ["values"] = EnvState.Numbers([.. values]) };
        JsonObject parsed = JsonNode.Parse(state.ToJsonString())!.AsObject();
        double[] back = EnvState.ReadDoubles(parsed, "values", values.Count);
        for (int i = 0; i < values.Count; i++)
        {
            // NaN payloads are not preserved (only "NaN"); every other value keeps its exact bits.
            if (double.IsNaN(values[i]))
            {
                Assert.True(double.IsNaN(back[i]));
            }
            else
            {
                Assert.Equal(BitConverter.DoubleToInt64Bits(values[i]), BitConverter.DoubleToInt64Bits(back[i]));
            }
        }
    }

    [Fact]
    public void Generator_MidStreamWithStashedHalf_ContinuesTheSameStream()
    {
        NumpyGenerator original = NumpyGenerator.Create(123);
        original.NextUInt64();
        original.NextUInt32();
        Assert.True(original.GetState().HasUInt32);
        var state = new JsonObject { ["type"] = "Test", ["rng"] = EnvState.Generator(original) };
        NumpyGenerator restored = EnvState.ReadGenerator(JsonNode.Parse(state.ToJsonString())!.AsObject(), "rng")!;
        Assert.Equal(original.GetState(), restored.GetState());
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(original.NextUInt32(), restored.NextUInt32());
            Assert.Equal(original.StandardNormal(), restored.StandardNormal());
        }
    }

    [Fact]
    public void Generator_NotCreatedYet_StaysNull()
    {
        var state = new JsonObject { ["type"] = "Test", ["rng"] = EnvState.Generator(null) };
        Assert.Null(EnvState.ReadGenerator(JsonNode.Parse(state.ToJsonString())!.AsObject(), "rng"));
        Assert.Throws<ArgumentException>(() => EnvState.ReadGenerator(new JsonObject { ["type"] = "Test" }, "rng"));
    }

    [Fact]
    public void ReadInt32_OutOfRangeOrFractional_RefusedWithTheRange()
    {
        var state = new JsonObject { ["type"] = "Test", ["a"] = -1, ["b"] = 1.5, ["c"] = "7" };
        Assert.Contains("[0, 10]", Assert.Throws<ArgumentException>(() => EnvState.ReadInt32(state, "a", 0, 10)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => EnvState.ReadInt32(state, "b"));
        Assert.Throws<ArgumentException>(() => EnvState.ReadInt32(state, "c"));
    }

    [Fact]
    public void SaveState_CartPole_IsReadableJsonTaggedWithItsType()
    {
        var env = new CartPoleEnv();
        env.Reset(new float[4], seed: 42);
        JsonObject state = env.SaveState().AsObject();
        Assert.Equal("CartPoleEnv", state["type"]!.GetValue<string>());
        Assert.Equal(4, state["state"]!.AsArray().Count);
        Assert.Equal(32, state["np_random"]!["state"]!.GetValue<string>().Length);
        Assert.False(state["needs_reset"]!.GetValue<bool>());
    }
}
