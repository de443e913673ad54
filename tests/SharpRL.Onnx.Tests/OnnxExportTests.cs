using Onnx;
using SharpRL.Deploy.Tests;
using SharpRL.Inference;
using SharpRL.Nn;
using SharpRL.Policies;
using static SharpRL.Onnx.Tests.OnnxTestSupport;

namespace SharpRL.Onnx.Tests;

/// <summary>Exported graphs, run in ONNX Runtime, against SharpRL's own forward pass.</summary>
public sealed class OnnxExportTests : IDisposable
{
    private const int Batch = 9;
    private const double Tolerance = 1e-5;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sharprl-onnx-" + Guid.NewGuid().ToString("N"));

    public OnnxExportTests() => Directory.CreateDirectory(_root);

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
    public void SharpRLFlavour_RandomObservations_MatchesSharpRLForward(PolicyKind kind, bool sharedTrunk, Activation activation, bool normalize)
    {
        (ActorCriticPolicy policy, ObservationNormalization? normalization, float[] observations, float[] normalized) = Setup(kind, sharedTrunk, activation, normalize, seed: 11);
        ModelProto proto = OnnxExporter.Export(PolicyModelBuilder.FromPolicy(policy, normalization));

        Dictionary<string, Array> outputs = Run(proto, Batch, ("obs", observations));

        float[] parameters = policy.ForwardDistribution(normalized, Batch).ToArray();
        if (policy.LogStd is null)
        {
            AssertClose(parameters, (float[])outputs["logits"], Tolerance, "logits");
        }
        else
        {
            int d = policy.ActionSize;
            float[] mean = [.. Enumerable.Range(0, Batch).SelectMany(row => parameters.Skip(row * 2 * d).Take(d))];
            float[] logStd = [.. Enumerable.Range(0, Batch).SelectMany(row => parameters.Skip((row * 2 * d) + d).Take(d))];
            AssertClose(mean, (float[])outputs["mean"], Tolerance, "mean");
            AssertClose(logStd, (float[])outputs["log_std"], Tolerance, "log_std");
        }

        float[] values = new float[Batch];
        policy.ForwardValues(normalized, values, Batch);
        AssertClose(values, (float[])outputs["value"], Tolerance, "value");
        AssertClose(PolicyFixtures.TrainingActions(policy, normalized, Batch, deterministic: true), (float[])outputs["action"], Tolerance, "action");
        Assert.Equal(Batch * policy.ActionSize, ((float[])outputs["sampled_action"]).Length);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MlAgentsFlavour_RandomObservations_MatchesSharpRLForwardAndCarriesTheContract(PolicyKind kind, bool sharedTrunk, Activation activation, bool normalize)
    {
        (ActorCriticPolicy policy, ObservationNormalization? normalization, float[] observations, float[] normalized) = Setup(kind, sharedTrunk, activation, normalize, seed: 23);
        PolicyModel model = PolicyModelBuilder.FromPolicy(policy, normalization);
        ModelProto proto = OnnxExporter.Export(model, new OnnxExportOptions { Flavour = OnnxFlavour.MlAgents });
        bool discrete = model.IsDiscrete;
        Assert.Equal(discrete ? ["obs_0", "action_masks"] : ["obs_0"], proto.Graph.Input.Select(i => i.Name));

        (string, float[])[] inputs = discrete
            ? [("obs_0", observations), ("action_masks", Enumerable.Repeat(1f, Batch * model.Policy.OutputSize).ToArray())]
            : [("obs_0", observations)];
        Dictionary<string, Array> outputs = Run(proto, Batch, inputs);

        Assert.Equal([3f], (float[])outputs["version_number"]);
        Assert.Equal([0f], (float[])outputs["memory_size"]);
        float[] expected = PolicyFixtures.TrainingActions(policy, normalized, Batch, deterministic: true);
        if (discrete)
        {
            // ML-Agents branches count from 0: the env's start is not added.
            Assert.Equal(model.CategoryCounts.Select(n => (float)n), (float[])outputs["discrete_action_output_shape"]);
            long[] actions = (long[])outputs["deterministic_discrete_actions"];
            Assert.Equal(expected.Select((a, i) => (long)(a - model.ActionStart[i % model.ActionSize])), actions);
            Assert.Equal(actions.Length, ((long[])outputs["discrete_actions"]).Length);
            Assert.DoesNotContain("continuous_actions", outputs.Keys);
        }
        else
        {
            Assert.Equal([model.ActionSize], (float[])outputs["continuous_action_output_shape"]);
            AssertClose(expected, (float[])outputs["deterministic_continuous_actions"], Tolerance, "deterministic_continuous_actions");
            Assert.Equal(expected.Length, ((float[])outputs["continuous_actions"]).Length);
            Assert.DoesNotContain("discrete_actions", outputs.Keys);
        }
    }

    [Theory]
    [InlineData(PolicyKind.Categorical)]
    [InlineData(PolicyKind.GaussianBounded)]
    public void DiscreteObservations_EveryValue_MatchesSharpRLsOneHotForward(PolicyKind kind)
    {
        ActorCriticPolicy policy = PolicyFixtures.DiscreteObservationPolicy(kind, seed: 71);
        ModelProto proto = OnnxExporter.Export(PolicyModelBuilder.FromPolicy(policy, null));
        float[] observations = PolicyFixtures.DiscreteObservationValues(72);
        int rows = observations.Length;
        Assert.Equal(1, proto.Graph.Input[0].Type.TensorType.Shape.Dim[1].DimValue);

        Dictionary<string, Array> outputs = Run(proto, rows, ("obs", observations));

        float[] parameters = policy.ForwardDistribution(observations, rows).ToArray();
        string name = policy.LogStd is null ? "logits" : "mean";
        float[] expected = policy.LogStd is null ? parameters
            : [.. Enumerable.Range(0, rows).SelectMany(row => parameters.Skip(row * 2 * policy.ActionSize).Take(policy.ActionSize))];
        AssertClose(expected, (float[])outputs[name], Tolerance, name);
        float[] values = new float[rows];
        policy.ForwardValues(observations, values, rows);
        AssertClose(values, (float[])outputs["value"], Tolerance, "value");
        AssertClose(PolicyFixtures.TrainingActions(policy, observations, rows, deterministic: true), (float[])outputs["action"], Tolerance, "action");
    }

    [Theory]
    [InlineData(PolicyKind.Categorical, OnnxFlavour.SharpRL)]
    [InlineData(PolicyKind.MultiCategorical, OnnxFlavour.SharpRL)]
    [InlineData(PolicyKind.Categorical, OnnxFlavour.MlAgents)]
    [InlineData(PolicyKind.MultiCategorical, OnnxFlavour.MlAgents)]
    public void SampledDiscreteActions_ManyDraws_FollowSoftmaxOfTheLogits(PolicyKind kind, OnnxFlavour flavour)
    {
        const int Draws = 20000;
        ActorCriticPolicy policy = PolicyFixtures.Policy(kind, sharedTrunk: false, Activation.Tanh, seed: 5);
        PolicyModel model = PolicyModelBuilder.FromPolicy(policy, normalization: null);
        ModelProto proto = OnnxExporter.Export(model, new OnnxExportOptions { Flavour = flavour });
        float[] one = PolicyFixtures.Observations(1, new Random(3), null);
        float[] observations = [.. Enumerable.Repeat(one, Draws).SelectMany(o => o)];
        string input = flavour == OnnxFlavour.MlAgents ? "obs_0" : "obs";
        (string, float[])[] inputs = flavour == OnnxFlavour.MlAgents
            ? [(input, observations), ("action_masks", Enumerable.Repeat(1f, Draws * model.Policy.OutputSize).ToArray())]
            : [(input, observations)];

        Dictionary<string, Array> outputs = Run(proto, Draws, inputs);

        double[] draws = flavour == OnnxFlavour.MlAgents
            ? [.. ((long[])outputs["discrete_actions"]).Select(a => (double)a)]
            : [.. ((float[])outputs["sampled_action"]).Select((a, i) => (double)(a - model.ActionStart[i % model.ActionSize]))];
        float[] logits = policy.ForwardDistribution(one, 1).ToArray();
        int offset = 0;
        for (int k = 0; k < model.ActionSize; k++)
        {
            int n = model.CategoryCounts[k];
            double max = logits.Skip(offset).Take(n).Max();
            double total = logits.Skip(offset).Take(n).Sum(z => Math.Exp(z - max));
            for (int c = 0; c < n; c++)
            {
                double p = Math.Exp(logits[offset + c] - max) / total;
                double frequency = draws.Where((_, i) => i % model.ActionSize == k).Count(a => a == c) / (double)Draws;

                // 5 binomial standard errors: a false alarm about once in 10⁶ per cell.
                double bound = (5 * Math.Sqrt(p * (1 - p) / Draws)) + 1e-4;
                Assert.True(Math.Abs(frequency - p) <= bound, $"component {k}, category {c}: frequency {frequency:F4}, π = {p:F4} (bound {bound:F4})");
            }

            offset += n;
        }
    }

    [Theory]
    [InlineData(OnnxFlavour.SharpRL)]
    [InlineData(OnnxFlavour.MlAgents)]
    public void SampledGaussianActions_ManyDraws_HaveThePolicysMeanAndStd(OnnxFlavour flavour)
    {
        const int Draws = 20000;
        ActorCriticPolicy policy = PolicyFixtures.Policy(PolicyKind.GaussianUnbounded, sharedTrunk: false, Activation.Tanh, seed: 8);
        ModelProto proto = OnnxExporter.Export(PolicyModelBuilder.FromPolicy(policy, null), new OnnxExportOptions { Flavour = flavour });
        float[] one = PolicyFixtures.Observations(1, new Random(4), null);
        float[] observations = [.. Enumerable.Repeat(one, Draws).SelectMany(o => o)];

        Dictionary<string, Array> outputs = Run(proto, Draws, (flavour == OnnxFlavour.MlAgents ? "obs_0" : "obs", observations));

        float[] draws = (float[])outputs[flavour == OnnxFlavour.MlAgents ? "continuous_actions" : "sampled_action"];
        float[] parameters = policy.ForwardDistribution(one, 1).ToArray();
        int d = policy.ActionSize;
        for (int j = 0; j < d; j++)
        {
            double[] column = [.. draws.Where((_, i) => i % d == j).Select(a => (double)a)];
            double mean = column.Average();
            double std = Math.Sqrt(column.Sum(a => (a - mean) * (a - mean)) / (Draws - 1));
            double mu = parameters[j], sigma = Math.Exp(parameters[d + j]);

            // 5 standard errors of the sample mean (σ/√N) and of the sample std (≈ σ/√(2N)).
            Assert.True(Math.Abs(mean - mu) <= 5 * sigma / Math.Sqrt(Draws), $"dimension {j}: sample mean {mean:F4}, μ = {mu:F4}");
            Assert.True(Math.Abs(std - sigma) <= 5 * sigma / Math.Sqrt(2.0 * Draws), $"dimension {j}: sample std {std:F4}, σ = {sigma:F4}");
        }
    }

    [Fact]
    public void SampledBoundedGaussian_ManyDraws_StayInsideTheBoxAndVary()
    {
        const int Draws = 2000;
        ActorCriticPolicy policy = PolicyFixtures.Policy(PolicyKind.GaussianBounded, sharedTrunk: false, Activation.Tanh, seed: 9);
        PolicyModel model = PolicyModelBuilder.FromPolicy(policy, null);
        float[] one = PolicyFixtures.Observations(1, new Random(6), null);

        float[] draws = (float[])Run(OnnxExporter.Export(model), Draws, ("obs", [.. Enumerable.Repeat(one, Draws).SelectMany(o => o)]))["sampled_action"];

        for (int i = 0; i < draws.Length; i++)
        {
            int j = i % model.ActionSize;
            Assert.InRange(draws[i], model.ActionLow[j], model.ActionHigh[j]);
        }

        Assert.True(draws.Distinct().Count() > Draws / 10, "sampled actions must vary between rows");
    }

    [Theory]
    [InlineData(PolicyKind.Categorical, OnnxFlavour.MlAgents)]
    [InlineData(PolicyKind.MultiCategorical, OnnxFlavour.MlAgents)]
    [InlineData(PolicyKind.MultiCategorical, OnnxFlavour.SharpRL)]
    public void ActionMasks_RandomMasks_MaskedCategoriesAreNeverChosen(PolicyKind kind, OnnxFlavour flavour)
    {
        const int Rows = 3000;
        ActorCriticPolicy policy = PolicyFixtures.Policy(kind, sharedTrunk: false, Activation.Tanh, seed: 13);
        PolicyModel model = PolicyModelBuilder.FromPolicy(policy, null);
        ModelProto proto = OnnxExporter.Export(model, new OnnxExportOptions { Flavour = flavour, ActionMaskInput = true });
        var random = new Random(17);
        float[] observations = PolicyFixtures.Observations(Rows, random, null);
        int total = model.Policy.OutputSize;
        float[] masks = new float[Rows * total];
        for (int row = 0; row < Rows; row++)
        {
            int offset = 0;
            foreach (int n in model.CategoryCounts)
            {
                // Each component keeps at least one allowed category.
                int keep = random.Next(n);
                for (int c = 0; c < n; c++)
                {
                    masks[(row * total) + offset + c] = c == keep || random.NextDouble() < 0.4 ? 1f : 0f;
                }

                offset += n;
            }
        }

        Dictionary<string, Array> outputs = Run(proto, Rows, (flavour == OnnxFlavour.MlAgents ? "obs_0" : "obs", observations), ("action_masks", masks));

        long[] Indices(string name) => flavour == OnnxFlavour.MlAgents
            ? (long[])outputs[name]
            : [.. ((float[])outputs[name]).Select((a, i) => (long)(a - model.ActionStart[i % model.ActionSize]))];
        long[] modes = Indices(flavour == OnnxFlavour.MlAgents ? "deterministic_discrete_actions" : "action");
        long[] draws = Indices(flavour == OnnxFlavour.MlAgents ? "discrete_actions" : "sampled_action");
        float[] logits = policy.ForwardDistribution(observations, Rows).ToArray();
        for (int row = 0; row < Rows; row++)
        {
            int offset = 0;
            for (int k = 0; k < model.ActionSize; k++)
            {
                int n = model.CategoryCounts[k];
                int best = -1;
                for (int c = 0; c < n; c++)
                {
                    int at = (row * total) + offset + c;
                    if (masks[at] == 1f && (best < 0 || logits[at] > logits[(row * total) + offset + best]))
                    {
                        best = c;
                    }
                }

                long mode = modes[(row * model.ActionSize) + k], draw = draws[(row * model.ActionSize) + k];
                Assert.Equal(best, mode);
                Assert.Equal(1f, masks[(row * total) + offset + (int)draw]);
                offset += n;
            }
        }
    }

    [Fact]
    public void Export_EveryGraph_DeclaresShapesOpsetAndIrVersion()
    {
        foreach ((ModelProto proto, string _) in AllGraphs())
        {
            Assert.Equal(OnnxExporter.IrVersion, proto.IrVersion);
            Assert.True(proto.IrVersion <= 8);
            Assert.All(proto.OpsetImport, o => Assert.True(o.Version <= 15));
            foreach (ValueInfoProto value in proto.Graph.Input.Concat(proto.Graph.Output))
            {
                TensorShapeProto shape = value.Type.TensorType.Shape;
                Assert.NotNull(shape);
                Assert.All(shape.Dim, dim => Assert.True(dim.HasDimParam || dim.DimValue > 0, $"{value.Name} has an undeclared dimension"));
                bool constant = value.Name is "version_number" or "memory_size" or "continuous_action_output_shape" or "discrete_action_output_shape";
                Assert.Equal(constant ? 1 : 2, shape.Dim.Count);
                if (!constant)
                {
                    Assert.Equal(OnnxGraphBuilderNames.Batch, shape.Dim[0].DimParam);
                }
            }
        }
    }

    [Fact]
    public void Export_EveryGraph_DeclaresTheBoxBoundsOnce_HoweverManyOutputsAreClipped()
    {
        int bounded = 0;
        foreach ((ModelProto proto, string name) in AllGraphs())
        {
            string[] initializers = [.. proto.Graph.Initializer.Select(i => i.Name)];
            Assert.Equal(initializers.Length, initializers.Distinct().Count());
            foreach (string bound in new[] { "action_low", "action_high" })
            {
                int declared = initializers.Count(i => i.StartsWith(bound, StringComparison.Ordinal));
                int used = proto.Graph.Node.Count(n => n.Input.Contains(bound));
                Assert.True(declared <= 1, $"{name}: {declared} initializers for {bound}");
                if (declared == 1 && bound == "action_high")
                {
                    // Both the deterministic and the sampled action are clipped to the one initializer.
                    Assert.True(used >= 2, $"{name}: {bound} is used by {used} nodes");
                    bounded++;
                }
            }
        }

        Assert.True(bounded > 0, "some exported graph must have a bounded Box");
    }

    [SkippableFact]
    public void OnnxChecker_EveryPolicyKindAndFlavour_PassesFullCheck()
    {
        var paths = new List<string>();
        foreach ((ModelProto proto, string name) in AllGraphs())
        {
            string path = Path.Combine(_root, name + ".onnx");
            File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(proto));
            paths.Add(path);
        }

        CheckWithOnnxChecker(paths);
    }

    [SkippableFact]
    public void OnnxChecker_GraphWithAWrongOutputShape_IsRejected()
    {
        // The checker must be able to fail: declare 3 logits where the network gives 4.
        RequireOnnxChecker();
        ModelProto proto = OnnxExporter.Export(PolicyModelBuilder.FromPolicy(PolicyFixtures.Policy(PolicyKind.Categorical, false, Activation.Tanh, 1), null));
        proto.Graph.Output.Single(o => o.Name == "logits").Type.TensorType.Shape.Dim[1].DimValue = 3;
        string path = Path.Combine(_root, "broken.onnx");
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(proto));

        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => CheckWithOnnxChecker([path]));
    }

    private static IEnumerable<(ModelProto Proto, string Name)> AllGraphs()
    {
        foreach (PolicyKind kind in Enum.GetValues<PolicyKind>())
        {
            foreach (bool normalize in new[] { false, true })
            {
                ActorCriticPolicy policy = PolicyFixtures.Policy(kind, sharedTrunk: normalize, normalize ? Activation.Relu : Activation.Tanh, seed: 31);
                PolicyModel model = PolicyModelBuilder.FromPolicy(policy, PolicyFixtures.Normalization(normalize, 32));
                yield return (OnnxExporter.Export(model), $"{kind}_{normalize}_sharprl");
                yield return (OnnxExporter.Export(model, new OnnxExportOptions { Flavour = OnnxFlavour.MlAgents }), $"{kind}_{normalize}_mlagents");
                if (model.IsDiscrete)
                {
                    yield return (OnnxExporter.Export(model, new OnnxExportOptions { ActionMaskInput = true }), $"{kind}_{normalize}_sharprl_masked");
                }
            }

            PolicyModel onDiscrete = PolicyModelBuilder.FromPolicy(PolicyFixtures.DiscreteObservationPolicy(kind, seed: 33), null);
            yield return (OnnxExporter.Export(onDiscrete), $"{kind}_discrete_obs_sharprl");
            yield return (OnnxExporter.Export(onDiscrete, new OnnxExportOptions { Flavour = OnnxFlavour.MlAgents }), $"{kind}_discrete_obs_mlagents");
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

    private static class OnnxGraphBuilderNames
    {
        public const string Batch = "batch";
    }
}
