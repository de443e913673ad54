using System.Collections.Generic;

namespace SharpRL.Inference;

/// <summary>Hidden-layer non-linearity of a <see cref="DenseNetwork"/>.</summary>
public enum HiddenActivation
{
    /// <summary>tanh (the on-policy default).</summary>
    Tanh = 0,

    /// <summary>max(x, 0).</summary>
    Relu = 1,
}

/// <summary>How the policy network's output becomes an action.</summary>
public enum ActionHead
{
    /// <summary>One categorical distribution: the network outputs logits; the action is one index (plus the space's start).</summary>
    Categorical = 0,

    /// <summary>Independent categoricals, one per component: concatenated logits; one index per component (plus its start).</summary>
    MultiCategorical = 1,

    /// <summary>
    /// A diagonal Gaussian with a state-independent log σ: the network outputs the mean; the action is
    /// the mean (deterministic) or a draw, clipped to the Box bounds as the training loop does.
    /// </summary>
    DiagGaussian = 2,

    /// <summary>
    /// A deterministic actor (DDPG, TD3): the network outputs d pre-tanh values; the action is
    /// <c>low + (tanh(x) + 1)(high − low)/2</c> (sampling has nothing to add).
    /// </summary>
    DeterministicTanh = 3,

    /// <summary>
    /// A squashed Gaussian (SAC): the network outputs [μ(d), raw log σ(d)], log σ clamped to [−20, 2];
    /// the action is tanh(μ) (deterministic) or tanh(μ + σ·ε), rescaled from [−1, 1] to [low, high].
    /// </summary>
    SquashedGaussian = 4,
}

/// <summary>One affine layer y = x·W + b, W stored row-major <c>[InputSize × OutputSize]</c> (as SharpRL's Linear).</summary>
public sealed class DenseLayer
{
    /// <summary>Creates a layer; <paramref name="weight"/> has <c>inputSize × outputSize</c> entries, <paramref name="bias"/> <c>outputSize</c>.</summary>
    public DenseLayer(int inputSize, int outputSize, float[] weight, float[] bias)
    {
        if (inputSize <= 0 || outputSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSize), $"a dense layer needs positive sizes; got {inputSize} × {outputSize}.");
        }

        Weight = weight ?? throw new ArgumentNullException(nameof(weight));
        Bias = bias ?? throw new ArgumentNullException(nameof(bias));
        if (weight.Length != inputSize * outputSize)
        {
            throw new ArgumentException($"weight has {weight.Length} entries; expected {inputSize} × {outputSize} = {inputSize * outputSize}.", nameof(weight));
        }

        if (bias.Length != outputSize)
        {
            throw new ArgumentException($"bias has {bias.Length} entries; expected {outputSize}.", nameof(bias));
        }

        // A NaN or infinite parameter (a corrupt file, or a diverged run) would make every action NaN without a word.
        FiniteValues.Require(weight, "weight", nameof(weight));
        FiniteValues.Require(bias, "bias", nameof(bias));
        InputSize = inputSize;
        OutputSize = outputSize;
    }

    /// <summary>Features per input row.</summary>
    public int InputSize { get; }

    /// <summary>Features per output row.</summary>
    public int OutputSize { get; }

    /// <summary>W, row-major <c>[InputSize × OutputSize]</c>.</summary>
    public float[] Weight { get; }

    /// <summary>b, <c>[OutputSize]</c>.</summary>
    public float[] Bias { get; }
}

/// <summary>An MLP: dense layers with the hidden activation after every layer but the last.</summary>
public sealed class DenseNetwork
{
    /// <summary>Creates the network; consecutive layers must chain (output size of one = input size of the next).</summary>
    public DenseNetwork(HiddenActivation activation, IReadOnlyList<DenseLayer> layers)
    {
        if (layers is null || layers.Count == 0)
        {
            throw new ArgumentException("a network needs at least one layer.", nameof(layers));
        }

        for (int l = 1; l < layers.Count; l++)
        {
            if (layers[l].InputSize != layers[l - 1].OutputSize)
            {
                throw new ArgumentException($"layer {l} takes {layers[l].InputSize} inputs but layer {l - 1} gives {layers[l - 1].OutputSize}.", nameof(layers));
            }
        }

        if (activation != HiddenActivation.Tanh && activation != HiddenActivation.Relu)
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "expected Tanh or Relu.");
        }

        Activation = activation;
        Layers = layers;
    }

    /// <summary>Non-linearity after every layer but the last.</summary>
    public HiddenActivation Activation { get; }

    /// <summary>The layers, input first.</summary>
    public IReadOnlyList<DenseLayer> Layers { get; }

    /// <summary>Input width.</summary>
    public int InputSize => Layers[0].InputSize;

    /// <summary>Output width.</summary>
    public int OutputSize => Layers[Layers.Count - 1].OutputSize;
}

/// <summary>
/// The frozen observation normaliser of training: <c>clamp((x − μ) / s, −clip, clip)</c> with
/// <c>s = sqrt(σ² + ε)</c> (SB3's VecNormalize), kept in double as SharpRL computes it.
/// </summary>
public sealed class ObservationNormalizer
{
    /// <summary>Creates the normaliser from μ and s = sqrt(σ² + ε) per component.</summary>
    public ObservationNormalizer(double[] mean, double[] scale, double clip)
    {
        Mean = mean ?? throw new ArgumentNullException(nameof(mean));
        Scale = scale ?? throw new ArgumentNullException(nameof(scale));
        if (mean.Length != scale.Length || mean.Length == 0)
        {
            throw new ArgumentException($"mean ({mean.Length}) and scale ({scale.Length}) must have the same positive length.", nameof(scale));
        }

        for (int i = 0; i < mean.Length; i++)
        {
            if (double.IsNaN(mean[i]) || double.IsInfinity(mean[i]))
            {
                throw new ArgumentException($"every mean must be finite; component {i} is {mean[i]}.", nameof(mean));
            }
        }

        foreach (double s in scale)
        {
            if (!(s > 0) || double.IsInfinity(s))
            {
                throw new ArgumentException($"every scale must be positive and finite; got {s}.", nameof(scale));
            }
        }

        if (!(clip > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(clip), clip, "clip must be positive (positive infinity for none).");
        }

        Clip = clip;
    }

    /// <summary>μ per component.</summary>
    public double[] Mean { get; }

    /// <summary>s = sqrt(σ² + ε) per component.</summary>
    public double[] Scale { get; }

    /// <summary>Bound on |normalised component| (positive infinity for none).</summary>
    public double Clip { get; }
}

/// <summary>
/// A Discrete observation space: the observation is one float holding an integer in
/// [<see cref="Start"/>, <see cref="Start"/> + <see cref="Count"/>), which the network sees one-hot
/// encoded (as SharpRL and SB3 encode it in training).
/// </summary>
public sealed class DiscreteObservation
{
    /// <summary>Creates the description of Discrete(<paramref name="count"/>, <paramref name="start"/>).</summary>
    public DiscreteObservation(int count, int start)
    {
        if (count <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "a Discrete observation space needs a positive count.");
        }

        Count = count;
        Start = start;
    }

    /// <summary>Number of observation values n.</summary>
    public int Count { get; }

    /// <summary>The smallest observation value.</summary>
    public int Start { get; }
}

/// <summary>
/// Everything needed to act with a trained policy, independent of the training library: the
/// observation normaliser, the policy network, the action head and its constants, and the value
/// network when the policy has one. <see cref="PolicyModelFile"/> reads and writes it; the ONNX
/// exporter turns the same description into a graph, so both deployments compute the same function.
/// </summary>
public sealed class PolicyModel
{
    /// <summary>Creates and validates a model description.</summary>
    /// <param name="observationSize">Floats per observation.</param>
    /// <param name="normalizer">The frozen observation normaliser, or null.</param>
    /// <param name="policy">Observation (normalised) → logits or Gaussian mean.</param>
    /// <param name="value">Observation (normalised) → V(s), or null.</param>
    /// <param name="head">How the policy output becomes an action.</param>
    /// <param name="categoryCounts">Categories per component (one entry for Categorical); empty for Gaussian.</param>
    /// <param name="actionStart">Added to each discrete index (the space's start); empty for Gaussian.</param>
    /// <param name="logStd">Gaussian log σ per dimension; empty for discrete heads.</param>
    /// <param name="actionLow">Gaussian lower bound per dimension (may be −∞); empty for discrete heads.</param>
    /// <param name="actionHigh">Gaussian upper bound per dimension (may be +∞); empty for discrete heads.</param>
    /// <param name="discreteObservation">Set for a Discrete observation space (one float in, one-hot for the network); null for Box observations.</param>
    public PolicyModel(
        int observationSize,
        ObservationNormalizer? normalizer,
        DenseNetwork policy,
        DenseNetwork? value,
        ActionHead head,
        int[] categoryCounts,
        float[] actionStart,
        float[] logStd,
        float[] actionLow,
        float[] actionHigh,
        DiscreteObservation? discreteObservation = null)
    {
        Policy = policy ?? throw new ArgumentNullException(nameof(policy));
        CategoryCounts = categoryCounts ?? throw new ArgumentNullException(nameof(categoryCounts));
        ActionStart = actionStart ?? throw new ArgumentNullException(nameof(actionStart));
        LogStd = logStd ?? throw new ArgumentNullException(nameof(logStd));
        FiniteValues.Require(logStd, "log σ", nameof(logStd));
        ActionLow = actionLow ?? throw new ArgumentNullException(nameof(actionLow));
        ActionHigh = actionHigh ?? throw new ArgumentNullException(nameof(actionHigh));
        if (observationSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(observationSize), observationSize, "observationSize must be positive.");
        }

        if (discreteObservation is not null && (observationSize != 1 || discreteObservation.Count <= 0 || normalizer is not null))
        {
            throw new ArgumentException($"a Discrete observation is 1 float with a positive count and no normaliser; got {observationSize} floats, count {discreteObservation.Count}{(normalizer is null ? string.Empty : ", a normaliser")}.", nameof(discreteObservation));
        }

        int networkInput = discreteObservation?.Count ?? observationSize;
        if (policy.InputSize != networkInput)
        {
            throw new ArgumentException($"the policy network takes {policy.InputSize} inputs; the (encoded) observation has {networkInput}.", nameof(policy));
        }

        if (value is not null && (value.InputSize != networkInput || value.OutputSize != 1))
        {
            throw new ArgumentException($"the value network must map {networkInput} inputs to 1 output; it maps {value.InputSize} to {value.OutputSize}.", nameof(value));
        }

        if (normalizer is not null && normalizer.Mean.Length != observationSize)
        {
            throw new ArgumentException($"the normaliser has {normalizer.Mean.Length} components; the observation has {observationSize}.", nameof(normalizer));
        }

        switch (head)
        {
            case ActionHead.Categorical or ActionHead.MultiCategorical:
                int total = 0;
                foreach (int n in categoryCounts)
                {
                    if (n <= 0)
                    {
                        throw new ArgumentException($"every category count must be positive; got [{string.Join(", ", categoryCounts)}].", nameof(categoryCounts));
                    }

                    total += n;
                }

                if (categoryCounts.Length == 0 || (head == ActionHead.Categorical && categoryCounts.Length != 1))
                {
                    throw new ArgumentException($"{head} needs {(head == ActionHead.Categorical ? "exactly one" : "at least one")} category count; got {categoryCounts.Length}.", nameof(categoryCounts));
                }

                if (policy.OutputSize != total || actionStart.Length != categoryCounts.Length)
                {
                    throw new ArgumentException($"{head} over [{string.Join(", ", categoryCounts)}] needs {total} logits and {categoryCounts.Length} starts; the network gives {policy.OutputSize} and there are {actionStart.Length} starts.", nameof(policy));
                }

                ActionSize = categoryCounts.Length;
                break;
            case ActionHead.DeterministicTanh or ActionHead.SquashedGaussian:
                int width = head == ActionHead.DeterministicTanh ? policy.OutputSize : policy.OutputSize / 2;
                if ((head == ActionHead.SquashedGaussian && policy.OutputSize % 2 != 0) || actionLow.Length != width || actionHigh.Length != width || logStd.Length != 0 || categoryCounts.Length != 0)
                {
                    throw new ArgumentException($"{head} needs a network of {(head == ActionHead.DeterministicTanh ? "d" : "2d")} outputs (got {policy.OutputSize}), d low and high bounds (got {actionLow.Length}, {actionHigh.Length}), no log σ and no category counts.", nameof(policy));
                }

                for (int j = 0; j < width; j++)
                {
                    if (!FiniteValues.IsFinite(actionLow[j]) || !FiniteValues.IsFinite(actionHigh[j]) || !(actionHigh[j] > actionLow[j]))
                    {
                        throw new ArgumentException($"{head} rescales tanh outputs to the Box, so every bound must be finite with low < high; dimension {j} has [{actionLow[j]}, {actionHigh[j]}].", nameof(actionLow));
                    }
                }

                ActionSize = width;
                break;
            case ActionHead.DiagGaussian:
                int d = policy.OutputSize;
                if (logStd.Length != d || actionLow.Length != d || actionHigh.Length != d || categoryCounts.Length != 0)
                {
                    throw new ArgumentException($"DiagGaussian over {d} dimensions needs {d} log σ, low and high values (got {logStd.Length}, {actionLow.Length}, {actionHigh.Length}) and no category counts.", nameof(logStd));
                }

                ActionSize = d;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(head), head, "expected Categorical, MultiCategorical, DiagGaussian, DeterministicTanh or SquashedGaussian.");
        }

        ObservationSize = observationSize;
        DiscreteObservation = discreteObservation;
        Normalizer = normalizer;
        Value = value;
        Head = head;
    }

    /// <summary>Floats per observation, as the env returns it (1 for a Discrete observation).</summary>
    public int ObservationSize { get; }

    /// <summary>Set when observations are Discrete (one-hot encoded for the network); null for Box observations.</summary>
    public DiscreteObservation? DiscreteObservation { get; }

    /// <summary>Floats the networks take: the one-hot width for Discrete observations, else <see cref="ObservationSize"/>.</summary>
    public int NetworkInputSize => Policy.InputSize;

    /// <summary>Floats per action (1 for Categorical, one per component for MultiCategorical, d for Gaussian).</summary>
    public int ActionSize { get; }

    /// <summary>The frozen observation normaliser, or null.</summary>
    public ObservationNormalizer? Normalizer { get; }

    /// <summary>Normalised observation → logits (discrete heads) or Gaussian mean.</summary>
    public DenseNetwork Policy { get; }

    /// <summary>Normalised observation → V(s), or null.</summary>
    public DenseNetwork? Value { get; }

    /// <summary>How the policy output becomes an action.</summary>
    public ActionHead Head { get; }

    /// <summary>Categories per component (discrete heads).</summary>
    public int[] CategoryCounts { get; }

    /// <summary>The space's start per component, added to each index (discrete heads).</summary>
    public float[] ActionStart { get; }

    /// <summary>Gaussian log σ per dimension.</summary>
    public float[] LogStd { get; }

    /// <summary>Lower action bound per dimension (clip for DiagGaussian, rescale target for the tanh heads).</summary>
    public float[] ActionLow { get; }

    /// <summary>Upper action bound per dimension (clip for DiagGaussian, rescale target for the tanh heads).</summary>
    public float[] ActionHigh { get; }

    /// <summary>True for Categorical and MultiCategorical heads.</summary>
    public bool IsDiscrete => Head is ActionHead.Categorical or ActionHead.MultiCategorical;
}

/// <summary>Finiteness checks of a model's parameters.</summary>
internal static class FiniteValues
{
    // float.IsFinite is not in netstandard2.1.
    public static bool IsFinite(float value) => !float.IsNaN(value) && !float.IsInfinity(value);

    /// <summary>Throws naming the first NaN or infinite entry of <paramref name="values"/>.</summary>
    public static void Require(float[] values, string what, string parameterName)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!IsFinite(values[i]))
            {
                throw new ArgumentException($"every {what} entry must be finite; entry {i} of {values.Length} is {values[i]}.", parameterName);
            }
        }
    }
}
