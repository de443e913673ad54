using System.Numerics;
using SharpRL.Nn.Kernels;

namespace SharpRL.Nn;

/// <summary>Element-wise y = max(x, 0); no parameters. The derivative at x = 0 is taken as 0, as PyTorch does.</summary>
/// <typeparam name="T">float for training, double for finite-difference checks.</typeparam>
public sealed class Relu<T> : ElementwiseActivation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the activation for rows of <paramref name="size"/> features.</summary>
    /// <param name="size">Features per row; positive.</param>
    public Relu(int size)
        : base(size, nameof(Relu<>))
    {
    }

    /// <summary>values ← max(values, 0), in place.</summary>
    internal static void Activate(Span<T> values)
        => Elementwise.Relu(values);

    /// <summary>
    /// vector ← 1[y &gt; 0] ⊙ vector, from the activation's output y (y &gt; 0 exactly where x &gt; 0, so the
    /// input need not be kept). The Jacobian is diagonal, so the same product serves reverse mode (Jᵀv)
    /// and forward mode (Jv).
    /// </summary>
    internal static void MultiplyByDerivative(ReadOnlySpan<T> output, Span<T> vector)
        => Elementwise.ReluBackward<T>(vector, output, vector);

    private protected override void ActivateInPlace(Span<T> values) => Activate(values);

    private protected override void MultiplyByDerivativeInPlace(ReadOnlySpan<T> output, Span<T> vector) => MultiplyByDerivative(output, vector);
}
