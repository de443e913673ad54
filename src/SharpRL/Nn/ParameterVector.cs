using System.Numerics;

namespace SharpRL.Nn;

/// <summary>
/// Views a list of parameters as one flat vector θ, in list order, for the methods that do linear algebra
/// in parameter space (NPG and TRPO: conjugate gradient, line search, Fisher-vector products).
/// </summary>
/// <typeparam name="T">Element type of the parameters.</typeparam>
public sealed class ParameterVector<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Parameter<T>[] _parameters;

    /// <summary>Creates the view; the list is copied, the parameters are not.</summary>
    /// <param name="parameters">Parameters in the order their entries appear in the flat vector.</param>
    public ParameterVector(IEnumerable<Parameter<T>> parameters)
    {
        _parameters = OptimizerArguments.CopyParameters(parameters);
        long count = 0;
        foreach (Parameter<T> parameter in _parameters)
        {
            count += parameter.Length;
        }

        if (count > Array.MaxLength)
        {
            throw new ArgumentException($"parameters hold {count} scalars in all; at most {Array.MaxLength} fit one flat vector.", nameof(parameters));
        }

        Count = (int)count;
    }

    /// <summary>Total number of scalars.</summary>
    public int Count { get; }

    /// <summary>The parameters, in flat-vector order.</summary>
    public IReadOnlyList<Parameter<T>> Parameters => _parameters;

    /// <summary>destination ← θ.</summary>
    /// <param name="destination">Exactly <see cref="Count"/> elements.</param>
    public void CopyValuesTo(Span<T> destination)
    {
        RequireCount(destination.Length, nameof(destination));
        int offset = 0;
        foreach (Parameter<T> parameter in _parameters)
        {
            parameter.Value.CopyTo(destination.Slice(offset, parameter.Length));
            offset += parameter.Length;
        }
    }

    /// <summary>θ ← values.</summary>
    /// <param name="values">Exactly <see cref="Count"/> elements.</param>
    public void SetValues(ReadOnlySpan<T> values)
    {
        RequireCount(values.Length, nameof(values));
        int offset = 0;
        foreach (Parameter<T> parameter in _parameters)
        {
            values.Slice(offset, parameter.Length).CopyTo(parameter.Value);
            offset += parameter.Length;
        }
    }

    /// <summary>destination ← ∂L/∂θ (the accumulated gradients).</summary>
    /// <param name="destination">Exactly <see cref="Count"/> elements.</param>
    public void CopyGradientsTo(Span<T> destination)
    {
        RequireCount(destination.Length, nameof(destination));
        int offset = 0;
        foreach (Parameter<T> parameter in _parameters)
        {
            parameter.Gradient.CopyTo(destination.Slice(offset, parameter.Length));
            offset += parameter.Length;
        }
    }

    /// <summary>θ-tangent ← tangents, the direction that <see cref="IModule{T}.Jvp"/> differentiates along.</summary>
    /// <param name="tangents">Exactly <see cref="Count"/> elements.</param>
    public void SetTangents(ReadOnlySpan<T> tangents)
    {
        RequireCount(tangents.Length, nameof(tangents));
        int offset = 0;
        foreach (Parameter<T> parameter in _parameters)
        {
            tangents.Slice(offset, parameter.Length).CopyTo(parameter.Tangent);
            offset += parameter.Length;
        }
    }

    /// <summary>θ ← θ + α·direction (a line-search or natural-gradient step).</summary>
    /// <param name="alpha">Step length α.</param>
    /// <param name="direction">Exactly <see cref="Count"/> elements.</param>
    public void AddScaledToValues(T alpha, ReadOnlySpan<T> direction)
    {
        RequireCount(direction.Length, nameof(direction));
        int offset = 0;
        foreach (Parameter<T> parameter in _parameters)
        {
            Span<T> value = parameter.Value;
            ReadOnlySpan<T> step = direction.Slice(offset, parameter.Length);
            for (int i = 0; i < value.Length; i++)
            {
                value[i] += alpha * step[i];
            }

            offset += parameter.Length;
        }
    }

    private void RequireCount(int length, string paramName)
    {
        if (length != Count)
        {
            throw new ArgumentException($"{paramName} has {length} elements; expected the parameter count, {Count}.", paramName);
        }
    }
}
