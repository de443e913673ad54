using SharpRL.Environments.ClassicControl;

namespace SharpRL.Environments.Tests.ClassicControl;

// Expected values printed by NumPy 1.24.2 (/usr/bin/python3) on this x86-64 machine with FMA3:
// repr(float(np.cos(np.float32(x)))) and np.sin likewise. Each case is one where NumPy's float32 result is not the
// correctly rounded one, so the tests fail if the code falls back to MathF or Math.
public class NumpyFloat32TrigTests
{
    [Theory]
    [InlineData(0.08045816421508789f, 0.9967650175094604f)]
    [InlineData(0.06845857203006744f, 0.9976575970649719f)]
    [InlineData(-0.09269572794437408f, 0.9957068562507629f)]
    [InlineData(-0.027659978717565536f, 0.9996175169944763f)]
    [InlineData(11502.6845703125f, -0.2541132867336273f)]
    [InlineData(-2932.818359375f, 0.14114436507225037f)]
    public void Cos_MatchesNumpyWhereCorrectRoundingDiffers(float x, float numpy)
    {
        Assert.NotEqual(numpy, (float)Math.Cos(x));
        Assert.Equal(BitConverter.SingleToInt32Bits(numpy), BitConverter.SingleToInt32Bits(NumpyFloat32Trig.Cos(x)));
    }

    [Theory]
    [InlineData(0.09687454998493195f, 0.09672309458255768f)]
    [InlineData(0.09423208236694336f, 0.09409268200397491f)]
    [InlineData(-0.08370229601860046f, -0.0836045891046524f)]
    [InlineData(-74522.5078125f, 0.7092803120613098f)]
    [InlineData(-47636.55078125f, 0.5491734743118286f)]
    public void Sin_MatchesNumpyWhereCorrectRoundingDiffers(float x, float numpy)
    {
        Assert.NotEqual(numpy, (float)Math.Sin(x));
        Assert.Equal(BitConverter.SingleToInt32Bits(numpy), BitConverter.SingleToInt32Bits(NumpyFloat32Trig.Sin(x)));
    }

    [Theory]
    [InlineData(3.0f, -0.9899924993515015f, 0.14112000167369843f)]
    [InlineData(-2.5f, -0.8011435866355896f, -0.5984721779823303f)]
    [InlineData(100000.0f, -0.9993607997894287f, 0.03574879840016365f)]
    [InlineData(0.0f, 1.0f, 0.0f)]
    public void SinCos_MatchNumpyAcrossQuadrants(float x, float cos, float sin)
    {
        Assert.Equal(cos, NumpyFloat32Trig.Cos(x));
        Assert.Equal(sin, NumpyFloat32Trig.Sin(x));
    }

    [Fact]
    public void BeyondTheReductionRange_AndNonFinite_FollowTheCLibrary()
    {
        // NumPy hands |x| > 71476.0625 (cos) and > 117435.992 (sin) to cosf/sinf; infinities and NaN give NaN.
        Assert.Equal(MathF.Cos(1e7f), NumpyFloat32Trig.Cos(1e7f));
        Assert.Equal(MathF.Sin(-3e6f), NumpyFloat32Trig.Sin(-3e6f));
        Assert.True(float.IsNaN(NumpyFloat32Trig.Cos(float.PositiveInfinity)));
        Assert.True(float.IsNaN(NumpyFloat32Trig.Sin(float.NaN)));
    }

    // Gymnasium's Acrobot reset(seed) observations for seeds whose NumPy cos/sin differ from the correctly
    // rounded ones (835: cos θ1; 1506: sin θ1; 2823: cos θ2), computed as Gymnasium's reset does:
    // s = np.random.default_rng(seed).uniform(-0.1, 0.1, size=(4,)).astype(np.float32), then
    // np.array([cos(s[0]), sin(s[0]), cos(s[1]), sin(s[1]), s[2], s[3]], dtype=np.float32).
    [Theory]
    [InlineData(835, new[] { 0.9974733591079712f, 0.07104109972715378f, 0.9992145299911499f, 0.03962766379117966f, -0.035897769033908844f, -0.07039622217416763f })]
    [InlineData(1506, new[] { 0.9965018630027771f, -0.08357064425945282f, 0.9963037967681885f, 0.0858994722366333f, 0.016909142956137657f, -0.021901743486523628f })]
    [InlineData(2823, new[] { 0.9988356232643127f, 0.04824361950159073f, 0.996176540851593f, -0.08736269176006317f, -0.022279921919107437f, -0.08486136049032211f })]
    public void AcrobotReset_ObservationIsGymnasiumsBitForBit(int seed, float[] expected)
    {
        using var env = new AcrobotEnv();
        var observation = new float[6];
        env.Reset(observation, seed: seed);
        Assert.Equal(expected, observation);
    }
}
