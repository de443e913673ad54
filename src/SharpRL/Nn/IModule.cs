using System.Numerics;

namespace SharpRL.Nn;

/// <summary>
/// A differentiable layer on row-major <c>[batch × features]</c> buffers owned by the caller.
/// There is no tape: each module caches in <see cref="Forward"/> what its <see cref="Backward"/> needs,
/// so Backward must follow the Forward (or Jvp) of the same batch.
/// </summary>
public interface IModule<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Features per input row.</summary>
    int InputSize { get; }

    /// <summary>Features per output row.</summary>
    int OutputSize { get; }

    /// <summary>Trainable parameters, in a fixed order (checkpoints and flat vectors rely on it).</summary>
    IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>output[batch × OutputSize] = f(input[batch × InputSize]); caches what Backward needs.</summary>
    void Forward(ReadOnlySpan<T> input, Span<T> output, int batchSize);

    /// <summary>
    /// Reverse mode: accumulates ∂L/∂θ into each <see cref="Parameter{T}.Gradient"/> and writes
    /// ∂L/∂input into <paramref name="gradInput"/> (pass an empty span to skip it).
    /// </summary>
    void Backward(ReadOnlySpan<T> gradOutput, Span<T> gradInput, int batchSize);

    /// <summary>
    /// Forward mode: computes output as <see cref="Forward"/> does (and caches it), plus the output
    /// tangent J·(inputTangent, θ-tangent), with θ-tangents read from each <see cref="Parameter{T}.Tangent"/>.
    /// An empty <paramref name="inputTangent"/> means a zero input tangent.
    /// </summary>
    void Jvp(ReadOnlySpan<T> input, ReadOnlySpan<T> inputTangent, Span<T> output, Span<T> outputTangent, int batchSize);
}
