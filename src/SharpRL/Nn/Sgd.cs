using System.Numerics;
using System.Numerics.Tensors;
using SharpRL.Nn.Kernels;

namespace SharpRL.Nn;

/// <summary>Stochastic gradient descent with optional heavy-ball momentum, as torch.optim.SGD (no dampening, no Nesterov).</summary>
/// <typeparam name="T">Element type of the parameters.</typeparam>
public sealed class Sgd<T> : IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Parameter<T>[] _parameters;
    private readonly T[][] _velocities;
    private double _learningRate;

    /// <summary>Creates the optimiser.</summary>
    /// <param name="parameters">Parameters to update; the list is copied.</param>
    /// <param name="learningRate">Step size ≥ 0.</param>
    /// <param name="momentum">Momentum μ in [0, 1); 0 gives plain SGD.</param>
    public Sgd(IEnumerable<Parameter<T>> parameters, double learningRate, double momentum = 0)
    {
        _parameters = OptimizerArguments.CopyParameters(parameters);
        _learningRate = OptimizerArguments.RequireLearningRate(learningRate, nameof(learningRate));
        Momentum = OptimizerArguments.RequireUnitInterval(momentum, nameof(momentum));
        _velocities = Momentum > 0 ? OptimizerArguments.ZeroBuffers(_parameters) : [];
    }

    /// <inheritdoc />
    public IReadOnlyList<Parameter<T>> Parameters => _parameters;

    /// <inheritdoc />
    public double LearningRate
    {
        get => _learningRate;
        set => _learningRate = OptimizerArguments.RequireLearningRate(value, nameof(LearningRate));
    }

    /// <summary>Momentum μ; 0 means plain SGD.</summary>
    public double Momentum { get; }

    /// <inheritdoc />
    public long StepCount { get; private set; }

    /// <inheritdoc />
    public void Step()
    {
        StepCount++;
        T learningRate = T.CreateChecked(LearningRate);
        T momentum = T.CreateChecked(Momentum);
        for (int p = 0; p < _parameters.Length; p++)
        {
            Span<T> theta = _parameters[p].Value;
            ReadOnlySpan<T> g = _parameters[p].Gradient;
            if (Momentum == 0)
            {
                // θ ← θ − η g
                Elementwise.Axpy(-learningRate, g, theta);
                continue;
            }

            // b ← μ b + g ;  θ ← θ − η b   (b starts at 0, so the first step is b = g as in torch)
            Span<T> b = _velocities[p];
            TensorPrimitives.MultiplyAdd(b, momentum, g, b);
            Elementwise.Axpy(-learningRate, b, theta);
        }
    }

    /// <inheritdoc />
    public void ZeroGradient() => OptimizerArguments.ZeroGradients(_parameters);

    /// <inheritdoc />
    public OptimizerState<T> SaveState()
        => Momentum > 0
            ? OptimizerState<T>.Snapshot(StepCount, ("momentum_buffer", _velocities))
            : OptimizerState<T>.Snapshot(StepCount);

    /// <inheritdoc />
    public void LoadState(OptimizerState<T> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (Momentum > 0)
        {
            state.RestoreInto(nameof(Sgd<>), ("momentum_buffer", _velocities));
        }
        else
        {
            state.RestoreInto(nameof(Sgd<>));
        }

        StepCount = state.StepCount;
    }
}
