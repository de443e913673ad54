using System.Numerics;

namespace SharpRL.Nn;

/// <summary>Element-wise y = tanh(x); no parameters.</summary>
/// <typeparam name="T">float for training, double for finite-difference checks.</typeparam>
public sealed class Tanh<T> : ElementwiseActivation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the activation for rows of <paramref name="size"/> features.</summary>
    /// <param name="size">Features per row; positive.</param>
    public Tanh(int size)
        : base(size, nameof(Tanh<>), Activation.Tanh)
    {
    }
}
