using SharpRL.Algorithms;
using SharpRL.Algorithms.Impala;
using SharpRL.Environments;
using SharpRL.Nn;
using SharpRL.Spaces;

namespace SharpRL.Tests.Algorithms.Impala;

/// <summary>
/// The IMPALA learner's wiring: V-trace over staged chunks with the learner's own π and V (episode ends,
/// bootstrap rows, importance weights), the policy lag it records, its gradient against central
/// differences, chunk validation, option validation, and the deterministic mode's reproducibility.
/// </summary>
public class ImpalaLearnerTests
{
    private static readonly Box CartPoleObservations = (Box)Gym.Make("CartPole-v1").ObservationSpace;

    private static ImpalaOptions SmallOptions => new()
    {
        NumActors = 1,
        NumEnvs = 2,
        UnrollLength = 4,
        BatchSize = 2,
        Deterministic = true,
        Policy = AlgorithmTestSupport.SmallPolicy,
    };

    [Fact]
    public void ComputeTargets_ConstructedChunks_MatchVTraceWithTheLearnersPolicyAndValues()
    {
        using var source = new FixedSource();
        var learner = new ImpalaLearner(source, CartPoleObservations, new Discrete(2), SmallOptions with { Gamma = 0.9 }, seed: 3);
        var random = new Random(5);

        // Chunk 0 terminates at step 1; chunk 1 is cut by the time limit at step 2 (bootstrap from its final observation).
        TrajectoryChunk terminated = Chunk(random, version: 0, terminatedAt: 1, truncatedAt: -1);
        TrajectoryChunk truncated = Chunk(random, version: 0, terminatedAt: -1, truncatedAt: 2);
        learner.StageBatch([terminated, truncated]);
        learner.ComputeTargets(out int clipped, out double rhoSum);

        double expectedRhoSum = 0;
        int expectedClipped = 0, k = 0;
        foreach (TrajectoryChunk chunk in new[] { terminated, truncated })
        {
            double[] values = Values(learner, chunk.Observations, 5);
            double[] logProb = LogProbs(learner, chunk);
            double finalValue = chunk.FinalObservations.Length > 0 ? Values(learner, chunk.FinalObservations, 1)[0] : double.NaN;
            double[] nextValues = [.. Enumerable.Range(0, 4).Select(t => chunk.Terminated[t] ? 0.0 : chunk.Truncated[t] ? finalValue : values[t + 1])];
            bool[] ends = [.. Enumerable.Range(0, 4).Select(t => chunk.Terminated[t] || chunk.Truncated[t])];
            double[] logRatios = [.. logProb.Select((l, t) => l - chunk.BehaviourLogProbs[t])];
            expectedRhoSum += logRatios.Sum(Math.Exp);
            expectedClipped += logRatios.Count(l => Math.Exp(l) > 1);
            (double[] vs, double[] advantages) = VTraceTests.Reference(logRatios, [.. chunk.Rewards.Select(r => (double)r)], values[..4], nextValues, ends, new VTraceSettings(0.9));
            for (int t = 0; t < 4; t++, k++)
            {
                Assert.Equal(vs[t], learner.Targets[k], 4);
                Assert.Equal(advantages[t], learner.PolicyGradientAdvantages[k], 4);
            }
        }

        Assert.Equal(expectedRhoSum, rhoSum, 4);
        Assert.Equal(expectedClipped, clipped);
        Assert.InRange(expectedClipped, 1, 7);
    }

    [Fact]
    public void StageBatch_RecordsPolicyLagAgainstTheLearnersVersion()
    {
        using var source = new FixedSource();
        var learner = new ImpalaLearner(source, CartPoleObservations, new Discrete(2), SmallOptions, seed: 3);
        var random = new Random(6);
        for (int update = 0; update < 3; update++)
        {
            learner.StageBatch([Chunk(random, update, -1, -1), Chunk(random, update, -1, -1)]);
            learner.Update(progressRemaining: 1);
        }

        // The learner is at version 3: chunks of versions 0 and 2 are 3 and 1 updates old.
        learner.StageBatch([Chunk(random, 0, -1, -1), Chunk(random, 2, -1, -1)]);
        Assert.Equal(3, learner.NumUpdates);
        Assert.Equal(2.0, learner.LastPolicyLagMean);
        Assert.Equal(3, learner.LastPolicyLagMax);

        // Update alone does not publish (Learn does, after each update); the constructor published version 0.
        Assert.Equal(0, source.LastVersion);
    }

    [Fact]
    public void Update_SteadyState_AllocatesNothing()
    {
        using var source = new FixedSource();
        var learner = new ImpalaLearner(source, CartPoleObservations, new Discrete(2), SmallOptions, seed: 3);
        var random = new Random(9);
        TrajectoryChunk[] chunks = [Chunk(random, 0, 1, -1), Chunk(random, 0, -1, 2)];
        for (int i = 0; i < 3; i++)
        {
            learner.StageBatch(chunks);
            learner.Update(1);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            learner.StageBatch(chunks);
            learner.Update(1);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ComputeGradients_MatchCentralDifferencesOfTheLossWithFixedTargets()
    {
        using var source = new FixedSource();
        var options = SmallOptions with { EntCoef = 0.05, VfCoef = 0.7 };
        var learner = new ImpalaLearner(source, CartPoleObservations, new Discrete(2), options, seed: 4);
        var random = new Random(7);
        learner.StageBatch([Chunk(random, 0, 2, -1), Chunk(random, 0, -1, 1)]);
        learner.ComputeGradients(out _, out _);
        AlgorithmTestSupport.AssertGradientMatchesFiniteDifferences(learner.Policy.Parameters, learner.LossWithFixedTargets);
    }

    [Fact]
    public void StageBatch_MalformedChunk_IsRefusedNamingTheField()
    {
        using var source = new FixedSource();
        var learner = new ImpalaLearner(source, CartPoleObservations, new Discrete(2), SmallOptions, seed: 3);
        var random = new Random(8);
        TrajectoryChunk good = Chunk(random, 0, -1, -1);
        TrajectoryChunk shortRewards = Chunk(random, 0, -1, -1) is var c ? new TrajectoryChunk
        {
            Length = c.Length, ObservationSize = c.ObservationSize, ActionSize = c.ActionSize, PolicyVersion = 0, SourceId = 7,
            Observations = c.Observations, Actions = c.Actions, Rewards = [1f, 2f], Terminated = c.Terminated, Truncated = c.Truncated,
            BehaviourLogProbs = c.BehaviourLogProbs, FinalObservations = c.FinalObservations,
        } : null!;
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => learner.StageBatch([good, shortRewards]));
        Assert.Contains("Rewards has 2 elements; expected T = 4", error.Message, StringComparison.Ordinal);
        Assert.Contains("source 7", error.Message, StringComparison.Ordinal);

        good.Rewards[1] = float.NaN;
        error = Assert.Throws<InvalidDataException>(() => learner.StageBatch([good, Chunk(random, 0, -1, -1)]));
        Assert.Contains("Rewards[1] is NaN", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unroll_length", "0", "unroll_length = 0 is invalid; expected a positive integer")]
    [InlineData("batch_size", "-3", "batch_size = -3 is invalid")]
    [InlineData("rho_bar", "0", "rho_bar = 0 is invalid; expected a positive number")]
    [InlineData("c_bar", "-1", "c_bar = -1 is invalid")]
    [InlineData("vtrace_lambda", "1.5", "vtrace_lambda = 1.5 is invalid; expected in [0, 1]")]
    [InlineData("gamma", "2", "gamma = 2 is invalid")]
    [InlineData("policy.shared_trunk", "true", "policy.shared_trunk = True is invalid; expected false")]
    [InlineData("num_actors", "2", "num_actors = 2 is invalid; expected 1 when deterministic=true")]
    [InlineData("batch_size", "3", "batch_size = 3 is invalid; expected a multiple of n_envs = 2 when deterministic=true")]
    public void Validate_BadSetting_IsRefusedNamingItAndTheExpectedRange(string key, string value, string expected)
    {
        ImpalaOptions options = SharpRL.Algorithms.Common.OptionsBinder.Apply(SmallOptions, [new(key, value)]);
        ArgumentException error = Assert.Throws<ArgumentException>(() => ImpalaLearner.Descriptor.Validate(options));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OptionsBinder_UnknownOptimizer_IsRefusedListingTheChoices()
    {
        var error = Assert.ThrowsAny<Exception>(() => SharpRL.Algorithms.Common.OptionsBinder.Apply(new ImpalaOptions(), [new("optimizer", "sgd")]));
        Assert.Contains("rmsprop, adam", error.Message, StringComparison.Ordinal);
        Assert.Equal(ImpalaOptimizer.Adam, SharpRL.Algorithms.Common.OptionsBinder.Apply(new ImpalaOptions(), [new("optimizer", "adam")]).Optimizer);
    }

    [Fact]
    public void Receive_BeforeAnyWeights_IsRefused()
    {
        using var source = new LocalTrajectorySource(() => Gym.Make("CartPole-v1"), SmallOptions, seed: 0);
        var error = Assert.Throws<InvalidOperationException>(() => source.Receive(1, CancellationToken.None));
        Assert.Contains("PublishWeights must be called before Receive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeterministicMode_SameSeed_GivesTheSameWeights_WithZeroLag()
    {
        float[] First(int seed, out double lagMax)
        {
            using var source = new LocalTrajectorySource(() => Gym.Make("CartPole-v1"), SmallOptions, seed);
            var learner = new ImpalaLearner(source, source.ObservationSpace, source.ActionSpace, SmallOptions, seed);
            double maxLag = 0;
            learner.Learn(10 * SmallOptions.StepsPerUpdate, l => maxLag = Math.Max(maxLag, ((ImpalaLearner)l).LastPolicyLagMax));
            lagMax = maxLag;
            var flat = new ParameterVector<float>(learner.Policy.Parameters);
            float[] values = new float[flat.Count];
            flat.CopyValuesTo(values);
            return values;
        }

        float[] a = First(9, out double lagA);
        float[] b = First(9, out _);
        float[] other = First(10, out _);
        Assert.Equal(a, b);
        Assert.NotEqual(a, other);
        Assert.Equal(0, lagA);
    }

    [Fact]
    public void AsyncMode_TwoActors_StreamContiguousChunksOfEveryEnvCopy()
    {
        var options = SmallOptions with { Deterministic = false, NumActors = 2, QueueCapacity = 4 };
        using var source = new LocalTrajectorySource(() => Gym.Make("CartPole-v1"), options, seed: 1);
        var policy = new SharpRL.Policies.ActorCriticPolicy(source.ObservationSpace, source.ActionSpace, options.Policy, new Random(1));
        var flat = new ParameterVector<float>(policy.Parameters);
        float[] weights = new float[flat.Count];
        flat.CopyValuesTo(weights);
        source.PublishWeights(weights, 0);

        // Each env copy's next chunk starts where its previous one ended (x_T), whichever actor thread ran first.
        var last = new Dictionary<int, TrajectoryChunk>();
        // Until both actors' copies have delivered (thread start-up decides who is first; there is no fairness promise).
        int received = 0;
        while ((received < 60 || last.Count < 4) && received < 100_000)
        {
            foreach (TrajectoryChunk chunk in source.Receive(4, CancellationToken.None))
            {
                received++;
                Assert.InRange(chunk.SourceId, 0, 3);
                Assert.Equal(0, chunk.PolicyVersion);
                chunk.Validate(4, 4, 1);
                if (last.TryGetValue(chunk.SourceId, out TrajectoryChunk? previous))
                {
                    Assert.Equal(previous.Observations.AsSpan(16, 4).ToArray(), chunk.Observations.AsSpan(0, 4).ToArray());
                }

                last[chunk.SourceId] = chunk;
            }
        }

        Assert.Equal(4, last.Count);
        Assert.True(source.StepsTaken >= received * 4, $"the actors took {source.StepsTaken} steps for {received} chunks of 4");
    }

    [Fact]
    public void AsyncMode_Learn_PublishesEveryUpdateAndRecordsNonNegativeLag()
    {
        var options = SmallOptions with { Deterministic = false, NumActors = 2, QueueCapacity = 4 };
        using var source = new LocalTrajectorySource(() => Gym.Make("CartPole-v1"), options, seed: 1);
        var learner = new ImpalaLearner(source, source.ObservationSpace, source.ActionSpace, options, seed: 1);
        var lags = new List<(double Mean, long Max)>();
        learner.Learn(40 * options.StepsPerUpdate, l => lags.Add((((ImpalaLearner)l).LastPolicyLagMean, ((ImpalaLearner)l).LastPolicyLagMax)));
        Assert.Equal(40, learner.NumUpdates);
        Assert.Equal(40, lags.Count);
        Assert.All(lags, lag => Assert.True(lag.Mean >= 0 && lag.Mean <= lag.Max && lag.Max <= learner.NumUpdates, $"lag mean {lag.Mean}, max {lag.Max}"));
        Assert.True(source.StepsTaken >= learner.NumTimesteps, $"the actors took {source.StepsTaken} steps, fewer than the {learner.NumTimesteps} trained on");
    }

    private static double[] Values(ImpalaLearner learner, float[] observations, int rows)
    {
        float[] values = new float[rows];
        learner.Policy.ForwardValues(observations.AsSpan(0, rows * 4), values, rows);
        return [.. values.Select(v => (double)v)];
    }

    private static double[] LogProbs(ImpalaLearner learner, TrajectoryChunk chunk)
    {
        ReadOnlySpan<float> parameters = learner.Policy.ForwardDistribution(chunk.Observations.AsSpan(0, 16), 4);
        float[] logProb = new float[4];
        learner.Policy.Distribution.LogProb(parameters, chunk.Actions, logProb, 4);
        return [.. logProb.Select(v => (double)v)];
    }

    /// <summary>A CartPole-shaped chunk of 4 steps with random observations and actions.</summary>
    internal static TrajectoryChunk Chunk(Random random, long version, int terminatedAt, int truncatedAt)
    {
        float Next() => (float)((random.NextDouble() * 2) - 1);
        return new TrajectoryChunk
        {
            Length = 4,
            ObservationSize = 4,
            ActionSize = 1,
            PolicyVersion = version,
            Observations = [.. Enumerable.Range(0, 20).Select(_ => Next())],
            Actions = [.. Enumerable.Range(0, 4).Select(_ => (float)random.Next(2))],
            Rewards = [.. Enumerable.Range(0, 4).Select(_ => 1f + Next())],
            Terminated = [.. Enumerable.Range(0, 4).Select(t => t == terminatedAt)],
            Truncated = [.. Enumerable.Range(0, 4).Select(t => t == truncatedAt)],
            BehaviourLogProbs = [.. Enumerable.Range(0, 4).Select(_ => (float)Math.Log(0.2 + (0.6 * random.NextDouble())))],
            FinalObservations = truncatedAt >= 0 ? [.. Enumerable.Range(0, 4).Select(_ => Next())] : [],
        };
    }

    /// <summary>A source whose chunks the tests stage themselves; it records what was published.</summary>
    private sealed class FixedSource : ITrajectorySource
    {
        public long LastVersion { get; private set; } = -1;

        public void PublishWeights(ReadOnlySpan<float> parameters, long version) => LastVersion = version;

        public IReadOnlyList<TrajectoryChunk> Receive(int maxChunks, CancellationToken cancel) =>
            throw new InvalidOperationException("The tests stage batches directly.");

        public void Dispose()
        {
        }
    }
}
