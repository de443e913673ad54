using SharpRL.Envs;

namespace SharpRL.Tests.Envs;

public class RunningMeanStdTests
{
    [Fact]
    public void Update_SeveralBatches_EqualsStatisticsOfTheConcatenatedData()
    {
        var random = new Random(3);
        var rms = new RunningMeanStd(3);
        var columns = new List<double>[] { [], [], [] };
        foreach (int batchSize in new[] { 1, 7, 64, 3, 200 })
        {
            float[] batch = new float[batchSize * 3];
            for (int r = 0; r < batchSize; r++)
            {
                for (int j = 0; j < 3; j++)
                {
                    float x = (float)((random.NextDouble() * (j + 1) * 4) + (10 * j) - 5);
                    batch[(r * 3) + j] = x;
                    columns[j].Add(x);
                }
            }

            rms.Update(batch);
        }

        Assert.Equal(275 + RunningMeanStd.InitialCount, rms.Count, 1e-12);
        for (int j = 0; j < 3; j++)
        {
            // Exact (up to rounding) once the ε prior is included ...
            var (mean, variance) = ReferenceStatistics.WithPrior(columns[j]);
            Assert.Equal(mean, rms.Mean[j], 1e-10);
            Assert.Equal(variance, rms.Variance[j], 1e-10);

            // ... and within ε/n·(1 + μ²) of NumPy's mean/var of the concatenated data (n = 275).
            var (plainMean, plainVariance) = ReferenceStatistics.Plain(columns[j]);
            Assert.Equal(plainMean, rms.Mean[j], 1e-5);
            Assert.Equal(plainVariance, rms.Variance[j], 1e-6 * (1 + (plainMean * plainMean)));
        }
    }

    [Fact]
    public void Update_FloatAndDoubleBatches_Agree()
    {
        var a = new RunningMeanStd(2);
        var b = new RunningMeanStd(2);
        float[] f = [1, 2, 3, 5, -4, 8];
        double[] d = [1, 2, 3, 5, -4, 8];
        a.Update(f);
        b.Update(d);
        Assert.Equal(a.Mean.ToArray(), b.Mean.ToArray());
        Assert.Equal(a.Variance.ToArray(), b.Variance.ToArray());
    }

    [Fact]
    public void Update_WhileFrozen_LeavesStatisticsUnchanged()
    {
        var rms = new RunningMeanStd(1);
        rms.Update([2.0, 4.0]);
        RunningMeanStdState before = rms.GetState();
        rms.Frozen = true;
        rms.Update([100.0, -50.0]);
        rms.Update([7f]);
        Assert.Equal(before.Mean, rms.Mean.ToArray());
        Assert.Equal(before.Variance, rms.Variance.ToArray());
        Assert.Equal(before.Count, rms.Count);
        rms.Frozen = false;
        rms.Update([7f]);
        Assert.NotEqual(before.Count, rms.Count);
    }

    [Fact]
    public void SetState_RoundTripsAndKeepsFrozenFlag()
    {
        var source = new RunningMeanStd(2);
        source.Update([1f, 2f, 3f, 7f]);
        RunningMeanStdState state = source.GetState();
        var target = new RunningMeanStd(2) { Frozen = true };
        target.SetState(state);
        Assert.True(target.Frozen);
        Assert.Equal(source.Mean.ToArray(), target.Mean.ToArray());
        Assert.Equal(source.Variance.ToArray(), target.Variance.ToArray());
        Assert.Equal(source.Count, target.Count);

        // The snapshot is a copy: later updates do not change it.
        double[] savedMean = (double[])state.Mean.Clone();
        source.Update([100f, 100f]);
        Assert.Equal(savedMean, state.Mean);

        var copy = new RunningMeanStd(2);
        copy.CopyFrom(source);
        Assert.Equal(source.Mean.ToArray(), copy.Mean.ToArray());
    }

    [Fact]
    public void SetState_InvalidState_Throws()
    {
        var rms = new RunningMeanStd(2);
        Assert.Throws<ArgumentException>(() => rms.SetState(new RunningMeanStdState([0.0], [1.0, 1.0], 1)));
        Assert.Throws<ArgumentException>(() => rms.SetState(new RunningMeanStdState([0.0, 0.0], [1.0, -1.0], 1)));
        Assert.Throws<ArgumentException>(() => rms.SetState(new RunningMeanStdState([0.0, 0.0], [1.0, 1.0], 0)));
        Assert.Throws<ArgumentException>(() => rms.SetState(new RunningMeanStdState([double.NaN, 0.0], [1.0, 1.0], 1)));
        Assert.Throws<ArgumentException>(() => rms.CopyFrom(new RunningMeanStd(3)));
        Assert.Throws<ArgumentException>(() => rms.Update([1f, 2f, 3f]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RunningMeanStd(0));
    }

    [Fact]
    public void NormalizeThenUnnormalize_RecoversUnclippedValuesAndClipsOthers()
    {
        var rms = new RunningMeanStd(2);
        rms.SetState(new RunningMeanStdState([1.0, -2.0], [4.0, 0.25], 10));
        float[] raw = [3f, -2.5f, 1f, 100f];
        float[] normalized = new float[4];
        rms.Normalize(raw, normalized, clip: 10, epsilon: 1e-8);
        Assert.Equal(1.0, normalized[0], 1e-6);
        Assert.Equal(-1.0, normalized[1], 1e-6);
        Assert.Equal(0.0, normalized[2], 1e-6);
        Assert.Equal(10.0, normalized[3], 1e-6);

        float[] back = new float[4];
        rms.Unnormalize(normalized, back, epsilon: 1e-8);
        Assert.Equal(raw[0], back[0], 1e-5);
        Assert.Equal(raw[1], back[1], 1e-5);
        Assert.Equal(raw[2], back[2], 1e-5);
        Assert.Equal(3.0, back[3], 1e-5);
    }
}
