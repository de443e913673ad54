using SharpRL.Algorithms.OffPolicy;
using SharpRL.Rng;
using SharpRL.Envs.Vector;
using SharpRL.Serialization;

namespace SharpRL.Tests.Algorithms.OffPolicy;

public class ReplayBufferTests
{
    private static void AddNumbered(ReplayBuffer buffer, int t) =>
        buffer.Add([t, -t], [t / 100f], t, [t + 0.5f, -t - 0.5f], terminated: t % 2 == 1);

    [Fact]
    public void Add_PastCapacity_OverwritesOldestInOrder()
    {
        var buffer = new ReplayBuffer(capacity: 3, observationSize: 2, actionSize: 1);
        for (int t = 0; t < 5; t++)
        {
            AddNumbered(buffer, t);
        }

        Assert.Equal(3, buffer.Count);
        Assert.Equal(2, buffer.Position);

        // Rows 0 and 1 hold transitions 3 and 4 (written over 0 and 1); row 2 still holds 2.
        Assert.Equal([3f, 4f, 2f], buffer.Rewards.ToArray());
        Assert.Equal([3f, -3f, 4f, -4f, 2f, -2f], buffer.Observations.ToArray());
        Assert.Equal([3.5f, -3.5f, 4.5f, -4.5f, 2.5f, -2.5f], buffer.NextObservations.ToArray());
        Assert.Equal([0.03f, 0.04f, 0.02f], buffer.Actions.ToArray());
        Assert.Equal([1f, 0f, 0f], buffer.Terminated.ToArray());
    }

    [Fact]
    public void Sample_FullBuffer_IsUniformByChiSquare()
    {
        const int capacity = 10, batch = 100, draws = 200;
        var buffer = new ReplayBuffer(capacity, 2, 1);
        for (int t = 0; t < capacity + 3; t++)
        {
            AddNumbered(buffer, t);
        }

        var sample = new ReplayBatch(batch, 2, 1);
        var random = new SerializableRandom(12345);
        var counts = new int[capacity];
        for (int k = 0; k < draws; k++)
        {
            buffer.Sample(sample, random);
            for (int i = 0; i < batch; i++)
            {
                counts[sample.Indices[i]]++;

                // Each sampled row carries its own transition's fields.
                int row = sample.Indices[i];
                Assert.Equal(buffer.Rewards[row], sample.Rewards[i]);
                Assert.Equal(buffer.Observations[2 * row], sample.Observations[2 * i]);
            }
        }

        double expected = batch * draws / (double)capacity;
        double chiSquare = counts.Sum(c => (c - expected) * (c - expected) / expected);

        // 9 degrees of freedom: P(χ² > 27.88) = 0.001.
        Assert.True(chiSquare < 27.88, $"χ² = {chiSquare:F2} over counts [{string.Join(", ", counts)}]");
    }

    [Fact]
    public void Sample_PartlyFilled_DrawsOnlyFilledRows()
    {
        var buffer = new ReplayBuffer(100, 2, 1);
        for (int t = 0; t < 4; t++)
        {
            AddNumbered(buffer, t);
        }

        var sample = new ReplayBatch(256, 2, 1);
        buffer.Sample(sample, new SerializableRandom(1));
        Assert.All(sample.Indices, i => Assert.InRange(i, 0, 3));
        Assert.Equal(4, sample.Indices.Distinct().Count());
    }

    [Fact]
    public void Constructor_TooLarge_RefusesBeforeAllocatingAndNamesBytes()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ReplayBuffer(1_000_000_000, 376, 17));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "the refusal must come before the arrays are allocated");
        Assert.Contains($"{ReplayBuffer.RequiredBytes(1_000_000_000, 376, 17):N0} bytes", error.Message);
        Assert.Contains("buffer_size", error.Message);
    }

    [Fact]
    public void SaveLoad_RoundTrip_RestoresEveryRowAndPosition()
    {
        var buffer = new ReplayBuffer(4, 2, 1);
        for (int t = 0; t < 6; t++)
        {
            AddNumbered(buffer, t);
        }

        (List<SafeTensor> tensors, Dictionary<string, string> metadata) = buffer.Save();
        SafeTensorsFile file = SafeTensors.Deserialize(SafeTensors.Serialize(tensors, metadata));
        var copy = new ReplayBuffer(4, 2, 1);
        copy.Load(file);
        Assert.Equal(buffer.Count, copy.Count);
        Assert.Equal(buffer.Position, copy.Position);
        Assert.Equal(buffer.Observations.ToArray(), copy.Observations.ToArray());
        Assert.Equal(buffer.NextObservations.ToArray(), copy.NextObservations.ToArray());
        Assert.Equal(buffer.Rewards.ToArray(), copy.Rewards.ToArray());
        Assert.Equal(buffer.Terminated.ToArray(), copy.Terminated.ToArray());

        var wrongShape = new ReplayBuffer(4, 3, 1);
        Assert.Throws<InvalidDataException>(() => wrongShape.Load(file));
    }

    [Fact]
    public void Collection_TruncationAndTermination_StoreTerminatedOnlyAndFinalObservation()
    {
        // Copy 0 is truncated at step 3, copy 1 terminates at step 2 (and is truncated at 5, never reached).
        using var env = new SyncVectorEnv([new StepCountEnv(timeLimit: 3), new StepCountEnv(timeLimit: 5, terminateAt: 2)]);
        using var agent = new Td3(env, new Td3Options { NumEnvs = 2, HiddenSizes = [4], LearningStarts = 1000, BufferSize = 100 }, seed: 1);
        agent.Learn(8);

        ReplayBuffer buffer = agent.Buffer;
        Assert.Equal(8, buffer.Count);

        // Rows alternate copies: (step 0: copy 0, copy 1), (step 1: …), …
        float[] obs = buffer.Observations.ToArray(), next = buffer.NextObservations.ToArray(), done = buffer.Terminated.ToArray();

        // Copy 0, third step (row 4): truncated at k = 3 → s' is the final observation 0.3, d = 0.
        Assert.Equal(0.2f, obs[4]);
        Assert.Equal(0.3f, next[4]);
        Assert.Equal(0f, done[4]);

        // Copy 0 after the autoreset (row 6) starts again from 0.
        Assert.Equal(0f, obs[6]);

        // Copy 1, second step (row 3): terminated at k = 2 → s' = 0.2, d = 1.
        Assert.Equal(0.1f, obs[3]);
        Assert.Equal(0.2f, next[3]);
        Assert.Equal(1f, done[3]);

        // Row 7 terminates again (copy 1 reached k = 2 a second time); the others are ordinary steps: d = 0, s' = s + 0.1.
        foreach (int row in new[] { 0, 1, 2, 5, 6 })
        {
            Assert.Equal(0f, done[row]);
            Assert.Equal(obs[row] + 0.1f, next[row], 1e-6f);
        }

        // Actions stored in [−1, 1] even though the Box is [−2, 2].
        Assert.All(buffer.Actions[..8].ToArray(), a => Assert.InRange(a, -1f, 1f));
    }
}
