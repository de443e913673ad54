namespace SharpRL.Algorithms.Common;

/// <summary>Finds NaN and infinities in training state, for <see cref="ILearner.DescribeNonFinite"/>.</summary>
internal static class NonFiniteScan
{
    /// <summary>The index of the first NaN or infinite value, or null when all are finite.</summary>
    public static int? FirstIndex(ReadOnlySpan<float> values)
    {
        // One vectorised pass settles the common all-finite case: the largest magnitude is finite only if every value is
        // (a NaN is returned as the maximum whenever there is one).
        int at = System.Numerics.Tensors.TensorPrimitives.IndexOfMaxMagnitude(values);
        if (at < 0 || float.IsFinite(values[at]))
        {
            return null;
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>What to lower when a gradient step of the on-policy and IMPALA learners diverged.</summary>
    public const string ClippedGradientAdvice = "lower the learning rate (learning_rate) or clip gradients harder (max_grad_norm)";

    /// <summary>"the env returned a non-finite observation …" for the first NaN or infinity in the copies' latest observations, or null.</summary>
    /// <param name="observations">The observations the env last returned, copy after copy.</param>
    /// <param name="observationSize">Floats per copy.</param>
    public static string? DescribeObservations(ReadOnlySpan<float> observations, int observationSize)
        => FirstIndex(observations) is int o
            ? string.Create(CultureInfo.InvariantCulture,
                $"the env returned a non-finite observation ({observations[o]} in env copy {o / observationSize}, component {o % observationSize}); check the env's step and reset (likely cause: the env's output)")
            : null;

    /// <summary>"parameter X became non-finite …" for the first parameter holding a NaN or an infinity, or null.</summary>
    /// <param name="parameters">The parameters an update changes.</param>
    /// <param name="advice">What to lower, e.g. "lower the learning rate (learning_rate)".</param>
    public static string? DescribeParameters(IReadOnlyList<Parameter<float>> parameters, string advice)
    {
        // Indexed: this runs after every off-policy training phase, and an interface enumerator would allocate.
        for (int k = 0; k < parameters.Count; k++)
        {
            Parameter<float> parameter = parameters[k];
            if (FirstIndex(parameter.Value) is int i)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"parameter {parameter.Name} became non-finite ({parameter.Value[i]} at index {i}) in an update: training diverged; {advice}");
            }
        }

        return null;
    }
}
