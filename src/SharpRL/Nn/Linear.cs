using System.Numerics;
using SharpRL.Nn.Kernels;

namespace SharpRL.Nn;

/// <summary>
/// Affine layer y = x·W + b. The weight is stored <c>[InputSize × OutputSize]</c> (the transpose of
/// torch.nn.Linear's <c>[out × in]</c>) so that the forward pass is one row-major product over the batch.
/// </summary>
/// <typeparam name="T">float for training, double for finite-difference checks.</typeparam>
public sealed class Linear<T> : IModule<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Parameter<T>[] _parameters;
    private T[] _cachedInput = [];
    private int _cachedBatchSize;

    /// <summary>Creates a layer with zero weight and bias (see <see cref="Init"/> for initialisation).</summary>
    /// <param name="inputSize">Features per input row; positive.</param>
    /// <param name="outputSize">Features per output row; positive.</param>
    /// <param name="namePrefix">Prepended to the parameter names "weight" and "bias" (e.g. "policy.0.").</param>
    public Linear(int inputSize, int outputSize, string namePrefix = "")
    {
        ArgumentNullException.ThrowIfNull(namePrefix);
        InputSize = ModuleArguments.RequirePositiveSize(inputSize, nameof(inputSize));
        OutputSize = ModuleArguments.RequirePositiveSize(outputSize, nameof(outputSize));
        Weight = new Parameter<T>(namePrefix + "weight", inputSize, outputSize);
        Bias = new Parameter<T>(namePrefix + "bias", outputSize);
        _parameters = [Weight, Bias];
    }

    /// <inheritdoc />
    public int InputSize { get; }

    /// <inheritdoc />
    public int OutputSize { get; }

    /// <summary>W, shape <c>[InputSize × OutputSize]</c>.</summary>
    public Parameter<T> Weight { get; }

    /// <summary>b, shape <c>[OutputSize]</c>.</summary>
    public Parameter<T> Bias { get; }

    /// <summary>Weight, then bias.</summary>
    public IReadOnlyList<Parameter<T>> Parameters => _parameters;

    /// <inheritdoc />
    public void Forward(ReadOnlySpan<T> input, Span<T> output, int batchSize)
    {
        ModuleArguments.CheckForward(this, input.Length, output.Length, batchSize);
        CacheInput(input, batchSize);
        Apply(input, output, batchSize);
    }

    /// <inheritdoc />
    public void Backward(ReadOnlySpan<T> gradOutput, Span<T> gradInput, int batchSize)
    {
        ModuleArguments.CheckBackward(this, gradOutput.Length, gradInput.Length, batchSize, _cachedBatchSize, nameof(Linear<>));
        Differentiate(_cachedInput.AsSpan(0, batchSize * InputSize), gradOutput, gradInput, batchSize);
    }

    /// <inheritdoc />
    public void Jvp(ReadOnlySpan<T> input, ReadOnlySpan<T> inputTangent, Span<T> output, Span<T> outputTangent, int batchSize)
    {
        ModuleArguments.CheckJvp(this, input.Length, inputTangent.Length, output.Length, outputTangent.Length, batchSize);
        CacheInput(input, batchSize);
        PushForward(input, inputTangent, output, outputTangent, batchSize);
    }

    /// <summary>Y = X·W + b, unchecked and uncached (callers that own the input buffer, like <see cref="Mlp{T}"/>).</summary>
    internal void Apply(ReadOnlySpan<T> input, Span<T> output, int batchSize) => Apply(input, output, batchSize, relu: false);

    /// <summary>Y = X·W + b, then max(Y, 0) if <paramref name="relu"/>, in one product (bias and ReLU in its epilogue).</summary>
    internal void Apply(ReadOnlySpan<T> input, Span<T> output, int batchSize, bool relu)
        => Gemm.MultiplyAddBias(input, Weight.Value, Bias.Value, output, batchSize, InputSize, OutputSize, relu);

    /// <summary>
    /// Reverse mode given the forward input X; an empty <paramref name="gradInput"/> skips ∂L/∂X, and
    /// <paramref name="parameterGradients"/> = false skips ∂L/∂W and ∂L/∂b (only the input gradient is wanted).
    /// </summary>
    internal void Differentiate(ReadOnlySpan<T> input, ReadOnlySpan<T> gradOutput, Span<T> gradInput, int batchSize, bool parameterGradients = true)
        => Differentiate(input, gradOutput, gradInput, batchSize, parameterGradients, reluOutput: []);

    /// <summary>
    /// As the other overload; a non-empty <paramref name="reluOutput"/> (the output of the ReLU that feeds this
    /// layer, i.e. <paramref name="input"/>) multiplies ∂L/∂X by the ReLU's derivative as it is stored.
    /// </summary>
    internal void Differentiate(ReadOnlySpan<T> input, ReadOnlySpan<T> gradOutput, Span<T> gradInput, int batchSize, bool parameterGradients, ReadOnlySpan<T> reluOutput)
    {
        if (parameterGradients)
        {
            // ∂L/∂W += Xᵀ·∂L/∂Y
            Gemm.MultiplyTransposedA(input, gradOutput, Weight.Gradient, InputSize, batchSize, OutputSize, accumulate: true);

            // ∂L/∂b += Σ_rows ∂L/∂Y
            Elementwise.SumRows(gradOutput, Bias.Gradient, batchSize, OutputSize, accumulate: true);
        }

        // ∂L/∂X = ∂L/∂Y·Wᵀ
        if (gradInput.IsEmpty)
        {
            return;
        }

        if (reluOutput.IsEmpty)
        {
            Gemm.MultiplyTransposedB(gradOutput, Weight.Value, gradInput, batchSize, OutputSize, InputSize);
        }
        else
        {
            Gemm.MultiplyTransposedBMasked(gradOutput, Weight.Value, gradInput, batchSize, OutputSize, InputSize, reluOutput);
        }
    }

    /// <summary>Forward mode given X and Ẋ (empty means zero); θ-tangents come from each parameter's Tangent.</summary>
    internal void PushForward(ReadOnlySpan<T> input, ReadOnlySpan<T> inputTangent, Span<T> output, Span<T> outputTangent, int batchSize)
    {
        Apply(input, output, batchSize);

        // Ẏ = Ẋ·W + X·Ẇ + ḃ
        BroadcastRows(Bias.Tangent, outputTangent, batchSize);
        Gemm.Multiply(input, Weight.Tangent, outputTangent, batchSize, InputSize, OutputSize, accumulate: true);
        if (!inputTangent.IsEmpty)
        {
            Gemm.Multiply(inputTangent, Weight.Value, outputTangent, batchSize, InputSize, OutputSize, accumulate: true);
        }
    }

    private static void BroadcastRows(ReadOnlySpan<T> row, Span<T> destination, int rows)
    {
        for (int r = 0; r < rows; r++)
        {
            row.CopyTo(destination.Slice(r * row.Length, row.Length));
        }
    }

    private void CacheInput(ReadOnlySpan<T> input, int batchSize)
    {
        _cachedInput = ModuleArguments.Grow(_cachedInput, input.Length);
        input.CopyTo(_cachedInput);
        _cachedBatchSize = batchSize;
    }
}
