using System.Numerics;

namespace SharpRL.Nn;

/// <summary>Argument checks shared by the optimisers.</summary>
internal static class OptimizerArguments
{
    public static Parameter<T>[] CopyParameters<T>(IEnumerable<Parameter<T>> parameters)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameter<T>[] copy = [.. parameters];
        for (int i = 0; i < copy.Length; i++)
        {
            if (copy[i] is null)
            {
                throw new ArgumentException($"parameters[{i}] is null; expected a Parameter.", nameof(parameters));
            }
        }

        return copy;
    }

    public static T[][] ZeroBuffers<T>(Parameter<T>[] parameters)
        where T : unmanaged, IFloatingPointIeee754<T>
        => [.. parameters.Select(p => new T[p.Length])];

    public static double RequireLearningRate(double value, string paramName)
    {
        if (!(value >= 0) || !double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be finite and >= 0; got {value}.");
        }

        return value;
    }

    /// <summary>Decay rates (β₁, β₂, α, momentum) must lie in [0, 1).</summary>
    public static double RequireUnitInterval(double value, string paramName)
    {
        if (!(value >= 0 && value < 1))
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be in [0, 1); got {value}.");
        }

        return value;
    }

    public static double RequireEpsilon(double value, string paramName)
    {
        if (!(value >= 0) || !double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be finite and >= 0; got {value}.");
        }

        return value;
    }

    public static void ZeroGradients<T>(Parameter<T>[] parameters)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        foreach (Parameter<T> parameter in parameters)
        {
            parameter.ZeroGradient();
        }
    }
}
