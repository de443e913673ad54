using System.Numerics;
using System.Numerics.Tensors;
using SharpRL.Nn.Kernels;

namespace SharpRL.Nn;

/// <summary>Gradient-norm clipping.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales all gradients together so that their global L2 norm is at most <paramref name="maxNorm"/>,
    /// following torch.nn.utils.clip_grad_norm_: coefficient = maxNorm / (‖g‖ + 1e-6), applied only when below 1.
    /// </summary>
    /// <param name="parameters">Parameters whose gradients are clipped as one vector.</param>
    /// <param name="maxNorm">Largest allowed norm; positive.</param>
    /// <returns>
    /// The global norm before clipping (log it: it shows how often clipping bites). A NaN norm is returned
    /// with the gradients left as they are, so the caller can detect it and skip the step.
    /// </returns>
    public static double ClipGlobalNorm<T>(IReadOnlyList<Parameter<T>> parameters, double maxNorm)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, $"maxNorm must be positive; got {maxNorm}.");
        }

        // Per-tensor sums of squares in T (vectorised), combined in double, as torch combines per-tensor norms.
        double sumOfSquares = 0;
        for (int p = 0; p < parameters.Count; p++)
        {
            sumOfSquares += double.CreateTruncating(TensorPrimitives.SumOfSquares<T>(parameters[p].Gradient));
        }

        double totalNorm = Math.Sqrt(sumOfSquares);

        // The 1e-6 keeps the division finite for a zero gradient and matches torch's result exactly.
        double coefficient = maxNorm / (totalNorm + 1e-6);
        if (coefficient < 1.0)
        {
            T scale = T.CreateTruncating(coefficient);
            for (int p = 0; p < parameters.Count; p++)
            {
                Elementwise.Scale<T>(parameters[p].Gradient, scale);
            }
        }

        return totalNorm;
    }
}
