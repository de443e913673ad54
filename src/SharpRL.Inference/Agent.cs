using System.Numerics;
using System.Runtime.InteropServices;

namespace SharpRL.Inference;

/// <summary>
/// A trained policy inside a game loop: observation in, action out. Applies the training-time
/// observation normaliser, runs the policy network, and picks the action the way SharpRL's
/// training-time policy does (argmax / mean when <see cref="Deterministic"/>, else a draw from the
/// agent's own seeded generator), then maps it to what the env accepts (discrete indices shifted by
/// the space's start, Gaussian actions clipped to the Box bounds).
/// </summary>
/// <remarks>
/// <para>
/// No allocation per call: buffers are made for one observation at construction and grow only when a
/// larger batch is first seen (call <see cref="Reserve"/> to make them up front). No threads are
/// started. An agent is not thread-safe: give each thread its own <see cref="Clone(int)"/> (clones
/// share the read-only weights, not the buffers or the generator).
/// </para>
/// <para>
/// With the same seed, sampled actions are the ones SharpRL's <c>ActorCriticPolicy.Predict</c> draws
/// from <c>new Random(seed)</c>: the same inverse-CDF draw per categorical component and the same
/// Box–Muller pairs per Gaussian dimension, in the same order.
/// </para>
/// </remarks>
public sealed class Agent
{
    // SharpRL's ActionMasking.MaskedLogit: exp(−1e9 − max) underflows to exactly 0, so a masked category has probability 0.
    private const float MaskedLogit = -1e9f;

    private readonly PolicyModel _model;
    private readonly int _widest;
    private readonly int[] _offsets;
    private Random _random;
    private int _capacity;
    private float[] _input = [];
    private float[] _bufferA = [];
    private float[] _bufferB = [];

    private Agent(PolicyModel model, Random random)
    {
        _model = model;
        _random = random;
        int widest = model.ObservationSize;
        foreach (DenseLayer layer in model.Policy.Layers)
        {
            widest = Math.Max(widest, layer.OutputSize);
        }

        if (model.Value is not null)
        {
            foreach (DenseLayer layer in model.Value.Layers)
            {
                widest = Math.Max(widest, layer.OutputSize);
            }
        }

        _widest = widest;
        _offsets = new int[model.CategoryCounts.Length];
        for (int k = 1; k < _offsets.Length; k++)
        {
            _offsets[k] = _offsets[k - 1] + model.CategoryCounts[k - 1];
        }

        Reserve(1);
    }

    /// <summary>The policy this agent runs.</summary>
    public PolicyModel Model => _model;

    /// <summary>Floats per observation.</summary>
    public int ObservationSize => _model.ObservationSize;

    /// <summary>Floats per action.</summary>
    public int ActionSize => _model.ActionSize;

    /// <summary>True (the default): the most likely action (argmax / mean). False: a draw from π(·|s).</summary>
    public bool Deterministic { get; set; } = true;

    /// <summary>Whether <see cref="Value"/> is available (the policy was exported with its critic).</summary>
    public bool HasValue => _model.Value is not null;

    /// <summary>Flags per action mask: the category counts summed (Σ nvec), 0 for continuous actions.</summary>
    public int ActionMaskSize => _model.IsDiscrete ? _model.Policy.OutputSize : 0;

    /// <summary>Loads a policy file written by <c>sharprl export --format sharprl</c> (see <see cref="PolicyModelFile"/>).</summary>
    /// <param name="path">The <c>.srlp</c> file.</param>
    /// <param name="seed">Seeds the generator of sampled actions; null for an unseeded one.</param>
    /// <exception cref="InvalidDataException">The file is not a valid SharpRL policy file.</exception>
    public static Agent Load(string path, int? seed = null) => FromModel(PolicyModelFile.Read(path), seed);

    /// <summary>An agent for a model built in memory.</summary>
    public static Agent FromModel(PolicyModel model, int? seed = null)
    {
        if (model is null)
        {
            throw new ArgumentNullException(nameof(model));
        }

        return new Agent(model, seed is { } s ? new Random(s) : new Random());
    }

    /// <summary>Another agent on the same weights, with its own buffers and a generator seeded with <paramref name="seed"/>; for another thread.</summary>
    public Agent Clone(int seed) => new(_model, new Random(seed)) { Deterministic = Deterministic };

    /// <summary>Restarts the generator of sampled actions from <paramref name="seed"/>.</summary>
    public void Seed(int seed) => _random = new Random(seed);

    /// <summary>Makes the buffers for batches of up to <paramref name="maxBatchSize"/> now, so that no later call allocates.</summary>
    public void Reserve(int maxBatchSize)
    {
        if (maxBatchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBatchSize), maxBatchSize, "maxBatchSize must be positive.");
        }

        if (maxBatchSize <= _capacity)
        {
            return;
        }

        _input = new float[maxBatchSize * _model.NetworkInputSize];
        _bufferA = new float[maxBatchSize * _widest];
        _bufferB = new float[maxBatchSize * _widest];
        _capacity = maxBatchSize;
    }

    /// <summary>Chooses the action for one observation.</summary>
    /// <param name="observation">The raw observation (<see cref="ObservationSize"/> floats), as the env returns it.</param>
    /// <param name="action">Receives <see cref="ActionSize"/> floats, as the env accepts them.</param>
    public void Act(ReadOnlySpan<float> observation, Span<float> action) => Act(RequireOneObservation(observation), action, 1);

    /// <summary>Chooses actions for a batch of observations (many agents in one call).</summary>
    /// <param name="observations">Row-major <c>[batchSize × ObservationSize]</c>.</param>
    /// <param name="actions">Receives row-major <c>[batchSize × ActionSize]</c>.</param>
    /// <param name="batchSize">Number of rows; positive.</param>
    public void Act(ReadOnlySpan<float> observations, Span<float> actions, int batchSize)
    {
        Span<float> output = RunPolicy(observations, batchSize, nameof(observations));
        int actionSize = _model.ActionSize;
        if (actions.Length < batchSize * actionSize)
        {
            throw new ArgumentException($"actions has {actions.Length} floats; expected batch {batchSize} × {actionSize}.", nameof(actions));
        }

        switch (_model.Head)
        {
            case ActionHead.Categorical or ActionHead.MultiCategorical:
                SelectDiscrete(output, actions, batchSize);
                break;
            case ActionHead.DiagGaussian:
                SelectGaussian(output, actions, batchSize);
                break;
            default:
                SelectSquashed(output, actions, batchSize);
                break;
        }
    }

    /// <summary>
    /// Chooses the action for one observation under an action mask: disallowed categories are never chosen
    /// (their logits become −1e9 before the argmax or the draw, as in SharpRL's masked training).
    /// </summary>
    /// <param name="observation">The raw observation (<see cref="ObservationSize"/> floats).</param>
    /// <param name="actionMask">Σ category counts flags, component after component: true = allowed; each component needs one allowed category.</param>
    /// <param name="action">Receives <see cref="ActionSize"/> floats.</param>
    /// <exception cref="InvalidOperationException">The policy has continuous actions, which cannot be masked.</exception>
    public void Act(ReadOnlySpan<float> observation, ReadOnlySpan<bool> actionMask, Span<float> action) => Act(RequireOneObservation(observation), actionMask, action, 1);

    /// <summary>Chooses actions for a batch of observations, each row under its own action mask.</summary>
    /// <param name="observations">Row-major <c>[batchSize × ObservationSize]</c>.</param>
    /// <param name="actionMasks">Row-major <c>[batchSize × ActionMaskSize]</c>, true = allowed.</param>
    /// <param name="actions">Receives row-major <c>[batchSize × ActionSize]</c>.</param>
    /// <param name="batchSize">Number of rows; positive.</param>
    /// <exception cref="InvalidOperationException">The policy has continuous actions, which cannot be masked.</exception>
    public void Act(ReadOnlySpan<float> observations, ReadOnlySpan<bool> actionMasks, Span<float> actions, int batchSize)
    {
        if (!_model.IsDiscrete)
        {
            throw new InvalidOperationException($"This {_model.Head} policy has continuous actions, which cannot be masked; call Act without a mask.");
        }

        int maskSize = ActionMaskSize;
        if (batchSize > 0 && actionMasks.Length < batchSize * maskSize)
        {
            throw new ArgumentException($"actionMasks has {actionMasks.Length} flags; expected batch {batchSize} × {maskSize} (the category counts summed).", nameof(actionMasks));
        }

        Span<float> output = RunPolicy(observations, batchSize, nameof(observations));
        if (actions.Length < batchSize * _model.ActionSize)
        {
            throw new ArgumentException($"actions has {actions.Length} floats; expected batch {batchSize} × {_model.ActionSize}.", nameof(actions));
        }

        int[] counts = _model.CategoryCounts;
        for (int row = 0; row < batchSize; row++)
        {
            for (int k = 0; k < counts.Length; k++)
            {
                ReadOnlySpan<bool> allowed = actionMasks.Slice((row * maskSize) + _offsets[k], counts[k]);
                if (allowed.IndexOf(true) < 0)
                {
                    throw new ArgumentException($"the action mask of row {row} allows none of the {counts[k]} categories of component {k}; every component needs at least one allowed action.", nameof(actionMasks));
                }

                Span<float> z = output.Slice((row * maskSize) + _offsets[k], counts[k]);
                for (int j = 0; j < z.Length; j++)
                {
                    if (!allowed[j])
                    {
                        z[j] = MaskedLogit;
                    }
                }
            }
        }

        SelectDiscrete(output, actions, batchSize);
    }

    /// <summary>V(s) of one raw observation, from the exported critic.</summary>
    /// <exception cref="InvalidOperationException">The model has no value network.</exception>
    public float Value(ReadOnlySpan<float> observation)
    {
        DenseNetwork value = _model.Value ?? throw new InvalidOperationException("This policy file holds no value network (it was exported without its critic).");
        Span<float> input = Normalize(observation, 1, nameof(observation));
        return Forward(value, input, 1)[0];
    }

    private Span<float> RunPolicy(ReadOnlySpan<float> observations, int batchSize, string argumentName)
    {
        if (batchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be positive.");
        }

        Reserve(batchSize);
        Span<float> input = Normalize(observations, batchSize, argumentName);
        return Forward(_model.Policy, input, batchSize);
    }

    // One observation must be exactly one: a longer span is a shape mistake (the batch overloads take longer
    // buffers on purpose, reading their first batchSize rows).
    private ReadOnlySpan<float> RequireOneObservation(ReadOnlySpan<float> observation)
    {
        if (observation.Length != _model.ObservationSize)
        {
            throw new ArgumentException($"observation has {observation.Length} floats; this policy takes {_model.ObservationSize}.", nameof(observation));
        }

        return observation;
    }

    private Span<float> Normalize(ReadOnlySpan<float> observations, int batchSize, string argumentName)
    {
        int n = _model.ObservationSize;
        if (observations.Length < batchSize * n)
        {
            throw new ArgumentException($"{argumentName} has {observations.Length} floats; expected batch {batchSize} × {n}.", argumentName);
        }

        // A NaN or infinite input would come out as a NaN action without a word.
        for (int i = 0; i < batchSize * n; i++)
        {
            if (!FiniteValues.IsFinite(observations[i]))
            {
                throw new ArgumentException($"{argumentName}[{i}] (row {i / n}, component {i % n}) is {observations[i]}; observations must be finite.", argumentName);
            }
        }

        if (_model.DiscreteObservation is { } discrete)
        {
            return OneHot(observations, batchSize, discrete, argumentName);
        }

        Span<float> input = _input.AsSpan(0, batchSize * n);
        if (_model.Normalizer is not { } normalizer)
        {
            observations.Slice(0, batchSize * n).CopyTo(input);
            return input;
        }

        // In double, as training normalised, so the network sees the same floats.
        double[] mean = normalizer.Mean, scale = normalizer.Scale;
        double clip = normalizer.Clip;
        for (int row = 0; row < batchSize; row++)
        {
            int offset = row * n;
            for (int j = 0; j < n; j++)
            {
                double z = (observations[offset + j] - mean[j]) / scale[j];
                input[offset + j] = (float)Math.Min(Math.Max(z, -clip), clip);
            }
        }

        return input;
    }

    // The network saw Discrete observations one-hot encoded (no false ordering between values).
    private Span<float> OneHot(ReadOnlySpan<float> observations, int batchSize, DiscreteObservation discrete, string argumentName)
    {
        int n = discrete.Count;
        Span<float> input = _input.AsSpan(0, batchSize * n);
        input.Clear();
        for (int row = 0; row < batchSize; row++)
        {
            int index = (int)observations[row] - discrete.Start;
            if (index < 0 || index >= n)
            {
                throw new ArgumentOutOfRangeException(argumentName, observations[row], $"observation {row} is {observations[row]}; the Discrete observation space holds {discrete.Start} to {discrete.Start + n - 1}.");
            }

            input[(row * n) + index] = 1f;
        }

        return input;
    }

    private Span<float> Forward(DenseNetwork network, ReadOnlySpan<float> input, int batchSize)
    {
        IReadOnlyList<DenseLayer> layers = network.Layers;
        ReadOnlySpan<float> x = input;
        Span<float> y = default;
        for (int l = 0; l < layers.Count; l++)
        {
            DenseLayer layer = layers[l];
            y = (l % 2 == 0 ? _bufferA : _bufferB).AsSpan(0, batchSize * layer.OutputSize);
            for (int row = 0; row < batchSize; row++)
            {
                Dense(layer, x.Slice(row * layer.InputSize, layer.InputSize), y.Slice(row * layer.OutputSize, layer.OutputSize));
            }

            if (l != layers.Count - 1)
            {
                Activate(network.Activation, y);
            }

            x = y;
        }

        return y;
    }

    // y = b + Σ_i x_i · W[i, :]. Blocks of 4 SIMD vectors of y stay in registers across the whole sum
    // over i (one pass over W, no store per term); rows of W are contiguous, so each term is 4 loads + 4 FMAs.
    private static void Dense(DenseLayer layer, ReadOnlySpan<float> x, Span<float> y)
    {
        int outputs = layer.OutputSize;
        int inputs = x.Length;
        ReadOnlySpan<float> weight = layer.Weight;
        ReadOnlySpan<float> bias = layer.Bias;
        int width = Vector<float>.Count;
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ReadOnlySpan<byte> w = MemoryMarshal.AsBytes(weight);
            ReadOnlySpan<byte> b = MemoryMarshal.AsBytes(bias);
            for (; j <= outputs - (4 * width); j += 4 * width)
            {
                Vector<float> a0 = Load(b, j), a1 = Load(b, j + width), a2 = Load(b, j + (2 * width)), a3 = Load(b, j + (3 * width));
                for (int i = 0; i < inputs; i++)
                {
                    var xi = new Vector<float>(x[i]);
                    int row = (i * outputs) + j;
                    a0 += Load(w, row) * xi;
                    a1 += Load(w, row + width) * xi;
                    a2 += Load(w, row + (2 * width)) * xi;
                    a3 += Load(w, row + (3 * width)) * xi;
                }

                Store(y, j, a0);
                Store(y, j + width, a1);
                Store(y, j + (2 * width), a2);
                Store(y, j + (3 * width), a3);
            }

            for (; j <= outputs - width; j += width)
            {
                Vector<float> a = Load(b, j);
                for (int i = 0; i < inputs; i++)
                {
                    a += Load(w, (i * outputs) + j) * new Vector<float>(x[i]);
                }

                Store(y, j, a);
            }
        }

        for (; j < outputs; j++)
        {
            float sum = bias[j];
            for (int i = 0; i < inputs; i++)
            {
                sum += x[i] * weight[(i * outputs) + j];
            }

            y[j] = sum;
        }
    }

    private static void Store(Span<float> destination, int index, Vector<float> value)
    {
#if NET8_0_OR_GREATER
        value.CopyTo(destination.Slice(index));
#else
        MemoryMarshal.Write(MemoryMarshal.AsBytes(destination.Slice(index)), ref value);
#endif
    }

    // An unaligned SIMD load of floats [index, index + Vector<float>.Count).
    private static Vector<float> Load(ReadOnlySpan<byte> floats, int index) =>
        MemoryMarshal.Read<Vector<float>>(floats.Slice(index * sizeof(float)));

    private static void Activate(HiddenActivation activation, Span<float> values)
    {
        if (activation == HiddenActivation.Tanh)
        {
            Tanh(values);
        }
        else
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = Math.Max(values[i], 0f);
            }
        }
    }

    // tanh dominates a small policy's latency when done one element at a time; .NET 9+ has a SIMD exp.
    // tanh x = 1 − 2 / (e^{2x} + 1): exact limits ±1 when e^{2x} over- or underflows, absolute error ~1e-7.
    private static void Tanh(Span<float> values)
    {
        int i = 0;
#if NET9_0_OR_GREATER
        if (Vector.IsHardwareAccelerated)
        {
            Span<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
            var one = Vector<float>.One;
            var two = new Vector<float>(2f);
            for (int v = 0; v < vectors.Length; v++)
            {
                vectors[v] = one - (two / (Vector.Exp(vectors[v] * two) + one));
            }

            i = vectors.Length * Vector<float>.Count;
        }
#endif
        for (; i < values.Length; i++)
        {
            values[i] = MathF.Tanh(values[i]);
        }
    }

    private void SelectDiscrete(ReadOnlySpan<float> logits, Span<float> actions, int batchSize)
    {
        int[] counts = _model.CategoryCounts;
        float[] start = _model.ActionStart;
        int parameterSize = _model.Policy.OutputSize;
        int components = counts.Length;
        for (int row = 0; row < batchSize; row++)
        {
            for (int k = 0; k < components; k++)
            {
                ReadOnlySpan<float> z = logits.Slice((row * parameterSize) + _offsets[k], counts[k]);
                int index = Deterministic ? ArgMax(z) : SampleCategory(z, _random.NextDouble());
                actions[(row * components) + k] = index + start[k];
            }
        }
    }

    private void SelectGaussian(ReadOnlySpan<float> mean, Span<float> actions, int batchSize)
    {
        int d = _model.ActionSize;
        int count = batchSize * d;
        float[] logStd = _model.LogStd;
        if (Deterministic)
        {
            mean.Slice(0, count).CopyTo(actions);
        }
        else
        {
            // Box–Muller pairs over the row-major batch × d draws, as SharpRL's DiagGaussian.Sample.
            for (int index = 0; index < count; index += 2)
            {
                double radius = Math.Sqrt(-2.0 * Math.Log(1.0 - _random.NextDouble()));
                double angle = 2.0 * Math.PI * _random.NextDouble();
                actions[index] = mean[index] + (MathF.Exp(logStd[index % d]) * (float)(radius * Math.Cos(angle)));
                if (index + 1 < count)
                {
                    actions[index + 1] = mean[index + 1] + (MathF.Exp(logStd[(index + 1) % d]) * (float)(radius * Math.Sin(angle)));
                }
            }
        }

        float[] low = _model.ActionLow, high = _model.ActionHigh;
        for (int i = 0; i < count; i++)
        {
            int j = i % d;
            actions[i] = Math.Min(Math.Max(actions[i], low[j]), high[j]);
        }
    }

    // Off-policy actors: tanh(x) in [−1, 1], then low + (a + 1)(high − low)/2. A squashed Gaussian
    // draws x = μ + σ·ε row by row, ε from Box–Muller pairs within the row (as SAC's acting policy does).
    private void SelectSquashed(ReadOnlySpan<float> output, Span<float> actions, int batchSize)
    {
        int d = _model.ActionSize;
        bool squashedGaussian = _model.Head == ActionHead.SquashedGaussian;
        int rowWidth = squashedGaussian ? 2 * d : d;
        float[] low = _model.ActionLow, high = _model.ActionHigh;
        for (int row = 0; row < batchSize; row++)
        {
            ReadOnlySpan<float> x = output.Slice(row * rowWidth, rowWidth);
            Span<float> a = actions.Slice(row * d, d);
            x.Slice(0, d).CopyTo(a);
            if (squashedGaussian && !Deterministic)
            {
                for (int j = 0; j < d; j += 2)
                {
                    double radius = Math.Sqrt(-2.0 * Math.Log(1.0 - _random.NextDouble()));
                    double angle = 2.0 * Math.PI * _random.NextDouble();
                    a[j] += MathF.Exp(ClampLogStd(x[d + j])) * (float)(radius * Math.Cos(angle));
                    if (j + 1 < d)
                    {
                        a[j + 1] += MathF.Exp(ClampLogStd(x[d + j + 1])) * (float)(radius * Math.Sin(angle));
                    }
                }
            }

            // Rounding in low + (t + 1)(high − low)/2 can land a last-place step outside [low, high] (e.g. 1.1000001
            // for [−3.3, 1.1]); a game is promised actions inside the Box, so the result is clamped, as the ONNX
            // export's squashed head clips.
            for (int j = 0; j < d; j++)
            {
                float rescaled = low[j] + (0.5f * (MathF.Tanh(a[j]) + 1f) * (high[j] - low[j]));
                a[j] = Math.Min(Math.Max(rescaled, low[j]), high[j]);
            }
        }
    }

    private static float ClampLogStd(float rawLogStd) => Math.Min(Math.Max(rawLogStd, -20f), 2f);

    private static int ArgMax(ReadOnlySpan<float> z)
    {
        int best = 0;
        for (int j = 1; j < z.Length; j++)
        {
            if (z[j] > z[best])
            {
                best = j;
            }
        }

        return best;
    }

    // Inverse CDF on unnormalised weights exp(z − max), compared against u·Σw (SharpRL's categorical draw).
    private static int SampleCategory(ReadOnlySpan<float> z, double uniform)
    {
        float max = z[0];
        for (int j = 1; j < z.Length; j++)
        {
            max = Math.Max(max, z[j]);
        }

        float total = 0f;
        for (int j = 0; j < z.Length; j++)
        {
            total += MathF.Exp(z[j] - max);
        }

        float target = (float)uniform * total;
        float cumulative = 0f;
        int lastPossible = 0;
        for (int j = 0; j < z.Length; j++)
        {
            float weight = MathF.Exp(z[j] - max);
            if (weight > 0f)
            {
                cumulative += weight;
                lastPossible = j;
                if (cumulative > target)
                {
                    return j;
                }
            }
        }

        return lastPossible;
    }
}
