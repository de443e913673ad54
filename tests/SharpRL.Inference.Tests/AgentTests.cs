using SharpRL.Deploy.Tests;
using SharpRL.Environments;
using SharpRL.Nn;
using SharpRL.Onnx;
using SharpRL.Policies;
using SharpRL.Training;

namespace SharpRL.Inference.Tests;

/// <summary>The game-loop runtime against the training-time policy it was exported from.</summary>
public sealed class AgentTests : IDisposable
{
    private const int Batch = 64;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sharprl-agent-" + Guid.NewGuid().ToString("N"));

    public AgentTests() => Directory.CreateDirectory(_root);

    public static TheoryData<PolicyKind, bool, Activation, bool> Cases => PolicyFixtures.Cases();

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Act_Deterministic_SameActionsAsTheTrainingPolicy(PolicyKind kind, bool sharedTrunk, Activation activation, bool normalize)
    {
        (ActorCriticPolicy policy, ObservationNormalization? normalization, float[] observations, float[] normalized) = Setup(kind, sharedTrunk, activation, normalize, 41);
        Agent agent = Agent.FromModel(PolicyModelBuilder.FromPolicy(policy, normalization));
        float[] expected = PolicyFixtures.TrainingActions(policy, normalized, Batch, deterministic: true);

        float[] batched = new float[expected.Length];
        agent.Act(observations, batched, Batch);
        float[] single = new float[expected.Length];
        for (int row = 0; row < Batch; row++)
        {
            agent.Act(observations.AsSpan(row * agent.ObservationSize, agent.ObservationSize), single.AsSpan(row * agent.ActionSize, agent.ActionSize));
        }

        AssertClose(expected, batched, "batched");
        AssertClose(expected, single, "single");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Act_SampledWithTheSameSeed_SameDrawsAsTheTrainingPolicy(PolicyKind kind, bool sharedTrunk, Activation activation, bool normalize)
    {
        (ActorCriticPolicy policy, ObservationNormalization? normalization, float[] observations, float[] normalized) = Setup(kind, sharedTrunk, activation, normalize, 43);
        Agent agent = Agent.FromModel(PolicyModelBuilder.FromPolicy(policy, normalization), seed: 99);
        agent.Deterministic = false;
        float[] expected = PolicyFixtures.TrainingActions(policy, normalized, Batch, deterministic: false, new Random(99));

        float[] actual = new float[expected.Length];
        agent.Act(observations, actual, Batch);

        AssertClose(expected, actual, "sampled");
        Assert.NotEqual(PolicyFixtures.TrainingActions(policy, normalized, Batch, deterministic: true), actual);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Value_RandomObservations_MatchesTheTrainingCritic(PolicyKind kind, bool sharedTrunk, Activation activation, bool normalize)
    {
        (ActorCriticPolicy policy, ObservationNormalization? normalization, float[] observations, float[] normalized) = Setup(kind, sharedTrunk, activation, normalize, 47);
        Agent agent = Agent.FromModel(PolicyModelBuilder.FromPolicy(policy, normalization));
        float[] expected = new float[Batch];
        policy.ForwardValues(normalized, expected, Batch);

        float[] actual = [.. Enumerable.Range(0, Batch).Select(row => agent.Value(observations.AsSpan(row * agent.ObservationSize, agent.ObservationSize)))];

        AssertClose(expected, actual, "value");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SaveAndLoad_PolicyFile_RoundTripsExactly(PolicyKind kind, bool sharedTrunk, Activation activation, bool normalize)
    {
        (ActorCriticPolicy policy, ObservationNormalization? normalization, float[] observations, _) = Setup(kind, sharedTrunk, activation, normalize, 53);
        PolicyModel model = PolicyModelBuilder.FromPolicy(policy, normalization);
        string path = Path.Combine(_root, "policy" + PolicyModelFile.Extension);
        using (FileStream stream = File.Create(path))
        {
            PolicyModelFile.Write(model, stream);
        }

        Agent loaded = Agent.Load(path, seed: 1);
        Agent inMemory = Agent.FromModel(model, seed: 1);
        foreach (bool deterministic in new[] { true, false })
        {
            loaded.Deterministic = inMemory.Deterministic = deterministic;
            float[] a = new float[Batch * model.ActionSize], b = new float[a.Length];
            loaded.Act(observations, a, Batch);
            inMemory.Act(observations, b, Batch);
            Assert.Equal(b, a);
        }
    }

    [Theory]
    [InlineData(PolicyKind.Categorical, true)]
    [InlineData(PolicyKind.MultiCategorical, false)]
    [InlineData(PolicyKind.GaussianBounded, false)]
    [InlineData(PolicyKind.GaussianBounded, true)]
    public void Act_SteadyState_AllocatesNothing(PolicyKind kind, bool deterministic)
    {
        (ActorCriticPolicy policy, ObservationNormalization? normalization, float[] observations, _) = Setup(kind, false, Activation.Tanh, true, 59);
        Agent agent = Agent.FromModel(PolicyModelBuilder.FromPolicy(policy, normalization), seed: 2);
        agent.Deterministic = deterministic;
        float[] action = new float[Batch * agent.ActionSize];
        agent.Act(observations, action, Batch);
        agent.Act(observations.AsSpan(0, agent.ObservationSize), action.AsSpan(0, agent.ActionSize));

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            agent.Act(observations.AsSpan((i % Batch) * agent.ObservationSize, agent.ObservationSize), action.AsSpan(0, agent.ActionSize));
        }

        agent.Act(observations, action, Batch);
        _ = agent.Value(observations.AsSpan(0, agent.ObservationSize));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData(PolicyKind.Categorical, true)]
    [InlineData(PolicyKind.Categorical, false)]
    [InlineData(PolicyKind.MultiCategorical, true)]
    [InlineData(PolicyKind.MultiCategorical, false)]
    public void Act_WithActionMasks_SameActionsAsTheMaskedTrainingPolicy(PolicyKind kind, bool deterministic)
    {
        (ActorCriticPolicy policy, ObservationNormalization? normalization, float[] observations, float[] normalized) = Setup(kind, false, Activation.Tanh, true, 71);
        Agent agent = Agent.FromModel(PolicyModelBuilder.FromPolicy(policy, normalization), seed: 5);
        agent.Deterministic = deterministic;
        Assert.Equal(policy.ActionMaskSize, agent.ActionMaskSize);
        bool[] masks = RandomMasks(policy, Batch, new Random(72));
        float[] policyActions = new float[Batch * policy.ActionSize], expected = new float[policyActions.Length];
        policy.Predict(normalized, masks, Batch, policyActions, deterministic, new Random(5));
        policy.ToEnvActions(policyActions, expected, Batch);

        float[] actual = new float[expected.Length];
        agent.Act(observations, masks, actual, Batch);

        AssertClose(expected, actual, "masked");

        // The masks change some choices (so the comparison could fail), and no masked category is ever chosen.
        Assert.NotEqual(PolicyFixtures.TrainingActions(policy, normalized, Batch, deterministic, new Random(5)), actual);
        int[] counts = policy.ActionSpace is SharpRL.Spaces.MultiDiscrete multi ? [.. multi.Nvec] : [((SharpRL.Spaces.Discrete)policy.ActionSpace).N];
        float[] starts = [.. agent.Model.ActionStart];
        for (int row = 0; row < Batch; row++)
        {
            for (int k = 0, offset = 0; k < counts.Length; offset += counts[k], k++)
            {
                int index = (int)(actual[(row * counts.Length) + k] - starts[k]);
                Assert.True(masks[(row * agent.ActionMaskSize) + offset + index], $"row {row} component {k}: masked category {index} chosen");
            }
        }
    }

    [Fact]
    public void Act_DeterministicTanhAtSaturation_StaysInsideTheBox()
    {
        // For [−3.3, 1.1] in float, low + (1 + 1)(high − low)/2 rounds to 1.1000001 > high; the agent clamps.
        float[] low = [-3.3f, -0.1f], high = [1.1f, 0.3f];
        Assert.True(low[0] + (0.5f * (1f + 1f) * (high[0] - low[0])) > high[0], "the constructed bounds must overshoot without the clamp");
        // One layer, 1 input → 2 outputs, weights ±100: tanh saturates at +1 for a positive input and −1 for a negative one.
        var network = new DenseNetwork(HiddenActivation.Tanh, [new DenseLayer(1, 2, [100f, 100f], [0f, 0f])]);
        var model = new PolicyModel(1, null, network, null, ActionHead.DeterministicTanh, [], [], [], low, high);
        Agent agent = Agent.FromModel(model, seed: 0);
        float[] action = new float[2];
        agent.Act([1f], action);
        Assert.Equal(high, action);
        agent.Act([-1f], action);
        Assert.Equal(low, action);
    }

    [Fact]
    public void Act_WithActionMasks_AllocatesNothingAndRefusesBadMasks()
    {
        (ActorCriticPolicy policy, ObservationNormalization? normalization, float[] observations, _) = Setup(PolicyKind.MultiCategorical, false, Activation.Tanh, true, 73);
        Agent agent = Agent.FromModel(PolicyModelBuilder.FromPolicy(policy, normalization), seed: 1);
        bool[] masks = RandomMasks(policy, Batch, new Random(74));
        float[] action = new float[agent.ActionSize];
        int n = agent.ObservationSize, m = agent.ActionMaskSize;
        agent.Act(observations.AsSpan(0, n), masks.AsSpan(0, m), action);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            agent.Act(observations.AsSpan((i % Batch) * n, n), masks.AsSpan((i % Batch) * m, m), action);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        bool[] none = new bool[m];
        none.AsSpan(3).Fill(true);
        ArgumentException empty = Assert.Throws<ArgumentException>(() => agent.Act(observations.AsSpan(0, n), none, action));
        Assert.Contains("allows none of the 3 categories of component 0", empty.Message, StringComparison.Ordinal);
        ArgumentException shortMask = Assert.Throws<ArgumentException>(() => agent.Act(observations.AsSpan(0, n), new bool[m - 1], action));
        Assert.Contains($"expected batch 1 × {m}", shortMask.Message, StringComparison.Ordinal);
        Agent gaussian = Agent.FromModel(PolicyModelBuilder.FromPolicy(PolicyFixtures.Policy(PolicyKind.GaussianBounded, false, Activation.Tanh, 1), null));
        InvalidOperationException continuous = Assert.Throws<InvalidOperationException>(() => gaussian.Act(observations.AsSpan(0, n), new bool[3], new float[3]));
        Assert.Contains("cannot be masked", continuous.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Clone_OnOtherThreads_EachCloneActsAsASeededAgentAlone()
    {
        (ActorCriticPolicy policy, ObservationNormalization? normalization, float[] observations, _) = Setup(PolicyKind.MultiCategorical, false, Activation.Tanh, true, 61);
        Agent original = Agent.FromModel(PolicyModelBuilder.FromPolicy(policy, normalization), seed: 0);
        original.Deterministic = false;
        int size = Batch * original.ActionSize;
        float[][] expected = [.. Enumerable.Range(0, 4).Select(t =>
        {
            Agent alone = original.Clone(seed: t);
            float[] actions = new float[size * 50];
            for (int step = 0; step < 50; step++)
            {
                alone.Act(observations, actions.AsSpan(step * size, size), Batch);
            }

            return actions;
        })];

        float[][] actual = new float[4][];
        Parallel.For(0, 4, t =>
        {
            Agent clone = original.Clone(seed: t);
            float[] actions = new float[size * 50];
            for (int step = 0; step < 50; step++)
            {
                clone.Act(observations, actions.AsSpan(step * size, size), Batch);
            }

            actual[t] = actions;
        });

        for (int t = 0; t < 4; t++)
        {
            Assert.Equal(expected[t], actual[t]);
        }

        Assert.NotEqual(expected[0], expected[1]);
    }

    [Theory]
    [InlineData(PolicyKind.MultiCategorical)]
    [InlineData(PolicyKind.GaussianUnbounded)]
    public void Act_DiscreteObservations_SameActionsAsTheTrainingPolicysOneHotForward(PolicyKind kind)
    {
        ActorCriticPolicy policy = PolicyFixtures.DiscreteObservationPolicy(kind, seed: 73);
        PolicyModel model = PolicyModelBuilder.FromPolicy(policy, null);
        using var stream = new MemoryStream();
        PolicyModelFile.Write(model, stream);
        stream.Position = 0;
        Agent agent = Agent.FromModel(PolicyModelFile.Read(stream));
        float[] observations = PolicyFixtures.DiscreteObservationValues(74);
        int rows = observations.Length;

        float[] actual = new float[rows * agent.ActionSize];
        agent.Act(observations, actual, rows);

        Assert.Equal(1, agent.ObservationSize);
        AssertClose(PolicyFixtures.TrainingActions(policy, observations, rows, deterministic: true), actual, "action");
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => agent.Act([9f], actual.AsSpan(0, agent.ActionSize)));
        Assert.Contains("holds 2 to 7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InferenceAssembly_References_OnlyTheBaseClassLibrary()
    {
        // What a game loads: no SharpRL core, no protobuf, no ONNX, no package at all.
        string[] references = [.. typeof(Agent).Assembly.GetReferencedAssemblies().Select(a => a.Name!)];

        Assert.All(references, name => Assert.True(name.StartsWith("System", StringComparison.Ordinal) || name is "netstandard" or "mscorlib", $"SharpRL.Inference references {name}"));
    }

    [Fact]
    public void Load_NotAPolicyFile_ClearError()
    {
        string path = Path.Combine(_root, "bad.srlp");
        File.WriteAllText(path, "hello");

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => Agent.Load(path));

        Assert.Contains("not a SharpRL policy file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TruncatedFile_ClearError()
    {
        PolicyModel model = PolicyModelBuilder.FromPolicy(PolicyFixtures.Policy(PolicyKind.Categorical, false, Activation.Tanh, 1), null);
        using var stream = new MemoryStream();
        PolicyModelFile.Write(model, stream);
        string path = Path.Combine(_root, "truncated.srlp");
        File.WriteAllBytes(path, stream.ToArray()[..(int)(stream.Length / 2)]);

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => Agent.Load(path));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ANonFiniteWeight_IsRefused_NotTurnedIntoNaNActions()
    {
        PolicyModel model = PolicyModelBuilder.FromPolicy(PolicyFixtures.Policy(PolicyKind.Categorical, false, Activation.Tanh, 1), null);
        model.Policy.Layers[1].Weight[5] = float.NaN;
        using var stream = new MemoryStream();
        PolicyModelFile.Write(model, stream);
        string path = Path.Combine(_root, "nan.srlp");
        File.WriteAllBytes(path, stream.ToArray());

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => Agent.Load(path));

        Assert.Contains("nan.srlp", error.Message, StringComparison.Ordinal);
        Assert.Contains("entry 5", error.Message, StringComparison.Ordinal);
        Assert.Contains("finite", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Act_WrongSizedOrNonFiniteObservation_IsRefusedNamingIt()
    {
        PolicyModel model = PolicyModelBuilder.FromPolicy(PolicyFixtures.Policy(PolicyKind.Categorical, false, Activation.Tanh, 1), null);
        Agent agent = Agent.FromModel(model);
        int n = agent.ObservationSize;
        var action = new float[agent.ActionSize];

        var longer = Assert.Throws<ArgumentException>(() => agent.Act(new float[n + 1], action));
        Assert.Contains($"this policy takes {n}", longer.Message, StringComparison.Ordinal);

        float[] observations = new float[2 * n];
        observations[n + 1] = float.NaN;
        var nan = Assert.Throws<ArgumentException>(() => agent.Act(observations, new float[2 * agent.ActionSize], 2));
        Assert.Contains($"(row 1, component 1) is NaN", nan.Message, StringComparison.Ordinal);

        // The batch overload still reads the first batchSize rows of a longer buffer.
        agent.Act(new float[3 * n], new float[3 * agent.ActionSize], 2);
    }

    [Fact]
    public void Load_NewerVersion_SaysSo()
    {
        PolicyModel model = PolicyModelBuilder.FromPolicy(PolicyFixtures.Policy(PolicyKind.Categorical, false, Activation.Tanh, 1), null);
        using var stream = new MemoryStream();
        PolicyModelFile.Write(model, stream);
        byte[] bytes = stream.ToArray();
        BitConverter.TryWriteBytes(bytes.AsSpan(9), PolicyModelFile.FormatVersion + 1);

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => PolicyModelFile.Read(new MemoryStream(bytes), "future.srlp"));

        Assert.Contains("version 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Act_WrongObservationLength_ClearError()
    {
        Agent agent = Agent.FromModel(PolicyModelBuilder.FromPolicy(PolicyFixtures.Policy(PolicyKind.Categorical, false, Activation.Tanh, 1), null));
        float[] action = new float[1];

        ArgumentException error = Assert.Throws<ArgumentException>(() => agent.Act(new float[2], action));

        Assert.Contains($"observation has 2 floats; this policy takes {PolicyFixtures.ObservationSize}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromCheckpoint_RunTrainedWithNormalisation_SameActionsAsTheTrainingPolicy()
    {
        var request = new TrainRequest
        {
            Algorithm = "ppo",
            EnvId = "CartPole-v1",
            Seed = 4,
            TotalTimesteps = 1024,
            NumEnvs = 2,
            Settings = [new("n_steps", "256"), new("batch_size", "64"), new("n_epochs", "2"), new("normalize_observations", "true")],
            OutputDirectory = Path.Combine(_root, "run"),
        };
        using (TrainingRun run = TrainingRun.Start(request, Gym.Registry))
        {
            Assert.True(run.Learn());
        }

        LoadedPolicy loaded = AgentCheckpoint.LoadPolicy(AgentCheckpoint.Resolve(request.OutputDirectory), Gym.Registry);
        string path = Path.Combine(_root, "cartpole.srlp");
        using (FileStream stream = File.Create(path))
        {
            PolicyModelFile.Write(PolicyModelBuilder.FromCheckpoint(request.OutputDirectory, Gym.Registry), stream);
        }

        Agent agent = Agent.Load(path);
        var random = new Random(8);
        float[] observation = new float[4], expected = new float[1], actual = new float[1];
        for (int i = 0; i < 500; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                observation[j] = (float)((random.NextDouble() - 0.5) * (j % 2 == 0 ? 4.0 : 0.4));
            }

            // The training library's own acting policy: its frozen normaliser, then π's mode.
            loaded.Policy.Act(observation, expected, deterministic: true, random);
            agent.Act(observation, actual);
            Assert.Equal(expected[0], actual[0]);
        }
    }

    // About half the categories allowed per component, at least one.
    private static bool[] RandomMasks(ActorCriticPolicy policy, int batch, Random random)
    {
        int[] counts = policy.ActionSpace is SharpRL.Spaces.MultiDiscrete multi ? [.. multi.Nvec] : [((SharpRL.Spaces.Discrete)policy.ActionSpace).N];
        int size = counts.Sum();
        bool[] masks = new bool[batch * size];
        for (int row = 0; row < batch; row++)
        {
            for (int k = 0, offset = (row * size); k < counts.Length; offset += counts[k], k++)
            {
                for (int j = 0; j < counts[k]; j++)
                {
                    masks[offset + j] = random.NextDouble() < 0.5;
                }

                masks[offset + random.Next(counts[k])] = true;
            }
        }

        return masks;
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"{what}[{i}]: training policy {expected[i]:R}, agent {actual[i]:R}");
        }
    }

    private static (ActorCriticPolicy Policy, ObservationNormalization? Normalization, float[] Observations, float[] Normalized) Setup(
        PolicyKind kind, bool sharedTrunk, Activation activation, bool normalize, int seed)
    {
        ActorCriticPolicy policy = PolicyFixtures.Policy(kind, sharedTrunk, activation, seed);
        ObservationNormalization? normalization = PolicyFixtures.Normalization(normalize, seed + 100);
        float[] observations = PolicyFixtures.Observations(Batch, new Random(seed + 200), normalization);
        return (policy, normalization, observations, PolicyFixtures.NormalizeLikeTraining(observations, normalization));
    }
}
