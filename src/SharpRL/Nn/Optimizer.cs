using System.Numerics;

namespace SharpRL.Nn;

/// <summary>
/// What every optimiser shares: the parameters it updates (copied at construction), the checked learning rate,
/// the step count, and the order of a snapshot's restore (the derived class's buffers, then the step count).
/// A derived optimiser supplies the update rule and its buffers.
/// </summary>
/// <typeparam name="T">Element type of the parameters.</typeparam>
public abstract class Optimizer<T> : IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private double _learningRate;

    /// <summary>Copies the parameter list and checks the learning rate.</summary>
    /// <param name="parameters">Parameters to update; the list is copied.</param>
    /// <param name="learningRate">Step size ≥ 0.</param>
    private protected Optimizer(IEnumerable<Parameter<T>> parameters, double learningRate)
    {
        ParameterArray = OptimizerArguments.CopyParameters(parameters);
        _learningRate = OptimizerArguments.RequireLearningRate(learningRate, nameof(learningRate));
    }

    /// <inheritdoc />
    public IReadOnlyList<Parameter<T>> Parameters => ParameterArray;

    /// <inheritdoc />
    public double LearningRate
    {
        get => _learningRate;
        set => _learningRate = OptimizerArguments.RequireLearningRate(value, nameof(LearningRate));
    }

    /// <inheritdoc />
    public long StepCount { get; private set; }

    /// <summary>The parameters, for the update loops.</summary>
    private protected Parameter<T>[] ParameterArray { get; }

    /// <inheritdoc />
    public void Step()
    {
        StepCount++;
        Update();
    }

    /// <inheritdoc />
    public void ZeroGradient() => OptimizerArguments.ZeroGradients(ParameterArray);

    /// <inheritdoc />
    public abstract OptimizerState<T> SaveState();

    /// <inheritdoc />
    public void LoadState(OptimizerState<T> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        RestoreBuffers(state);
        StepCount = state.StepCount;
    }

    /// <summary>One update of every parameter from its gradient; <see cref="StepCount"/> already counts this step.</summary>
    private protected abstract void Update();

    /// <summary>Checks a snapshot's buffers against this optimiser's and copies them in.</summary>
    /// <param name="state">The snapshot.</param>
    private protected abstract void RestoreBuffers(OptimizerState<T> state);
}
