using System.Numerics;

namespace SharpRL.Nn;

/// <summary>
/// Base of the parameter-free element-wise activations y = f(x) whose derivative can be read from the
/// output y alone (tanh, ReLU): forward caches y, and since the Jacobian is diagonal the same product
/// diag(f′) v serves reverse mode (Jᵀv) and forward mode (Jv). A derived class names f.
/// </summary>
/// <typeparam name="T">float for training, double for finite-difference checks.</typeparam>
public abstract class ElementwiseActivation<T> : IModule<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly string _moduleName;
    private readonly Activation _activation;
    private T[] _cachedOutput = [];
    private int _cachedBatchSize;

    /// <summary>Creates the activation for rows of <paramref name="size"/> features.</summary>
    /// <param name="size">Features per row; positive.</param>
    /// <param name="moduleName">The module's name in error messages, e.g. "Tanh".</param>
    /// <param name="activation">Which f.</param>
    private protected ElementwiseActivation(int size, string moduleName, Activation activation)
    {
        InputSize = ModuleArguments.RequirePositiveSize(size, nameof(size));
        _moduleName = moduleName;
        _activation = activation;
    }

    /// <inheritdoc />
    public int InputSize { get; }

    /// <inheritdoc />
    public int OutputSize => InputSize;

    /// <summary>Empty: an element-wise activation has no parameters.</summary>
    public IReadOnlyList<Parameter<T>> Parameters => [];

    /// <inheritdoc />
    public void Forward(ReadOnlySpan<T> input, Span<T> output, int batchSize)
    {
        ModuleArguments.CheckForward(this, input.Length, output.Length, batchSize);
        input.CopyTo(output);
        ActivationFunctions.Activate(_activation, output);
        CacheOutput(output, batchSize);
    }

    /// <inheritdoc />
    public void Backward(ReadOnlySpan<T> gradOutput, Span<T> gradInput, int batchSize)
    {
        ModuleArguments.CheckBackward(this, gradOutput.Length, gradInput.Length, batchSize, _cachedBatchSize, _moduleName);
        if (!gradInput.IsEmpty)
        {
            gradOutput.CopyTo(gradInput);
            ActivationFunctions.MultiplyByDerivative(_activation, _cachedOutput.AsSpan(0, gradInput.Length), gradInput);
        }
    }

    /// <inheritdoc />
    public void Jvp(ReadOnlySpan<T> input, ReadOnlySpan<T> inputTangent, Span<T> output, Span<T> outputTangent, int batchSize)
    {
        ModuleArguments.CheckJvp(this, input.Length, inputTangent.Length, output.Length, outputTangent.Length, batchSize);
        Forward(input, output, batchSize);
        if (inputTangent.IsEmpty)
        {
            outputTangent.Clear();
            return;
        }

        inputTangent.CopyTo(outputTangent);
        ActivationFunctions.MultiplyByDerivative(_activation, output, outputTangent);
    }

    private void CacheOutput(ReadOnlySpan<T> output, int batchSize)
    {
        _cachedOutput = ModuleArguments.Grow(_cachedOutput, output.Length);
        output.CopyTo(_cachedOutput);
        _cachedBatchSize = batchSize;
    }
}
