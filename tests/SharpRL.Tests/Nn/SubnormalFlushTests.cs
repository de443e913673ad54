using SharpRL.Nn;

namespace SharpRL.Tests.Nn;

/// <summary>
/// Adam and RMSprop store moments below float's smallest normal number (1.18e-38) as zero, because x86 cores
/// run SIMD operations on subnormals through a slow microcode assist. The claim checked here is that this
/// changes the stored moments and nothing else: θ stays bit for bit what the unflushed formula, computed in
/// float in the same order of operations, gives — through the steps where the unflushed moments are subnormal.
/// </summary>
public class SubnormalFlushTests
{
    private const int Length = 37; // the SIMD body and the scalar tail
    private const float MinNormal = 1.17549435e-38f;

    private static bool IsSubnormal(float x) => x != 0 && MathF.Abs(x) < MinNormal;

    private static float[] Buffer(OptimizerState<float> state, string name) => state.Buffers[name][0];

    [Fact]
    public void Adam_GradientsStop_MomentsPassThroughSubnormalRange_StoredAsZeroAndThetaBitIdenticalToUnflushedFormula()
    {
        const double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        var theta = new Parameter<float>("theta", Length);
        var rng = new Random(7);
        for (int i = 0; i < Length; i++)
        {
            theta.Value[i] = (float)((2 * rng.NextDouble()) - 1);
        }

        float[] refTheta = (float[])theta.Value.Clone(), refM = new float[Length], refV = new float[Length];
        var adam = new Adam<float>([theta], lr, beta1, beta2, eps);
        float b1 = (float)beta1, b2 = (float)beta2, omb1 = (float)(1.0 - beta1), omb2 = (float)(1.0 - beta2), e = (float)eps;
        bool sawSubnormalM = false, sawSubnormalV = false;

        // Gradients of about 1.5e-6 for five steps, then zeros: the unflushed m is subnormal around steps 705–855,
        // the unflushed v from about step 55,000; the last step brings a gradient of 1e-21 (m normal, g² subnormal).
        const int zeroSteps = 60_000;
        for (int step = 1; step <= 5 + zeroSteps + 1; step++)
        {
            for (int i = 0; i < Length; i++)
            {
                float g = step <= 5 ? (float)((1 + rng.NextDouble()) * 1e-6 * (i % 2 == 0 ? 1 : -1))
                    : step == 5 + zeroSteps + 1 ? 1e-21f : 0f;
                theta.Gradient[i] = g;
                refM[i] = (b1 * refM[i]) + (omb1 * g);
                refV[i] = (b2 * refV[i]) + (omb2 * g * g);
                float stepSize = (float)(lr / (1.0 - Math.Pow(beta1, step)));
                float sqrtBias2 = (float)Math.Sqrt(1.0 - Math.Pow(beta2, step));
                refTheta[i] -= stepSize * (refM[i] / ((MathF.Sqrt(refV[i]) / sqrtBias2) + e));
            }

            adam.Step();
            Assert.True(refTheta.AsSpan().SequenceEqual(theta.Value), $"θ differs from the unflushed formula after step {step}");
            if (step == 780 || step == 5 + zeroSteps)
            {
                OptimizerState<float> state = adam.SaveState();
                float[] m = Buffer(state, "exp_avg"), v = Buffer(state, "exp_avg_sq");
                for (int i = 0; i < Length; i++)
                {
                    sawSubnormalM |= IsSubnormal(refM[i]);
                    sawSubnormalV |= IsSubnormal(refV[i]);
                    Assert.Equal(IsSubnormal(refM[i]) ? 0f : refM[i], m[i]);
                    Assert.Equal(IsSubnormal(refV[i]) ? 0f : refV[i], v[i]);
                }
            }
        }

        Assert.True(sawSubnormalM && sawSubnormalV, "the constructed case must drive both moments into the subnormal range");
    }

    [Fact]
    public void Adam_EpsilonZero_SecondMomentKeptSubnormal()
    {
        // With ε = 0, √v is not absorbed by ε, so a flushed v would change the step: v is left as it is.
        var theta = new Parameter<float>("theta", Length);
        var adam = new Adam<float>([theta], 1e-3, epsilon: 0);
        float refV = 0;
        for (int step = 1; step <= 60_000; step++)
        {
            float g = step <= 5 ? 1.5e-6f : 0f;
            Array.Fill(theta.Gradient, g);
            refV = (0.999f * refV) + ((float)(1.0 - 0.999) * g * g);
            adam.Step();
        }

        Assert.True(IsSubnormal(refV), $"reference v {refV} should be subnormal");
        Assert.All(Buffer(adam.SaveState(), "exp_avg_sq"), v => Assert.Equal(refV, v));
    }

    [Fact]
    public void RmsProp_GradientsStop_SquareAverageStoredAsZeroAndThetaBitIdenticalToUnflushedFormula()
    {
        const float lr = 0.01f, alpha = 0.99f, eps = 1e-5f;
        var theta = new Parameter<float>("theta", Length);
        var rng = new Random(8);
        for (int i = 0; i < Length; i++)
        {
            theta.Value[i] = (float)((2 * rng.NextDouble()) - 1);
        }

        float[] refTheta = (float[])theta.Value.Clone(), refS = new float[Length];
        var rmsProp = new RmsProp<float>([theta], lr, alpha, eps);
        float oneMinusAlpha = (float)(1.0 - 0.99);
        bool sawSubnormal = false;

        // s ≈ 1e-13 after five steps, subnormal from about step 5,700; then a gradient of 1e-21 meets the flushed s.
        const int zeroSteps = 6_500;
        for (int step = 1; step <= 5 + zeroSteps + 1; step++)
        {
            for (int i = 0; i < Length; i++)
            {
                float g = step <= 5 ? (float)((1 + rng.NextDouble()) * 1e-6) : step == 5 + zeroSteps + 1 ? 1e-21f : 0f;
                theta.Gradient[i] = g;
                refS[i] = ((float)alpha * refS[i]) + (oneMinusAlpha * g * g);
                refTheta[i] -= lr * (g / (MathF.Sqrt(refS[i]) + eps));
            }

            if (step == 5 + zeroSteps + 1)
            {
                float[] s = Buffer(rmsProp.SaveState(), "square_avg");
                for (int i = 0; i < Length; i++)
                {
                    Assert.Equal(0f, s[i]);
                }

                sawSubnormal = refS.Any(IsSubnormal);
            }

            rmsProp.Step();
            Assert.True(refTheta.AsSpan().SequenceEqual(theta.Value), $"θ differs from the unflushed formula after step {step}");
        }

        Assert.True(sawSubnormal, "the constructed case must drive s into the subnormal range");
    }

    [Theory]
    [InlineData(1e-8, true)]
    [InlineData(1e-5, true)]
    [InlineData(1e-12, false)]
    [InlineData(0.0, false)]
    public void SecondMomentFlushIsExact_Float_DependsOnEpsilon(double epsilon, bool expected)
    {
        // √(1.18e-38) / √(1 − 0.999) ≈ 3.4e-18 must be below half an ulp of ε (≥ ε·2⁻²⁵).
        Assert.Equal(expected, SubnormalFlush.SecondMomentFlushIsExact<float>(epsilon, Math.Sqrt(1 - 0.999)));
    }
}
