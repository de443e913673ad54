using System.Numerics;

namespace SharpRL.Nn;

/// <summary>Weight initialisation.</summary>
public static class Init
{
    /// <summary>
    /// Orthogonal initialisation with a gain, as torch.nn.init.orthogonal_: W has orthonormal columns
    /// (WᵀW = gain²·I) when it has at least as many rows as columns, else orthonormal rows (WWᵀ = gain²·I).
    /// </summary>
    /// <param name="weight">A 2-D parameter <c>[rows × cols]</c>.</param>
    /// <param name="gain">Scale of the result (√2 for ReLU/tanh hidden layers in the PPO recipe).</param>
    /// <param name="rng">Source of the Gaussian draws; seed it for reproducible weights.</param>
    public static void Orthogonal<T>(Parameter<T> weight, double gain, Random rng)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(rng);
        if (weight.Shape.Count != 2)
        {
            throw new ArgumentException(
                $"weight '{weight.Name}' must be 2-D [rows × cols]; got shape ({string.Join(", ", weight.Shape)}).",
                nameof(weight));
        }

        if (!double.IsFinite(gain))
        {
            throw new ArgumentOutOfRangeException(nameof(gain), gain, "gain must be finite.");
        }

        int rows = weight.Shape[0];
        int cols = weight.Shape[1];
        int tall = Math.Max(rows, cols);
        int narrow = Math.Min(rows, cols);

        // Columns of a tall Gaussian matrix, orthonormalised by Gram–Schmidt. Gram–Schmidt yields the
        // QR factorisation whose R has a positive diagonal, i.e. exactly torch's Q·sign(diag(R)), which
        // is what makes Q uniformly (Haar) distributed rather than biased by the QR routine's signs.
        var q = new double[narrow * tall];
        for (int i = 0; i < q.Length; i++)
        {
            q[i] = StandardNormal(rng);
        }

        for (int j = 0; j < narrow; j++)
        {
            Span<double> column = q.AsSpan(j * tall, tall);

            // Two passes of modified Gram–Schmidt keep the columns orthogonal to machine precision.
            for (int pass = 0; pass < 2; pass++)
            {
                for (int i = 0; i < j; i++)
                {
                    ReadOnlySpan<double> previous = q.AsSpan(i * tall, tall);
                    double projection = Dot(previous, column);
                    for (int p = 0; p < tall; p++)
                    {
                        column[p] -= projection * previous[p];
                    }
                }
            }

            double norm = Math.Sqrt(Dot(column, column));
            for (int p = 0; p < tall; p++)
            {
                column[p] /= norm;
            }
        }

        Span<T> w = weight.Value;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                // Tall W takes the orthonormal vectors as its columns, wide W as its rows.
                double entry = rows >= cols ? q[(c * tall) + r] : q[(r * tall) + c];
                w[(r * cols) + c] = T.CreateChecked(gain * entry);
            }
        }
    }

    /// <summary>Orthogonal weight (see <see cref="Orthogonal{T}(Parameter{T}, double, Random)"/>) and zero bias.</summary>
    /// <param name="layer">The layer to initialise.</param>
    /// <param name="gain">Scale of the weight.</param>
    /// <param name="rng">Source of the Gaussian draws.</param>
    public static void Orthogonal<T>(Linear<T> layer, double gain, Random rng)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(layer);
        Orthogonal(layer.Weight, gain, rng);
        Zero(layer.Bias);
    }

    /// <summary>
    /// The default initialisation of a PyTorch <c>nn.Linear</c> layer, which SB3 policies keep when
    /// <c>ortho_init=False</c>: weight and bias both uniform on [−1/√fan_in, 1/√fan_in]
    /// (<c>kaiming_uniform_</c> with a = √5 gives exactly this bound). A layer left at zero instead would
    /// never learn behind a ReLU or tanh hidden layer: with all weights zero every hidden activation and
    /// every hidden gradient is zero, so only the output bias moves.
    /// </summary>
    /// <param name="layer">The layer to initialise (fan_in = its input size).</param>
    /// <param name="rng">Source of the uniform draws; seed it for reproducible weights.</param>
    public static void UniformFanIn<T>(Linear<T> layer, Random rng)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(rng);
        double bound = 1.0 / Math.Sqrt(layer.InputSize);
        FillUniform(layer.Weight.Value, bound, rng);
        FillUniform(layer.Bias.Value, bound, rng);
    }

    /// <summary>Sets every value of the parameter to zero.</summary>
    /// <param name="parameter">The parameter to clear.</param>
    public static void Zero<T>(Parameter<T> parameter)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameter);
        Array.Clear(parameter.Value);
    }

    private static void FillUniform<T>(Span<T> values, double bound, Random rng)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = T.CreateChecked(((2.0 * rng.NextDouble()) - 1.0) * bound);
        }
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static double StandardNormal(Random rng)
    {
        // Box–Muller; 1 − U keeps the logarithm's argument in (0, 1].
        double u1 = 1.0 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
