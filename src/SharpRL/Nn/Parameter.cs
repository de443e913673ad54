using System.Numerics;

namespace SharpRL.Nn;

/// <summary>
/// A trainable tensor: its value, the gradient that Backward accumulates into, and the
/// tangent that forward-mode <see cref="IModule{T}.Jvp"/> reads (used for Fisher-vector products).
/// Data are row-major; <see cref="Shape"/> gives the logical dimensions.
/// </summary>
/// <typeparam name="T">float for training, double for finite-difference checks.</typeparam>
public sealed class Parameter<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates a zero-initialised parameter.</summary>
    /// <param name="name">Name used in checkpoints (e.g. "policy.0.weight").</param>
    /// <param name="shape">Logical shape; every dimension must be positive.</param>
    public Parameter(string name, params int[] shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0)
        {
            throw new ArgumentException("shape must have at least one dimension.", nameof(shape));
        }

        long size = 1;
        foreach (int dim in shape)
        {
            if (dim <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(shape), dim, $"Every dimension of parameter '{name}' must be positive; got shape ({string.Join(", ", shape)}).");
            }

            size *= dim;
        }

        Name = name;
        Shape = (int[])shape.Clone();
        Value = new T[size];
        Gradient = new T[size];
        Tangent = new T[size];
    }

    /// <summary>Name used in checkpoints.</summary>
    public string Name { get; }

    /// <summary>Logical shape (row-major).</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>Number of scalars.</summary>
    public int Length => Value.Length;

    /// <summary>Current value.</summary>
    public T[] Value { get; }

    /// <summary>Gradient accumulated by Backward; cleared by <see cref="ZeroGradient"/>.</summary>
    public T[] Gradient { get; }

    /// <summary>Direction for forward-mode products (Jvp); zero unless set by the caller.</summary>
    public T[] Tangent { get; }

    /// <summary>Sets the gradient to zero.</summary>
    public void ZeroGradient() => Array.Clear(Gradient);
}
