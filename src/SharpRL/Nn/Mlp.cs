using System.Numerics;

namespace SharpRL.Nn;

/// <summary>
/// Multi-layer perceptron: Linear, activation, …, Linear, with no activation after the last layer.
/// It owns its intermediate buffers; they grow with the largest batch seen, so steady-state
/// Forward/Backward/Jvp allocate nothing.
/// </summary>
/// <remarks>
/// Parameter names follow torch.nn.Sequential, where the activations take the odd indices:
/// "&lt;prefix&gt;0.weight", "&lt;prefix&gt;0.bias", "&lt;prefix&gt;2.weight", …
/// (weights are stored <c>[in × out]</c>, transposed with respect to torch).
/// </remarks>
/// <typeparam name="T">float for training, double for finite-difference checks.</typeparam>
public sealed class Mlp<T> : IModule<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly int[] _sizes;
    private readonly Linear<T>[] _layers;
    private readonly Parameter<T>[] _parameters;
    private readonly int _widestHidden;

    // _layerInputs[l] is the input of layer l: the network input for l = 0, else hidden activation l.
    // Backward needs them for ∂L/∂W, and the activation derivatives are read off them too.
    private readonly T[][] _layerInputs;

    // Two hidden-width buffers used alternately, since layer l reads its upstream gradient (or
    // tangent) while writing the downstream one.
    private T[] _scratchA = [];
    private T[] _scratchB = [];
    private int _capacityBatchSize;
    private int _cachedBatchSize;

    /// <summary>Creates the network with zero weights and biases (use <see cref="Create"/> for orthogonal init).</summary>
    /// <param name="sizes">Layer widths from input to output, e.g. [4, 64, 64, 2]; at least 2 entries, all positive.</param>
    /// <param name="activation">Non-linearity after every layer but the last.</param>
    /// <param name="namePrefix">Prepended to every parameter name (e.g. "policy.").</param>
    public Mlp(IReadOnlyList<int> sizes, Activation activation, string namePrefix = "")
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(namePrefix);
        if (sizes.Count < 2)
        {
            throw new ArgumentException(
                $"sizes must list at least 2 widths (input and output); got {sizes.Count}: [{string.Join(", ", sizes)}].",
                nameof(sizes));
        }

        for (int i = 0; i < sizes.Count; i++)
        {
            if (sizes[i] <= 0)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(sizes),
                    sizes[i],
                    $"sizes[{i}] must be positive; got {sizes[i]} in [{string.Join(", ", sizes)}].");
            }
        }

        if (!Enum.IsDefined(activation))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, $"activation must be one of {string.Join(", ", Enum.GetNames<Activation>())}.");
        }

        _sizes = [.. sizes];
        Activation = activation;
        _layers = new Linear<T>[_sizes.Length - 1];
        _parameters = new Parameter<T>[2 * _layers.Length];
        for (int l = 0; l < _layers.Length; l++)
        {
            _layers[l] = new Linear<T>(_sizes[l], _sizes[l + 1], $"{namePrefix}{2 * l}.");
            _parameters[2 * l] = _layers[l].Weight;
            _parameters[(2 * l) + 1] = _layers[l].Bias;
        }

        _layerInputs = new T[_layers.Length][];
        Array.Fill(_layerInputs, []);
        _widestHidden = _sizes.Length > 2 ? _sizes[1..^1].Max() : 0;
    }

    /// <summary>Creates the network with orthogonal weights and zero biases (the PPO recipe).</summary>
    /// <param name="sizes">Layer widths from input to output; at least 2 entries, all positive.</param>
    /// <param name="activation">Non-linearity after every layer but the last.</param>
    /// <param name="rng">Source of the Gaussian draws; seed it for reproducible weights.</param>
    /// <param name="hiddenGain">Gain of every layer but the last (√2 in SB3/CleanRL).</param>
    /// <param name="outputGain">Gain of the last layer (0.01 for a policy head, 1 for a value head).</param>
    /// <param name="namePrefix">Prepended to every parameter name.</param>
    public static Mlp<T> Create(IReadOnlyList<int> sizes, Activation activation, Random rng, double hiddenGain, double outputGain, string namePrefix = "")
    {
        var mlp = new Mlp<T>(sizes, activation, namePrefix);
        mlp.InitializeOrthogonal(rng, hiddenGain, outputGain);
        return mlp;
    }

    /// <inheritdoc />
    public int InputSize => _sizes[0];

    /// <inheritdoc />
    public int OutputSize => _sizes[^1];

    /// <summary>Layer widths from input to output.</summary>
    public IReadOnlyList<int> Sizes => _sizes;

    /// <summary>Non-linearity after every layer but the last.</summary>
    public Activation Activation { get; }

    /// <summary>The linear layers, input first.</summary>
    public IReadOnlyList<Linear<T>> Layers => _layers;

    /// <summary>Weight and bias of each layer, input layer first.</summary>
    public IReadOnlyList<Parameter<T>> Parameters => _parameters;

    /// <summary>Re-initialises every weight orthogonally and every bias to zero.</summary>
    /// <param name="rng">Source of the Gaussian draws.</param>
    /// <param name="hiddenGain">Gain of every layer but the last.</param>
    /// <param name="outputGain">Gain of the last layer.</param>
    public void InitializeOrthogonal(Random rng, double hiddenGain, double outputGain)
    {
        ArgumentNullException.ThrowIfNull(rng);
        for (int l = 0; l < _layers.Length; l++)
        {
            Init.Orthogonal(_layers[l], l == _layers.Length - 1 ? outputGain : hiddenGain, rng);
        }
    }

    /// <summary>Re-initialises every layer as PyTorch's <c>nn.Linear</c> does (see <see cref="Init.UniformFanIn{T}(Linear{T}, Random)"/>).</summary>
    /// <param name="rng">Source of the uniform draws.</param>
    public void InitializeUniformFanIn(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        foreach (Linear<T> layer in _layers)
        {
            Init.UniformFanIn(layer, rng);
        }
    }

    /// <inheritdoc />
    public void Forward(ReadOnlySpan<T> input, Span<T> output, int batchSize)
    {
        ModuleArguments.CheckForward(this, input.Length, output.Length, batchSize);
        EnsureCapacity(batchSize);
        _cachedBatchSize = 0;
        input.CopyTo(_layerInputs[0]);
        int last = _layers.Length - 1;
        for (int l = 0; l <= last; l++)
        {
            Span<T> layerOutput = l == last ? output : LayerInput(l + 1, batchSize);

            // A ReLU runs in the product's epilogue; tanh has its own pass.
            bool fusedRelu = l != last && Activation == Activation.Relu;
            _layers[l].Apply(LayerInput(l, batchSize), layerOutput, batchSize, fusedRelu);
            if (l != last && !fusedRelu)
            {
                Activate(layerOutput);
            }
        }

        _cachedBatchSize = batchSize;
    }

    /// <inheritdoc />
    public void Backward(ReadOnlySpan<T> gradOutput, Span<T> gradInput, int batchSize)
        => Backpropagate(gradOutput, gradInput, batchSize, parameterGradients: true);

    /// <summary>
    /// ∂L/∂input from ∂L/∂output for the last Forward, leaving every parameter gradient untouched:
    /// for a network that only passes a gradient through (a critic inside the actor's loss), this
    /// skips the weight-gradient products, a third of the backward pass.
    /// </summary>
    /// <param name="gradOutput">∂L/∂output, batchSize × OutputSize.</param>
    /// <param name="gradInput">Receives ∂L/∂input, batchSize × InputSize.</param>
    /// <param name="batchSize">Rows; must match the last Forward.</param>
    public void BackwardInput(ReadOnlySpan<T> gradOutput, Span<T> gradInput, int batchSize)
    {
        if (gradInput.IsEmpty)
        {
            throw new ArgumentException("BackwardInput computes only ∂L/∂input, so gradInput must not be empty.", nameof(gradInput));
        }

        Backpropagate(gradOutput, gradInput, batchSize, parameterGradients: false);
    }

    private void Backpropagate(ReadOnlySpan<T> gradOutput, Span<T> gradInput, int batchSize, bool parameterGradients)
    {
        ModuleArguments.CheckBackward(this, gradOutput.Length, gradInput.Length, batchSize, _cachedBatchSize, nameof(Mlp<>));
        ReadOnlySpan<T> upstream = gradOutput;
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            // Below layer 0 the gradient goes to the caller; above it, through activation l.
            Span<T> downstream = l == 0 ? gradInput : Scratch(l, batchSize * _sizes[l]);

            // Above layer 0 a ReLU's derivative is applied as the input gradient is stored; tanh's in its own pass.
            bool fusedRelu = l != 0 && Activation == Activation.Relu;
            _layers[l].Differentiate(LayerInput(l, batchSize), upstream, downstream, batchSize, parameterGradients, fusedRelu ? LayerInput(l, batchSize) : []);
            if (l != 0 && !fusedRelu)
            {
                MultiplyByActivationDerivative(LayerInput(l, batchSize), downstream);
            }

            upstream = downstream;
        }
    }

    /// <inheritdoc />
    public void Jvp(ReadOnlySpan<T> input, ReadOnlySpan<T> inputTangent, Span<T> output, Span<T> outputTangent, int batchSize)
    {
        ModuleArguments.CheckJvp(this, input.Length, inputTangent.Length, output.Length, outputTangent.Length, batchSize);
        EnsureCapacity(batchSize);
        _cachedBatchSize = 0;
        input.CopyTo(_layerInputs[0]);
        ReadOnlySpan<T> tangentIn = inputTangent;
        int last = _layers.Length - 1;
        for (int l = 0; l <= last; l++)
        {
            Span<T> layerOutput = l == last ? output : LayerInput(l + 1, batchSize);
            Span<T> tangentOut = l == last ? outputTangent : Scratch(l, batchSize * _sizes[l + 1]);
            _layers[l].PushForward(LayerInput(l, batchSize), tangentIn, layerOutput, tangentOut, batchSize);
            if (l != last)
            {
                Activate(layerOutput);
                MultiplyByActivationDerivative(layerOutput, tangentOut);
            }

            tangentIn = tangentOut;
        }

        _cachedBatchSize = batchSize;
    }

    private Span<T> LayerInput(int layer, int batchSize) => _layerInputs[layer].AsSpan(0, batchSize * _sizes[layer]);

    private Span<T> Scratch(int layer, int length) => (layer % 2 == 0 ? _scratchA : _scratchB).AsSpan(0, length);

    private void EnsureCapacity(int batchSize)
    {
        if (batchSize <= _capacityBatchSize)
        {
            return;
        }

        for (int l = 0; l < _layers.Length; l++)
        {
            _layerInputs[l] = new T[batchSize * _sizes[l]];
        }

        _scratchA = new T[batchSize * _widestHidden];
        _scratchB = new T[batchSize * _widestHidden];
        _capacityBatchSize = batchSize;
    }

    private void Activate(Span<T> values) => ActivationFunctions.Activate(Activation, values);

    private void MultiplyByActivationDerivative(ReadOnlySpan<T> activationOutput, Span<T> vector)
        => ActivationFunctions.MultiplyByDerivative(Activation, activationOutput, vector);
}
