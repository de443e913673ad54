using System.Numerics;
using System.Numerics.Tensors;
using SharpRL.Nn.Kernels;

namespace SharpRL.Nn;

/// <summary>Stochastic gradient descent with optional heavy-ball momentum, as torch.optim.SGD (no dampening, no Nesterov).</summary>
/// <typeparam name="T">Element type of the parameters.</typeparam>
public sealed class Sgd<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[][] _velocities;

    /// <summary>Creates the optimiser.</summary>
    /// <param name="parameters">Parameters to update; the list is copied.</param>
    /// <param name="learningRate">Step size ≥ 0.</param>
    /// <param name="momentum">Momentum μ in [0, 1); 0 gives plain SGD.</param>
    public Sgd(IEnumerable<Parameter<T>> parameters, double learningRate, double momentum = 0)
        : base(parameters, learningRate)
    {
        Momentum = OptimizerArguments.RequireUnitInterval(momentum, nameof(momentum));
        _velocities = Momentum > 0 ? OptimizerArguments.ZeroBuffers(ParameterArray) : [];
    }

    /// <summary>Momentum μ; 0 means plain SGD.</summary>
    public double Momentum { get; }

    /// <inheritdoc />
    private protected override void Update()
    {
        T learningRate = T.CreateChecked(LearningRate);
        T momentum = T.CreateChecked(Momentum);
        for (int p = 0; p < ParameterArray.Length; p++)
        {
            Span<T> theta = ParameterArray[p].Value;
            ReadOnlySpan<T> g = ParameterArray[p].Gradient;
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
    public override OptimizerState<T> SaveState()
        => Momentum > 0
            ? OptimizerState<T>.Snapshot(StepCount, ("momentum_buffer", _velocities))
            : OptimizerState<T>.Snapshot(StepCount);

    /// <inheritdoc />
    private protected override void RestoreBuffers(OptimizerState<T> state)
    {
        if (Momentum > 0)
        {
            state.RestoreInto(nameof(Sgd<>), ("momentum_buffer", _velocities));
        }
        else
        {
            state.RestoreInto(nameof(Sgd<>));
        }
    }
}
