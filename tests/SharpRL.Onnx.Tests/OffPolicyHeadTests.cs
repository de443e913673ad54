using Onnx;
using SharpRL.Inference;
using SharpRL.Nn;
using static SharpRL.Onnx.Tests.OnnxTestSupport;

namespace SharpRL.Onnx.Tests;

/// <summary>
/// The heads of the off-policy actors (DDPG/TD3 deterministic tanh actor, SAC squashed Gaussian) in
/// the graph and in <see cref="Agent"/>, against SharpRL's Mlp forward and the acting rule of those
/// algorithms (tanh, log σ clamped to [−20, 2], a_env = low + (a + 1)(high − low)/2). The actors'
/// classes are not on this branch yet; the models are built from an Mlp directly.
/// </summary>
public sealed class OffPolicyHeadTests : IDisposable
{
    private const int Batch = 16;
    private const int ObservationSize = 3;
    private static readonly float[] Low = [-2f, 0f];
    private static readonly float[] High = [2f, 1f];
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sharprl-offpolicy-heads-" + Guid.NewGuid().ToString("N"));

    public OffPolicyHeadTests() => Directory.CreateDirectory(_root);

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [SkippableTheory]
    [InlineData(ActionHead.DeterministicTanh, OnnxFlavour.SharpRL)]
    [InlineData(ActionHead.DeterministicTanh, OnnxFlavour.MlAgents)]
    [InlineData(ActionHead.SquashedGaussian, OnnxFlavour.SharpRL)]
    [InlineData(ActionHead.SquashedGaussian, OnnxFlavour.MlAgents)]
    public void Export_RandomObservations_MatchesTheActingRule(ActionHead head, OnnxFlavour flavour)
    {
        (Mlp<float> mlp, PolicyModel model) = Build(head, seed: 3);
        float[] observations = Observations(seed: 4);
        float[] output = new float[Batch * mlp.OutputSize];
        mlp.Forward(observations, output, Batch);
        ModelProto proto = OnnxExporter.Export(model, new OnnxExportOptions { Flavour = flavour });
        bool ml = flavour == OnnxFlavour.MlAgents;

        Dictionary<string, Array> outputs = Run(proto, Batch, (ml ? "obs_0" : "obs", observations));

        AssertClose(Reference(head, output, null), (float[])outputs[ml ? "deterministic_continuous_actions" : "action"], 1e-5, "action");
        if (head == ActionHead.SquashedGaussian && !ml)
        {
            int d = Low.Length;
            float[] mean = [.. Enumerable.Range(0, Batch).SelectMany(r => output.Skip(r * 2 * d).Take(d))];
            float[] logStd = [.. Enumerable.Range(0, Batch).SelectMany(r => output.Skip((r * 2 * d) + d).Take(d)).Select(v => Math.Clamp(v, -20f, 2f))];
            AssertClose(mean, (float[])outputs["mean"], 1e-5, "mean");
            AssertClose(logStd, (float[])outputs["log_std"], 1e-5, "log_std");
        }

        float[] sampled = (float[])outputs[ml ? "continuous_actions" : "sampled_action"];
        Assert.All(sampled.Select((a, i) => (a, j: i % Low.Length)), p => Assert.InRange(p.a, Low[p.j], High[p.j]));
        string path = Path.Combine(_root, $"{head}_{flavour}.onnx");
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(proto));
        CheckWithOnnxChecker([path]);
    }

    [Theory]
    [InlineData(ActionHead.DeterministicTanh, true)]
    [InlineData(ActionHead.SquashedGaussian, true)]
    [InlineData(ActionHead.SquashedGaussian, false)]
    public void Agent_SeededActions_MatchTheActingRuleAndSurviveTheFile(ActionHead head, bool deterministic)
    {
        (Mlp<float> mlp, PolicyModel model) = Build(head, seed: 5);
        using var stream = new MemoryStream();
        PolicyModelFile.Write(model, stream);
        stream.Position = 0;
        Agent agent = Agent.FromModel(PolicyModelFile.Read(stream), seed: 9);
        agent.Deterministic = deterministic;
        float[] observations = Observations(seed: 6);
        float[] output = new float[Batch * mlp.OutputSize];
        mlp.Forward(observations, output, Batch);

        float[] actual = new float[Batch * agent.ActionSize];
        agent.Act(observations, actual, Batch);

        AssertClose(Reference(head, output, deterministic ? null : new Random(9)), actual, 1e-5, "action");
    }

    [Fact]
    public void SquashedGaussian_ManyDraws_PreTanhSamplesHaveMeanAndStdOfThePolicy()
    {
        const int Draws = 20000;
        (Mlp<float> mlp, PolicyModel model) = Build(ActionHead.SquashedGaussian, seed: 7);
        float[] one = Observations(seed: 8)[..ObservationSize];
        float[] output = new float[mlp.OutputSize];
        mlp.Forward(one, output, 1);

        float[] sampled = (float[])Run(OnnxExporter.Export(model), Draws, ("obs", [.. Enumerable.Repeat(one, Draws).SelectMany(o => o)]))["sampled_action"];

        int d = Low.Length;
        for (int j = 0; j < d; j++)
        {
            // Undo the rescale and the tanh: atanh(2(a − low)/(high − low) − 1) ~ N(μ, σ²).
            double[] u = [.. sampled.Where((_, i) => i % d == j).Select(a => Math.Atanh(Math.Clamp((2.0 * (a - Low[j]) / (High[j] - Low[j])) - 1, -0.999999, 0.999999)))];
            double mean = u.Average(), std = Math.Sqrt(u.Sum(x => (x - mean) * (x - mean)) / (Draws - 1));
            double mu = output[j], sigma = Math.Exp(Math.Clamp(output[d + j], -20, 2));
            Assert.True(Math.Abs(mean - mu) <= (5 * sigma / Math.Sqrt(Draws)) + 1e-3, $"dimension {j}: mean {mean:F4}, μ = {mu:F4}");
            Assert.True(Math.Abs(std - sigma) <= (5 * sigma / Math.Sqrt(2.0 * Draws)) + 1e-3, $"dimension {j}: std {std:F4}, σ = {sigma:F4}");
        }
    }

    [Fact]
    public void PolicyModel_UnboundedBoxForATanhHead_ClearError()
    {
        (Mlp<float> mlp, _) = Build(ActionHead.DeterministicTanh, seed: 1);
        DenseNetwork network = ToNetwork(mlp);

        ArgumentException error = Assert.Throws<ArgumentException>(() =>
            new PolicyModel(ObservationSize, null, network, null, ActionHead.DeterministicTanh, [], [], [], [float.NegativeInfinity, 0f], [1f, 1f]));

        Assert.Contains("every bound must be finite", error.Message, StringComparison.Ordinal);
    }

    // The acting rule of DDPG/TD3 and SAC, written out from the algorithms' definition.
    private static float[] Reference(ActionHead head, float[] output, Random? random)
    {
        int d = Low.Length;
        int width = head == ActionHead.DeterministicTanh ? d : 2 * d;
        float[] actions = new float[Batch * d];
        for (int row = 0; row < Batch; row++)
        {
            float[] u = [.. output.Skip(row * width).Take(d)];
            if (random is not null)
            {
                for (int j = 0; j < d; j += 2)
                {
                    double radius = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble()));
                    double angle = 2.0 * Math.PI * random.NextDouble();
                    u[j] += MathF.Exp(Math.Clamp(output[(row * width) + d + j], -20f, 2f)) * (float)(radius * Math.Cos(angle));
                    if (j + 1 < d)
                    {
                        u[j + 1] += MathF.Exp(Math.Clamp(output[(row * width) + d + j + 1], -20f, 2f)) * (float)(radius * Math.Sin(angle));
                    }
                }
            }

            for (int j = 0; j < d; j++)
            {
                actions[(row * d) + j] = Low[j] + (0.5f * (MathF.Tanh(u[j]) + 1f) * (High[j] - Low[j]));
            }
        }

        return actions;
    }

    private static (Mlp<float> Mlp, PolicyModel Model) Build(ActionHead head, int seed)
    {
        int outputs = head == ActionHead.DeterministicTanh ? Low.Length : 2 * Low.Length;
        var mlp = new Mlp<float>([ObservationSize, 16, 8, outputs], Activation.Relu);
        var random = new Random(seed);
        foreach (Parameter<float> p in mlp.Parameters)
        {
            for (int i = 0; i < p.Length; i++)
            {
                p.Value[i] = (float)((random.NextDouble() - 0.5) * 1.5);
            }
        }

        return (mlp, new PolicyModel(ObservationSize, null, ToNetwork(mlp), null, head, [], [], [], [.. Low], [.. High]));
    }

    private static DenseNetwork ToNetwork(Mlp<float> mlp) =>
        new(HiddenActivation.Relu, [.. mlp.Layers.Select(l => new DenseLayer(l.InputSize, l.OutputSize, [.. l.Weight.Value], [.. l.Bias.Value]))]);

    private static float[] Observations(int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, Batch * ObservationSize).Select(_ => (float)((random.NextDouble() - 0.5) * 4))];
    }
}
