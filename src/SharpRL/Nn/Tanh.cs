using System.Numerics;
using SharpRL.Nn.Kernels;

namespace SharpRL.Nn;

/// <summary>Element-wise y = tanh(x); no parameters.</summary>
/// <typeparam name="T">float for training, double for finite-difference checks.</typeparam>
public sealed class Tanh<T> : IModule<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _cachedOutput = [];
    private int _cachedBatchSize;

    /// <summary>Creates the activation for rows of <paramref name="size"/> features.</summary>
    /// <param name="size">Features per row; positive.</param>
    public Tanh(int size) => InputSize = ModuleArguments.RequirePositiveSize(size, nameof(size));

    /// <inheritdoc />
    public int InputSize { get; }

    /// <inheritdoc />
    public int OutputSize => InputSize;

    /// <summary>Empty: tanh has no parameters.</summary>
    public IReadOnlyList<Parameter<T>> Parameters => [];

    /// <inheritdoc />
    public void Forward(ReadOnlySpan<T> input, Span<T> output, int batchSize)
    {
        ModuleArguments.RequirePositiveBatch(batchSize);
        ModuleArguments.RequireLength(input.Length, batchSize, InputSize, nameof(input));
        ModuleArguments.RequireLength(output.Length, batchSize, OutputSize, nameof(output));
        input.CopyTo(output);
        Activate(output);
        CacheOutput(output, batchSize);
    }

    /// <inheritdoc />
    public void Backward(ReadOnlySpan<T> gradOutput, Span<T> gradInput, int batchSize)
    {
        ModuleArguments.RequirePositiveBatch(batchSize);
        ModuleArguments.RequireLength(gradOutput.Length, batchSize, OutputSize, nameof(gradOutput));
        ModuleArguments.RequireLengthOrEmpty(gradInput.Length, batchSize, InputSize, nameof(gradInput));
        ModuleArguments.RequireCachedBatch(_cachedBatchSize, batchSize, nameof(Tanh<>));
        if (!gradInput.IsEmpty)
        {
            gradOutput.CopyTo(gradInput);
            MultiplyByDerivative(_cachedOutput.AsSpan(0, gradInput.Length), gradInput);
        }
    }

    /// <inheritdoc />
    public void Jvp(ReadOnlySpan<T> input, ReadOnlySpan<T> inputTangent, Span<T> output, Span<T> outputTangent, int batchSize)
    {
        ModuleArguments.RequirePositiveBatch(batchSize);
        ModuleArguments.RequireLength(input.Length, batchSize, InputSize, nameof(input));
        ModuleArguments.RequireLengthOrEmpty(inputTangent.Length, batchSize, InputSize, nameof(inputTangent));
        ModuleArguments.RequireLength(output.Length, batchSize, OutputSize, nameof(output));
        ModuleArguments.RequireLength(outputTangent.Length, batchSize, OutputSize, nameof(outputTangent));
        Forward(input, output, batchSize);
        if (inputTangent.IsEmpty)
        {
            outputTangent.Clear();
            return;
        }

        inputTangent.CopyTo(outputTangent);
        MultiplyByDerivative(output, outputTangent);
    }

    /// <summary>values ← tanh(values), in place.</summary>
    internal static void Activate(Span<T> values)
        => Elementwise.Tanh(values);

    /// <summary>
    /// vector ← (1 − y²) ⊙ vector, from the activation's output y. The Jacobian is diagonal, so the
    /// same product serves reverse mode (Jᵀv) and forward mode (Jv).
    /// </summary>
    internal static void MultiplyByDerivative(ReadOnlySpan<T> output, Span<T> vector)
        => Elementwise.TanhBackward<T>(vector, output, vector);

    private void CacheOutput(ReadOnlySpan<T> output, int batchSize)
    {
        _cachedOutput = ModuleArguments.Grow(_cachedOutput, output.Length);
        output.CopyTo(_cachedOutput);
        _cachedBatchSize = batchSize;
    }
}
