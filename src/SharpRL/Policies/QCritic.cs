using System.Numerics;

namespace SharpRL.Policies;

/// <summary>
/// n independent action-value networks Q_i(s, a), each an MLP over the concatenation [s, a] with one
/// output (SB3's ContinuousCritic; twin by default, as TD3 and SAC need). Each critic has its own
/// buffers, so different critics may run on different threads at once.
/// </summary>
/// <remarks>
/// Backward returns ∂L/∂a, the action part of the input gradient: the deterministic policy gradient
/// ∇_θ Q(s, μ_θ(s)) = ∂Q/∂a · ∂μ_θ/∂θ (Silver et al., 2014) flows through it into the actor.
/// </remarks>
/// <typeparam name="T">float for training, double for finite-difference checks.</typeparam>
public sealed class QCritic<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Mlp<T>[] _networks;
    private readonly T[][] _inputs;
    private readonly T[][] _gradInputs;

    /// <summary>Creates <paramref name="count"/> critics with zero weights (initialise them before use).</summary>
    /// <param name="observationSize">Floats per observation.</param>
    /// <param name="actionSize">Action dimensions.</param>
    /// <param name="hiddenSizes">Hidden widths of each critic, e.g. [400, 300].</param>
    /// <param name="activation">Hidden non-linearity.</param>
    /// <param name="count">Number of critics n ≥ 1 (2 for TD3/SAC, 1 for DDPG).</param>
    /// <param name="namePrefix">Prefix of the parameter names; critic i's are "&lt;prefix&gt;qf{i}.".</param>
    public QCritic(int observationSize, int actionSize, IReadOnlyList<int> hiddenSizes, Activation activation, int count = 2, string namePrefix = "critic.")
    {
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(observationSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(actionSize);
        ObservationSize = observationSize;
        ActionSize = actionSize;
        _networks = new Mlp<T>[count];
        _inputs = new T[count][];
        _gradInputs = new T[count][];
        for (int i = 0; i < count; i++)
        {
            _networks[i] = new Mlp<T>([observationSize + actionSize, .. hiddenSizes, 1], activation, $"{namePrefix}qf{i}.");
            _inputs[i] = [];
            _gradInputs[i] = [];
        }
    }

    /// <summary>Number of critics n.</summary>
    public int Count => _networks.Length;

    /// <summary>Floats per observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Action dimensions.</summary>
    public int ActionSize { get; }

    /// <summary>The critics' MLPs.</summary>
    public IReadOnlyList<Mlp<T>> Networks => _networks;

    /// <summary>Parameters of critic <paramref name="index"/>.</summary>
    public IReadOnlyList<Parameter<T>> ParametersOf(int index) => _networks[index].Parameters;

    /// <summary>Every critic's parameters, critic 0 first.</summary>
    public IEnumerable<Parameter<T>> Parameters => _networks.SelectMany(n => n.Parameters);

    /// <summary>q[batch] = Q_index(s, a) for each row; caches what <see cref="Backward"/> needs.</summary>
    public void Forward(int index, ReadOnlySpan<T> observations, ReadOnlySpan<T> actions, Span<T> q, int batchSize)
    {
        int inputSize = ObservationSize + ActionSize;
        if (observations.Length < batchSize * ObservationSize || actions.Length < batchSize * ActionSize || q.Length < batchSize)
        {
            throw new ArgumentException(
                $"Q(s, a) on a batch of {batchSize} needs {batchSize * ObservationSize} observation floats, {batchSize * ActionSize} action floats and {batchSize} outputs; " +
                $"got {observations.Length}, {actions.Length} and {q.Length}.");
        }

        T[] input = _inputs[index] = Grow(_inputs[index], batchSize * inputSize);
        for (int r = 0; r < batchSize; r++)
        {
            observations.Slice(r * ObservationSize, ObservationSize).CopyTo(input.AsSpan(r * inputSize, ObservationSize));
            actions.Slice(r * ActionSize, ActionSize).CopyTo(input.AsSpan((r * inputSize) + ObservationSize, ActionSize));
        }

        _networks[index].Forward(input.AsSpan(0, batchSize * inputSize), q[..batchSize], batchSize);
    }

    /// <summary>
    /// Given ∂L/∂q, accumulates ∂L/∂θ_index and writes ∂L/∂a into <paramref name="gradActions"/>
    /// (an empty span skips the input gradient, as the critic's own regression does).
    /// </summary>
    public void Backward(int index, ReadOnlySpan<T> gradQ, Span<T> gradActions, int batchSize)
    {
        if (gradActions.IsEmpty)
        {
            _networks[index].Backward(gradQ[..batchSize], [], batchSize);
            return;
        }

        InputGradient(index, gradQ, gradActions, batchSize, accumulateWeightGradients: true);
    }

    /// <summary>
    /// Given ∂L/∂q, writes ∂L/∂a into <paramref name="gradActions"/> and leaves critic
    /// <paramref name="index"/>'s parameter gradients untouched: what the actor's loss needs from a
    /// critic it does not train (the weight-gradient products are skipped).
    /// </summary>
    public void ActionGradient(int index, ReadOnlySpan<T> gradQ, Span<T> gradActions, int batchSize)
        => InputGradient(index, gradQ, gradActions, batchSize, accumulateWeightGradients: false);

    /// <summary>∂L/∂a from ∂L/∂q through critic <paramref name="index"/>, with or without accumulating its ∂L/∂θ.</summary>
    private void InputGradient(int index, ReadOnlySpan<T> gradQ, Span<T> gradActions, int batchSize, bool accumulateWeightGradients)
    {
        if (gradActions.Length < batchSize * ActionSize)
        {
            throw new ArgumentException($"gradActions has {gradActions.Length} values; expected batchSize × ActionSize = {batchSize * ActionSize}.", nameof(gradActions));
        }

        int inputSize = ObservationSize + ActionSize;
        T[] gradInput = _gradInputs[index] = Grow(_gradInputs[index], batchSize * inputSize);
        if (accumulateWeightGradients)
        {
            _networks[index].Backward(gradQ[..batchSize], gradInput.AsSpan(0, batchSize * inputSize), batchSize);
        }
        else
        {
            _networks[index].BackwardInput(gradQ[..batchSize], gradInput.AsSpan(0, batchSize * inputSize), batchSize);
        }

        for (int r = 0; r < batchSize; r++)
        {
            gradInput.AsSpan((r * inputSize) + ObservationSize, ActionSize).CopyTo(gradActions.Slice(r * ActionSize, ActionSize));
        }
    }

    private static T[] Grow(T[] buffer, int length) => buffer.Length >= length ? buffer : new T[length];
}
