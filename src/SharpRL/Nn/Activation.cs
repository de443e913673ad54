using System.Numerics;
using SharpRL.Nn.Kernels;

namespace SharpRL.Nn;

/// <summary>Hidden-layer non-linearity of an <see cref="Mlp{T}"/>.</summary>
public enum Activation
{
    /// <summary>tanh, the default of SB3's on-policy policies.</summary>
    Tanh,

    /// <summary>max(x, 0), the usual choice for DDPG/TD3 networks.</summary>
    Relu,
}

/// <summary>The hidden non-linearities' kernels, shared by <see cref="Mlp{T}"/> and the activation modules.</summary>
internal static class ActivationFunctions
{
    /// <summary>values ← f(values), in place.</summary>
    public static void Activate<T>(Activation activation, Span<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (activation == Activation.Tanh)
        {
            Elementwise.Tanh(values);
        }
        else
        {
            Elementwise.Relu(values);
        }
    }

    /// <summary>
    /// vector ← f′ ⊙ vector, in place, with f′ read from the activation's output y: 1 − y² for tanh,
    /// 1[y &gt; 0] for ReLU (y &gt; 0 exactly where x &gt; 0, so the input need not be kept; the derivative
    /// at 0 is 0, as PyTorch takes it). The Jacobian is diagonal, so the same product serves reverse
    /// mode (Jᵀv) and forward mode (Jv).
    /// </summary>
    public static void MultiplyByDerivative<T>(Activation activation, ReadOnlySpan<T> output, Span<T> vector)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (activation == Activation.Tanh)
        {
            Elementwise.TanhBackward<T>(vector, output, vector);
        }
        else
        {
            Elementwise.ReluBackward<T>(vector, output, vector);
        }
    }
}
