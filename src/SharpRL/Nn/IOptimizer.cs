using System.Numerics;

namespace SharpRL.Nn;

/// <summary>A first-order optimiser over a fixed list of parameters, updating them from their gradients.</summary>
/// <typeparam name="T">Element type of the parameters.</typeparam>
public interface IOptimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The parameters updated by <see cref="Step"/>, in the order the state lists them.</summary>
    IReadOnlyList<Parameter<T>> Parameters { get; }

    /// <summary>Step size; may be changed between steps (e.g. linear annealing).</summary>
    double LearningRate { get; set; }

    /// <summary>Number of <see cref="Step"/> calls so far (or as restored by <see cref="LoadState"/>).</summary>
    long StepCount { get; }

    /// <summary>Updates every parameter's value from its accumulated gradient.</summary>
    void Step();

    /// <summary>Sets every parameter's gradient to zero.</summary>
    void ZeroGradient();

    /// <summary>A deep copy of the optimiser's internal state, for checkpoints.</summary>
    OptimizerState<T> SaveState();

    /// <summary>Restores state saved by <see cref="SaveState"/> from an optimiser of the same kind over same-shaped parameters.</summary>
    void LoadState(OptimizerState<T> state);
}
