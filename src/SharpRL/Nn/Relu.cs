using System.Numerics;

namespace SharpRL.Nn;

/// <summary>Element-wise y = max(x, 0); no parameters. The derivative at x = 0 is taken as 0, as PyTorch does.</summary>
/// <typeparam name="T">float for training, double for finite-difference checks.</typeparam>
public sealed class Relu<T> : ElementwiseActivation<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the activation for rows of <paramref name="size"/> features.</summary>
    /// <param name="size">Features per row; positive.</param>
    public Relu(int size)
        : base(size, nameof(Relu<>), Activation.Relu)
    {
    }
}
