using System.Numerics;

namespace SharpRL.Policies;

/// <summary>
/// The deterministic actor a = μ_θ(s) of DDPG and TD3 (Silver et al., 2014; Lillicrap et al., 2016):
/// an MLP whose output goes through tanh, so actions lie in [−1, 1] (rescaled to the Box by the
/// caller). Its Backward takes ∂L/∂a, which for the actor loss −Q(s, μ(s)) is the critic's −∂Q/∂a.
/// </summary>
/// <typeparam name="T">float for training, double for finite-difference checks.</typeparam>
public sealed class DeterministicActor<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _actions = [];
    private T[] _gradPreTanh = [];

    /// <summary>Creates μ with zero weights (initialise <see cref="Network"/> before use).</summary>
    /// <param name="observationSize">Floats per observation.</param>
    /// <param name="actionSize">Action dimensions.</param>
    /// <param name="hiddenSizes">Hidden widths, e.g. [400, 300].</param>
    /// <param name="activation">Hidden non-linearity.</param>
    /// <param name="namePrefix">Prefix of the parameter names (SB3: "actor.mu.").</param>
    public DeterministicActor(int observationSize, int actionSize, IReadOnlyList<int> hiddenSizes, Activation activation, string namePrefix = "actor.mu.")
    {
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        Network = new Mlp<T>([observationSize, .. hiddenSizes, actionSize], activation, namePrefix);
    }

    /// <summary>The MLP before the tanh.</summary>
    public Mlp<T> Network { get; }

    /// <summary>Floats per observation.</summary>
    public int ObservationSize => Network.InputSize;

    /// <summary>Action dimensions.</summary>
    public int ActionSize => Network.OutputSize;

    /// <summary>Weights and biases, input layer first.</summary>
    public IReadOnlyList<Parameter<T>> Parameters => Network.Parameters;

    /// <summary>a = tanh(MLP(s)) for each row; caches what <see cref="Backward"/> needs.</summary>
    public void Forward(ReadOnlySpan<T> observations, Span<T> actions, int batchSize)
    {
        Network.Forward(observations, actions, batchSize);
        ActivationFunctions.Activate(Activation.Tanh, actions[..(batchSize * ActionSize)]);
        _actions = ModuleGrow(_actions, batchSize * ActionSize);
        actions[..(batchSize * ActionSize)].CopyTo(_actions);
    }

    /// <summary>
    /// Given ∂L/∂a, accumulates ∂L/∂θ: ∂L/∂(pre-tanh) = ∂L/∂a ⊙ (1 − a²), then back through the MLP.
    /// <paramref name="gradObservations"/> receives ∂L/∂s (empty span to skip).
    /// </summary>
    public void Backward(ReadOnlySpan<T> gradActions, Span<T> gradObservations, int batchSize)
    {
        int length = batchSize * ActionSize;
        if (gradActions.Length != length)
        {
            throw new ArgumentException($"gradActions has {gradActions.Length} values; expected batchSize × ActionSize = {length}.", nameof(gradActions));
        }

        _gradPreTanh = ModuleGrow(_gradPreTanh, length);
        gradActions.CopyTo(_gradPreTanh);
        ActivationFunctions.MultiplyByDerivative(Activation.Tanh, _actions.AsSpan(0, length), _gradPreTanh.AsSpan(0, length));
        Network.Backward(_gradPreTanh.AsSpan(0, length), gradObservations, batchSize);
    }

    private static T[] ModuleGrow(T[] buffer, int length) => buffer.Length >= length ? buffer : new T[length];
}
