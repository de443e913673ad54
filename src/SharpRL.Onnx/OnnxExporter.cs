using System.Globalization;
using Google.Protobuf;
using Onnx;
using SharpRL.Inference;
using SharpRL.IO;
using static SharpRL.Onnx.OnnxGraphBuilder;
using DataType = Onnx.TensorProto.Types.DataType;

namespace SharpRL.Onnx;

/// <summary>Input and output naming convention of an exported graph.</summary>
public enum OnnxFlavour
{
    /// <summary>
    /// SharpRL's own: input <c>obs</c>; outputs <c>action</c> (deterministic, as the env accepts it),
    /// <c>sampled_action</c>, the distribution parameters (<c>logits</c>, or <c>mean</c> and <c>log_std</c>;
    /// none for a deterministic actor) and <c>value</c> when the critic is kept.
    /// </summary>
    SharpRL,

    /// <summary>
    /// Unity ML-Agents' inference contract (model API version 3, as ML-Agents Release 23 /
    /// com.unity.ml-agents 4.0 on Unity's Inference Engine, the successor of Sentis, checks it; unchanged
    /// since ML-Agents 2.0): input <c>obs_0</c> (and
    /// <c>action_masks</c>, 1 = allowed, for discrete actions); constant outputs <c>version_number</c> (3),
    /// <c>memory_size</c> (0) and <c>continuous_action_output_shape</c> / <c>discrete_action_output_shape</c>;
    /// action outputs <c>continuous_actions</c> / <c>deterministic_continuous_actions</c> (float32) or
    /// <c>discrete_actions</c> / <c>deterministic_discrete_actions</c> (int64 branch indices from 0).
    /// </summary>
    MlAgents,
}

/// <summary>Settings of <see cref="OnnxExporter.Export"/>.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>Naming convention of the graph's inputs and outputs.</summary>
    public OnnxFlavour Flavour { get; init; } = OnnxFlavour.SharpRL;

    /// <summary>
    /// Give discrete policies an <c>action_masks</c> input ([batch, Σ categories], 1 = allowed) in the
    /// SharpRL flavour too: masked logits are set to −1e9 before the argmax and the draw. Always on in the
    /// ML-Agents flavour (the contract has it); off by default here because SharpRL policies are not yet
    /// trained with masks.
    /// </summary>
    public bool ActionMaskInput { get; init; }
}

/// <summary>
/// Writes a <see cref="PolicyModel"/> as an ONNX graph (opset 15, IR version 8: what Unity's Inference
/// Engine / Sentis, ONNX Runtime and Godot's ONNX add-ons load), with the observation normaliser, the
/// networks, deterministic and sampled action selection, and clipping to the action bounds inside it.
/// The protobuf classes are OnnxSharp's (generated from ONNX's own schema).
/// </summary>
public static class OnnxExporter
{
    /// <summary>The operator set the graphs use (Unity Sentis accepts 7–15).</summary>
    public const int Opset = 15;

    /// <summary>The ONNX IR version of the files (IR 8 goes with opset 15).</summary>
    public const long IrVersion = 8;

    // A masked logit: exp(−1e9 − max) is exactly 0 in float32, and unlike −∞ it never makes a NaN.
    private const float MaskedLogit = -1e9f;

    /// <summary>Builds the graph of <paramref name="model"/>.</summary>
    public static ModelProto Export(PolicyModel model, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new OnnxExportOptions();
        bool mlAgents = options.Flavour == OnnxFlavour.MlAgents;
        var g = new OnnxGraphBuilder("sharprl_policy");

        string observations = mlAgents ? "obs_0" : "obs";
        g.Input(observations, DataType.Float, BatchDimension, model.ObservationSize);
        string x = Normalize(g, model, observations);
        string netOutput = Mlp(g, model.Policy, x, "pi");

        if (model.IsDiscrete)
        {
            bool masked = mlAgents || options.ActionMaskInput;
            DiscreteHead(g, model, netOutput, masked, mlAgents);
        }
        else if (model.Head == ActionHead.DiagGaussian)
        {
            GaussianHead(g, model, netOutput, mlAgents);
        }
        else
        {
            SquashedHead(g, model, netOutput, mlAgents);
        }

        if (mlAgents)
        {
            // ML-Agents reads these as float tensors: the API version, no recurrent memory, and the action sizes.
            g.ConstantOutput("version_number", [3f]);
            g.ConstantOutput("memory_size", [0f]);
            if (model.IsDiscrete)
            {
                g.ConstantOutput("discrete_action_output_shape", [.. model.CategoryCounts.Select(n => (float)n)]);
            }
            else
            {
                g.ConstantOutput("continuous_action_output_shape", [model.ActionSize]);
            }
        }
        else if (model.Value is not null)
        {
            Mlp(g, model.Value, x, "vf", output: "value");
            g.Output("value", DataType.Float, BatchDimension, 1);
        }

        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "SharpRL",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
            DocString = "Policy exported by SharpRL (observation normaliser, networks and action selection in the graph).",
            Graph = g.Graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        AddMetadata(proto, "sharprl.flavour", mlAgents ? "ml-agents" : "sharprl");
        AddMetadata(proto, "sharprl.action_head", model.Head.ToString());
        AddMetadata(proto, "sharprl.observation_size", model.ObservationSize.ToString(CultureInfo.InvariantCulture));
        AddMetadata(proto, "sharprl.action_size", model.ActionSize.ToString(CultureInfo.InvariantCulture));
        AddMetadata(proto, "sharprl.normalized_observations", model.Normalizer is null ? "false" : "true");
        return proto;
    }

    /// <summary>Exports <paramref name="model"/> to <paramref name="path"/> (written atomically).</summary>
    public static void Save(PolicyModel model, string path, OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] bytes = Export(model, options).ToByteArray();
        AtomicFile.WriteAllBytes(path, bytes);
    }

    // clamp((x − μ) / s, −clip, clip) in float32 (SharpRL normalises in float64; the difference is rounding).
    private static string Normalize(OnnxGraphBuilder g, PolicyModel model, string observations)
    {
        if (model.DiscreteObservation is { } discrete)
        {
            return OneHot(g, discrete, observations);
        }

        if (model.Normalizer is not { } normalizer)
        {
            return observations;
        }

        int n = model.ObservationSize;
        string mean = g.Initializer("obs_mean", [.. normalizer.Mean.Select(m => (float)m)], n);
        string scale = g.Initializer("obs_scale", [.. normalizer.Scale.Select(s => (float)s)], n);
        string z = g.Node("Div", [g.Node("Sub", [observations, mean]), scale]);
        if (double.IsPositiveInfinity(normalizer.Clip))
        {
            return z;
        }

        string low = g.Initializer("obs_clip_low", [(float)-normalizer.Clip]);
        string high = g.Initializer("obs_clip_high", [(float)normalizer.Clip]);
        return g.Node("Clip", [z, low, high], "obs_normalized");
    }

    // [batch, 1] value → [batch, n] one-hot, as SharpRL encodes Discrete observations (an out-of-range value gives zeros).
    private static string OneHot(OnnxGraphBuilder g, DiscreteObservation discrete, string observations)
    {
        string index = g.Node("Cast", [g.Node("Sub", [observations, g.Initializer("obs_start", [discrete.Start])])], null, IntAttribute("to", (long)DataType.Int64));
        string depth = g.InitializerInt64("obs_depth", [discrete.Count]);
        string values = g.Initializer("one_hot_values", [0f, 1f], 2);
        string encoded = g.Node("OneHot", [index, depth, values], null, IntAttribute("axis", -1));
        return g.Node("Reshape", [encoded, g.InitializerInt64("obs_one_hot_shape", [-1, discrete.Count], 2)], "obs_one_hot");
    }

    // Gemm + activation per layer; no activation after the last.
    private static string Mlp(OnnxGraphBuilder g, DenseNetwork network, string input, string prefix, string? output = null)
    {
        string h = input;
        for (int l = 0; l < network.Layers.Count; l++)
        {
            DenseLayer layer = network.Layers[l];
            string w = g.Initializer(string.Create(CultureInfo.InvariantCulture, $"{prefix}.{l}.weight"), layer.Weight, layer.InputSize, layer.OutputSize);
            string b = g.Initializer(string.Create(CultureInfo.InvariantCulture, $"{prefix}.{l}.bias"), layer.Bias, layer.OutputSize);
            bool last = l == network.Layers.Count - 1;
            h = g.Node("Gemm", [h, w, b], last ? output : null);
            if (!last)
            {
                h = g.Node(network.Activation == HiddenActivation.Relu ? "Relu" : "Tanh", [h]);
            }
        }

        return h;
    }

    private static void DiscreteHead(OnnxGraphBuilder g, PolicyModel model, string logits, bool masked, bool mlAgents)
    {
        int total = model.Policy.OutputSize;
        int components = model.CategoryCounts.Length;
        if (masked)
        {
            g.Input("action_masks", DataType.Float, BatchDimension, total);
            string allowed = g.Node("Greater", ["action_masks", g.Initializer("mask_threshold", [0.5f])]);
            logits = g.Node("Where", [allowed, logits, g.Initializer("masked_logit", [MaskedLogit])]);
        }

        if (!mlAgents)
        {
            g.Node("Identity", [logits], "logits");
            g.Output("logits", DataType.Float, BatchDimension, total);
        }

        var modes = new List<string>();
        var draws = new List<string>();
        int offset = 0;
        for (int k = 0; k < components; k++)
        {
            int n = model.CategoryCounts[k];
            string component = logits;
            if (components > 1)
            {
                string starts = g.InitializerInt64(g.Fresh("slice_start"), [offset], 1);
                string ends = g.InitializerInt64(g.Fresh("slice_end"), [offset + n], 1);
                string axes = g.InitializerInt64(g.Fresh("slice_axes"), [1], 1);
                component = g.Node("Slice", [logits, starts, ends, axes]);
            }

            modes.Add(g.Node("ArgMax", [component], null, IntAttribute("axis", 1), IntAttribute("keepdims", 1)));

            // Multinomial takes unnormalised log-probabilities: the logits themselves.
            draws.Add(g.Node("Multinomial", [component], null, IntAttribute("sample_size", 1), IntAttribute("dtype", (long)DataType.Int64)));
            offset += n;
        }

        string mode = components == 1 ? modes[0] : g.Node("Concat", modes, null, IntAttribute("axis", 1));
        string draw = components == 1 ? draws[0] : g.Node("Concat", draws, null, IntAttribute("axis", 1));
        if (mlAgents)
        {
            g.Node("Identity", [mode], "deterministic_discrete_actions");
            g.Node("Identity", [draw], "discrete_actions");
            g.Output("deterministic_discrete_actions", DataType.Int64, BatchDimension, components);
            g.Output("discrete_actions", DataType.Int64, BatchDimension, components);
            return;
        }

        // As the env accepts them: index + the space's start, in float32 like every SharpRL action.
        string start = g.Initializer("action_start", model.ActionStart, components);
        g.Node("Add", [g.Node("Cast", [mode], null, IntAttribute("to", (long)DataType.Float)), start], "action");
        g.Node("Add", [g.Node("Cast", [draw], null, IntAttribute("to", (long)DataType.Float)), start], "sampled_action");
        g.Output("action", DataType.Float, BatchDimension, components);
        g.Output("sampled_action", DataType.Float, BatchDimension, components);
    }

    private static void GaussianHead(OnnxGraphBuilder g, PolicyModel model, string mean, bool mlAgents)
    {
        int d = model.ActionSize;
        string logStdRow = g.Initializer("log_std_param", model.LogStd, d);
        string logStd = g.Node("Expand", [logStdRow, g.Node("Shape", [mean])], mlAgents ? null : "log_std");

        // a = μ + σ·ε, ε ~ N(0, I) drawn by the runtime.
        string epsilon = g.Node("RandomNormalLike", [mean], null, IntAttribute("dtype", (long)DataType.Float));
        string draw = g.Node("Add", [mean, g.Node("Mul", [g.Node("Exp", [logStd]), epsilon])]);
        string deterministicName = mlAgents ? "deterministic_continuous_actions" : "action";
        string sampledName = mlAgents ? "continuous_actions" : "sampled_action";
        var box = ActionBox.Declare(g, model);
        box.Clip(g, mean, deterministicName);
        box.Clip(g, draw, sampledName);
        g.Output(deterministicName, DataType.Float, BatchDimension, d);
        g.Output(sampledName, DataType.Float, BatchDimension, d);
        if (!mlAgents)
        {
            g.Node("Identity", [mean], "mean");
            g.Output("mean", DataType.Float, BatchDimension, d);
            g.Output("log_std", DataType.Float, BatchDimension, d);
        }
    }

    // DDPG/TD3: tanh(x); SAC: tanh(μ) or tanh(μ + σ·ε) with log σ clamped to [−20, 2]; then [−1, 1] → [low, high], clipped.
    private static void SquashedHead(OnnxGraphBuilder g, PolicyModel model, string output, bool mlAgents)
    {
        int d = model.ActionSize;
        string deterministicName = mlAgents ? "deterministic_continuous_actions" : "action";
        string sampledName = mlAgents ? "continuous_actions" : "sampled_action";
        string halfRange = g.Initializer("action_half_range", [.. model.ActionHigh.Select((h, j) => 0.5f * (h - model.ActionLow[j]))], d);
        var box = ActionBox.Declare(g, model);
        string low = box.Low ?? throw new InvalidOperationException("A tanh-squashed action head needs a finite Box: the policy's action_low has no finite bound.");
        string one = g.Initializer("one", [1f]);
        // Runtimes approximate tanh: ONNX Runtime's AVX-512 kernel returns −1.0000001 for large negative inputs, which
        // the rescale turns into an action an ulp outside the Box. The clip keeps every runtime's actions inside it.
        void Rescale(string x, string name) =>
            box.Clip(g, g.Node("Add", [g.Node("Mul", [g.Node("Add", [g.Node("Tanh", [x]), one]), halfRange]), low]), name);

        if (model.Head == ActionHead.DeterministicTanh)
        {
            Rescale(output, deterministicName);
            g.Node("Identity", [deterministicName], sampledName);
        }
        else
        {
            string axes = g.InitializerInt64("half_axes", [1], 1);
            string mean = g.Node("Slice", [output, g.InitializerInt64("mean_start", [0], 1), g.InitializerInt64("mean_end", [d], 1), axes], mlAgents ? null : "mean");
            string raw = g.Node("Slice", [output, g.InitializerInt64("log_std_start", [d], 1), g.InitializerInt64("log_std_end", [2 * d], 1), axes]);
            string logStd = g.Node("Clip", [raw, g.Initializer("log_std_min", [-20f]), g.Initializer("log_std_max", [2f])], mlAgents ? null : "log_std");
            string epsilon = g.Node("RandomNormalLike", [mean], null, IntAttribute("dtype", (long)DataType.Float));
            Rescale(mean, deterministicName);
            Rescale(g.Node("Add", [mean, g.Node("Mul", [g.Node("Exp", [logStd]), epsilon])]), sampledName);
            if (!mlAgents)
            {
                g.Output("mean", DataType.Float, BatchDimension, d);
                g.Output("log_std", DataType.Float, BatchDimension, d);
            }
        }

        g.Output(deterministicName, DataType.Float, BatchDimension, d);
        g.Output(sampledName, DataType.Float, BatchDimension, d);
    }

    // The Box's finite bounds as initializers, declared once per graph and shared by every output clipped to them.
    private sealed record ActionBox(string? Low, string? High)
    {
        public static ActionBox Declare(OnnxGraphBuilder g, PolicyModel model)
        {
            int d = model.ActionSize;
            string? low = model.ActionLow.Any(float.IsFinite) ? g.Initializer("action_low", model.ActionLow, d) : null;
            string? high = model.ActionHigh.Any(float.IsFinite) ? g.Initializer("action_high", model.ActionHigh, d) : null;
            return new ActionBox(low, high);
        }

        // The training loop clips Gaussian actions to the Box before the env sees them; so does the graph.
        public void Clip(OnnxGraphBuilder g, string actions, string output)
        {
            if (Low is null && High is null)
            {
                g.Node("Identity", [actions], output);
                return;
            }

            string clipped = actions;
            if (High is not null)
            {
                clipped = g.Node("Min", [clipped, High], Low is null ? output : null);
            }

            if (Low is not null)
            {
                g.Node("Max", [clipped, Low], output);
            }
        }
    }

    private static void AddMetadata(ModelProto proto, string key, string value) =>
        proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
}
