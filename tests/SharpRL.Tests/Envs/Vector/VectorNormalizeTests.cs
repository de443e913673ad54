using SharpRL.Envs;
using SharpRL.Envs.Vector;
using SharpRL.Tests.Envs;

namespace SharpRL.Tests.Envs.Vector;

public class VectorNormalizeTests
{
    private const int N = 3;

    // Three scripted copies with different reward streams and episode lengths; a second, identical
    // set runs unwrapped beside the wrapped one to provide the raw values.
    private static SyncVectorEnv MakeRaw() => new(
    [
        new ScriptedEnv(Rewards(200, 1), [3, 5]),
        new ScriptedEnv(Rewards(200, 2), [4]),
        new ScriptedEnv(Rewards(200, 3), [2, 6, 1]),
    ]);

    private static double[] Rewards(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Math.Round((random.NextDouble() * 4) - 1, 3)).ToArray();
    }

    [Fact]
    public void VectorNormalizeReward_SharedStatistic_MatchesHandComputedReturns()
    {
        const double gamma = 0.95;
        using var wrapped = new VectorNormalizeReward(MakeRaw(), gamma, clip: double.PositiveInfinity);
        using SyncVectorEnv raw = MakeRaw();
        var w = new Buffers();
        var r = new Buffers();
        wrapped.Reset(w.Observations);
        raw.Reset(r.Observations);
        double[] g = new double[N];
        var allReturns = new List<double>();
        for (int step = 0; step < 60; step++)
        {
            wrapped.Step(new float[N], w.Observations, w.Rewards, w.Terminated, w.Truncated);
            raw.Step(new float[N], r.Observations, r.Rewards, r.Terminated, r.Truncated);
            for (int i = 0; i < N; i++)
            {
                g[i] = (gamma * g[i]) + r.Rewards[i];
                allReturns.Add(g[i]);
            }

            double variance = ReferenceStatistics.WithPrior(allReturns).Variance;
            for (int i = 0; i < N; i++)
            {
                Assert.Equal(r.Rewards[i] / Math.Sqrt(variance + 1e-8), w.Rewards[i], 1e-9);
                if (r.Terminated[i] || r.Truncated[i])
                {
                    g[i] = 0;
                }
            }

            Assert.Equal(g, wrapped.DiscountedReturns.ToArray());

            // Completed episodes keep the raw returns.
            Assert.Equal(raw.CompletedEpisodes, wrapped.CompletedEpisodes);
        }

        Assert.Equal(60 * N + RunningMeanStd.InitialCount, wrapped.RewardStatistics.Count, 1e-9);
    }

    [Fact]
    public void VectorNormalizeObservation_SharedStatistic_NormalizesObservationsAndFinalObservations()
    {
        using var wrapped = new VectorNormalizeObservation(MakeRaw());
        using SyncVectorEnv raw = MakeRaw();
        var w = new Buffers();
        var r = new Buffers();
        var columns = new List<double>[] { [], [] };
        wrapped.Reset(w.Observations);
        raw.Reset(r.Observations);
        Check(r.Observations, w.Observations, update: true);
        int finals = 0;
        for (int step = 0; step < 40; step++)
        {
            wrapped.Step(new float[N], w.Observations, w.Rewards, w.Terminated, w.Truncated);
            raw.Step(new float[N], r.Observations, r.Rewards, r.Terminated, r.Truncated);
            Check(r.Observations, w.Observations, update: true);
            Assert.Equal(r.Rewards, w.Rewards);
            for (int i = 0; i < N; i++)
            {
                if (r.Terminated[i] || r.Truncated[i])
                {
                    // Normalised with the statistics of this step, without entering them.
                    Check(raw.FinalObservations.Slice(i * 2, 2).ToArray(), wrapped.FinalObservations.Slice(i * 2, 2).ToArray(), update: false);
                    finals++;
                }
            }

            Assert.Equal(raw.CompletedEpisodes, wrapped.CompletedEpisodes);
        }

        Assert.True(finals > 10);

        void Check(float[] rawRows, float[] normalizedRows, bool update)
        {
            int rows = rawRows.Length / 2;
            if (update)
            {
                for (int k = 0; k < rawRows.Length; k++)
                {
                    columns[k % 2].Add(rawRows[k]);
                }
            }

            for (int k = 0; k < rows * 2; k++)
            {
                var (mean, variance) = ReferenceStatistics.WithPrior(columns[k % 2]);
                double expected = Math.Clamp((rawRows[k] - mean) / Math.Sqrt(variance + 1e-8), -10, 10);
                Assert.Equal(expected, normalizedRows[k], 1e-5);
            }
        }
    }

    [Fact]
    public void VectorNormalizeObservation_RestoredFrozenStatistics_EvaluationEnvNormalizesIdentically()
    {
        using var train = new VectorNormalizeObservation(MakeRaw());
        var buffers = new Buffers();
        train.Reset(buffers.Observations);
        for (int step = 0; step < 20; step++)
        {
            train.Step(new float[N], buffers.Observations, buffers.Rewards, buffers.Terminated, buffers.Truncated);
        }

        using var eval = new VectorNormalizeObservation(MakeRaw());
        eval.ObservationStatistics.SetState(train.ObservationStatistics.GetState());
        eval.ObservationStatistics.Frozen = true;
        var evalBuffers = new Buffers();
        eval.Reset(evalBuffers.Observations);
        Assert.Equal(train.ObservationStatistics.Count, eval.ObservationStatistics.Count);

        float[] raw = [1f, -2f, 30f, 0.5f];
        float[] a = new float[4];
        float[] b = new float[4];
        train.Normalize(raw, a);
        eval.Normalize(raw, b);
        Assert.Equal(a, b);
        float[] back = new float[4];
        eval.Unnormalize(b, back);
        for (int k = 0; k < 4; k++)
        {
            Assert.Equal(raw[k], back[k], 1e-4);
        }
    }

    private sealed class Buffers
    {
        public float[] Observations { get; } = new float[N * 2];

        public double[] Rewards { get; } = new double[N];

        public bool[] Terminated { get; } = new bool[N];

        public bool[] Truncated { get; } = new bool[N];
    }
}
