using System.Numerics;
using SharpRL.Nn.Kernels;

namespace SharpRL.Nn;

/// <summary>Element-wise y = tanh(x); no parameters.</summary>
/// <typeparam name="T">float for training, double for finite-difference checks.</typeparam>
public sealed class Tanh<T> : ElementwiseActivation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the activation for rows of <paramref name="size"/> features.</summary>
    /// <param name="size">Features per row; positive.</param>
    public Tanh(int size)
        : base(size, nameof(Tanh<>))
    {
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

    private protected override void ActivateInPlace(Span<T> values) => Activate(values);

    private protected override void MultiplyByDerivativeInPlace(ReadOnlySpan<T> output, Span<T> vector) => MultiplyByDerivative(output, vector);
}
