using System.Numerics;
using SharpRL.Distributions;

namespace SharpRL.Algorithms.Imitation;

/// <summary>
/// The supervised losses behaviour cloning reduces imitation to (Janson, "PPO &amp; Importance
/// Sampling", CS/Stat 184, Harvard 2024: π̂ = argmin_π Σ_i Σ_h ℓ(π, s_h^i, a_h^i)), as a mean over a
/// batch, with their gradients with respect to the distribution parameters. Backward passes ADD
/// into the gradient buffer, as the distributions' do. Advantage-weighted regression uses the
/// weighted form of the log-likelihood.
/// </summary>
public static class ImitationLoss
{
    /// <summary>
    /// L = −(1/B) Σ_i w_i ln π(a_i | s_i), with w_i = 1 when <paramref name="weights"/> is empty;
    /// ∂L/∂θ_i = −(w_i / B) ∂ ln π(a_i)/∂θ_i, computed by the distribution's analytic
    /// <see cref="IDistribution{T}.LogProbBackward"/>.
    /// </summary>
    /// <param name="distribution">π's family (Categorical, DiagGaussian, ...).</param>
    /// <param name="parameters">Distribution parameters, batch × ParameterSize.</param>
    /// <param name="actions">Target actions, batch × ActionSize (category indices from 0).</param>
    /// <param name="weights">Per-sample weights, or empty for 1.</param>
    /// <param name="gradParameters">Receives ∂L/∂parameters (added).</param>
    /// <param name="scratch">Two buffers of batch values each (log-probs, then coefficients).</param>
    /// <param name="batchSize">B.</param>
    /// <returns>The loss L.</returns>
    public static T NegativeLogLikelihood<T>(
        IDistribution<T> distribution,
        ReadOnlySpan<T> parameters,
        ReadOnlySpan<T> actions,
        ReadOnlySpan<T> weights,
        Span<T> gradParameters,
        Span<T> scratch,
        int batchSize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(distribution);
        if (scratch.Length < 2 * batchSize)
        {
            throw new ArgumentException($"scratch has {scratch.Length} values; expected at least 2 × batch = {2 * batchSize}.", nameof(scratch));
        }

        if (!weights.IsEmpty && weights.Length < batchSize)
        {
            throw new ArgumentException($"weights has {weights.Length} values; expected batch = {batchSize} (or none).", nameof(weights));
        }

        Span<T> logProb = scratch[..batchSize];
        Span<T> coefficient = scratch.Slice(batchSize, batchSize);
        distribution.LogProb(parameters, actions, logProb, batchSize);
        T inverseBatch = T.One / T.CreateChecked(batchSize);
        T loss = T.Zero;
        for (int i = 0; i < batchSize; i++)
        {
            T weight = weights.IsEmpty ? T.One : weights[i];
            loss -= weight * logProb[i];
            coefficient[i] = -weight * inverseBatch;
        }

        distribution.LogProbBackward(parameters, actions, coefficient, gradParameters, batchSize);
        return loss * inverseBatch;
    }

    /// <summary>
    /// L = (1/B) Σ_i ‖μ(s_i) − a_i‖² for a deterministic (mean) policy; ∂L/∂μ_i = 2(μ_i − a_i)/B.
    /// The mean of row i is parameters[i·stride .. i·stride + d) (a Gaussian's log-σ part, if any,
    /// gets no gradient).
    /// </summary>
    /// <param name="parameters">Rows of <paramref name="stride"/> values whose first d are μ(s).</param>
    /// <param name="stride">Values per parameter row (d for a plain actor, 2d for a Gaussian).</param>
    /// <param name="actions">Target actions, batch × d.</param>
    /// <param name="gradParameters">Receives ∂L/∂parameters (added).</param>
    /// <param name="batchSize">B.</param>
    /// <returns>The loss L.</returns>
    public static T MeanSquaredError<T>(ReadOnlySpan<T> parameters, int stride, ReadOnlySpan<T> actions, Span<T> gradParameters, int batchSize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = actions.Length / Math.Max(1, batchSize);
        if (d == 0 || d > stride || parameters.Length < batchSize * stride || gradParameters.Length < batchSize * stride || actions.Length != batchSize * d)
        {
            throw new ArgumentException($"MeanSquaredError needs batch {batchSize} rows of {stride} parameters whose first d values are the mean, and batch × d actions; got {parameters.Length} parameters and {actions.Length} actions.", nameof(parameters));
        }

        T inverseBatch = T.One / T.CreateChecked(batchSize);
        T two = T.CreateChecked(2);
        T loss = T.Zero;
        for (int i = 0; i < batchSize; i++)
        {
            for (int j = 0; j < d; j++)
            {
                T error = parameters[(i * stride) + j] - actions[(i * d) + j];
                loss += error * error;
                gradParameters[(i * stride) + j] += two * error * inverseBatch;
            }
        }

        return loss * inverseBatch;
    }
}
