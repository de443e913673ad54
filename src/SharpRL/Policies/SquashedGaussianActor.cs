using System.Numerics;
using SharpRL.Distributions;

namespace SharpRL.Policies;

/// <summary>
/// SAC's actor (Haarnoja et al., 2018): an MLP from s to [μ(s), log σ(s)] (state-dependent log σ,
/// clamped to [−20, 2] as SB3 does), and a = tanh(u), u = μ + σ ε with ε ~ N(0, I) supplied by the
/// caller, so the sample is a differentiable function of θ (the reparameterisation trick).
/// </summary>
/// <remarks>
/// With ε fixed, ln π(a|s) = Σ_j [−ε_j²/2 − s_j − ½ ln 2π − c(u_j)], c(u) = ln(1 − tanh² u)
/// (see <see cref="SquashedDiagGaussian"/>), c'(u) = −2 tanh u. Hence, per dimension,
/// ∂a/∂μ = 1 − a², ∂a/∂s = (1 − a²) σ ε, ∂ln π/∂μ = 2a, ∂ln π/∂s = −1 + 2a σ ε,
/// and for a loss L(a, ln π): ∂L/∂u = L_a (1 − a²) + L_logπ 2a, ∂L/∂μ = ∂L/∂u, ∂L/∂s = ∂L/∂u σ ε − L_logπ.
/// The clamp passes no gradient to a raw log σ outside [−20, 2].
/// The two heads are one output layer of width 2d, which is the same function and initialisation
/// distribution as SB3's separate μ and log σ Linear heads on the shared latent layer.
/// </remarks>
/// <typeparam name="T">float for training, double for finite-difference checks.</typeparam>
public sealed class SquashedGaussianActor<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Lower clamp of log σ (SB3's LOG_STD_MIN).</summary>
    public const double LogStdMin = -20;

    /// <summary>Upper clamp of log σ (SB3's LOG_STD_MAX).</summary>
    public const double LogStdMax = 2;

    private static readonly T HalfLogTwoPi = T.CreateChecked(0.5 * Math.Log(2 * Math.PI));
    private static readonly T Half = T.CreateChecked(0.5);
    private static readonly T Two = T.CreateChecked(2);
    private static readonly T Min = T.CreateChecked(LogStdMin);
    private static readonly T Max = T.CreateChecked(LogStdMax);

    private T[] _raw = [];
    private T[] _actions = [];
    private T[] _noiseScaled = [];
    private T[] _gradRaw = [];
    private bool[] _inside = [];
    private int _cachedBatchSize;

    /// <summary>Creates the actor with zero weights (initialise <see cref="Network"/> before use).</summary>
    /// <param name="observationSize">Floats per observation.</param>
    /// <param name="actionSize">Action dimensions d.</param>
    /// <param name="hiddenSizes">Hidden widths, e.g. [256, 256].</param>
    /// <param name="activation">Hidden non-linearity.</param>
    /// <param name="namePrefix">Prefix of the parameter names.</param>
    public SquashedGaussianActor(int observationSize, int actionSize, IReadOnlyList<int> hiddenSizes, Activation activation, string namePrefix = "actor.net.")
    {
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(actionSize);
        ActionSize = actionSize;
        Network = new Mlp<T>([observationSize, .. hiddenSizes, 2 * actionSize], activation, namePrefix);
    }

    /// <summary>The MLP from s to [μ, raw log σ].</summary>
    public Mlp<T> Network { get; }

    /// <summary>Floats per observation.</summary>
    public int ObservationSize => Network.InputSize;

    /// <summary>Action dimensions d.</summary>
    public int ActionSize { get; }

    /// <summary>Weights and biases, input layer first.</summary>
    public IReadOnlyList<Parameter<T>> Parameters => Network.Parameters;

    /// <summary>The [μ, raw log σ] rows of the latest forward pass, [batch × 2d].</summary>
    public ReadOnlySpan<T> DistributionParameters => _raw.AsSpan(0, _cachedBatchSize * 2 * ActionSize);

    /// <summary>
    /// a = tanh(μ + σ ε) and ln π(a|s) for each row, from the caller's standard-normal ε [batch × d];
    /// caches what <see cref="Backward"/> needs.
    /// </summary>
    public void Forward(ReadOnlySpan<T> observations, ReadOnlySpan<T> epsilon, Span<T> actions, Span<T> logProb, int batchSize)
    {
        int d = ActionSize;
        int length = batchSize * d;
        if (epsilon.Length < length || actions.Length < length || logProb.Length < batchSize)
        {
            throw new ArgumentException($"A batch of {batchSize} needs {length} noise values, {length} action values and {batchSize} log-probs; got {epsilon.Length}, {actions.Length} and {logProb.Length}.");
        }

        ForwardNetwork(observations, batchSize);
        _actions = Grow(_actions, length);
        _noiseScaled = Grow(_noiseScaled, length);
        _inside = _inside.Length >= length ? _inside : new bool[length];
        for (int r = 0; r < batchSize; r++)
        {
            T sum = T.Zero;
            for (int j = 0; j < d; j++)
            {
                int k = (r * d) + j;
                T mean = _raw[(r * 2 * d) + j];
                T rawLogStd = _raw[(r * 2 * d) + d + j];
                _inside[k] = rawLogStd >= Min && rawLogStd <= Max;
                T logStd = T.Clamp(rawLogStd, Min, Max);
                T noiseScaled = T.Exp(logStd) * epsilon[k];
                T u = mean + noiseScaled;
                T a = T.Tanh(u);
                _noiseScaled[k] = noiseScaled;
                _actions[k] = a;
                actions[k] = a;

                // ln N(u; μ, σ) = −ε²/2 − ln σ − ½ ln 2π, minus the tanh Jacobian ln(1 − tanh² u).
                sum += -(Half * epsilon[k] * epsilon[k]) - logStd - HalfLogTwoPi - SquashedDiagGaussian.LogOneMinusTanhSquared(u);
            }

            logProb[r] = sum;
        }
    }

    /// <summary>The deterministic action tanh(μ(s)) of each row (SB3's deterministic predict).</summary>
    public void Mode(ReadOnlySpan<T> observations, Span<T> actions, int batchSize)
    {
        ForwardNetwork(observations, batchSize);
        int d = ActionSize;
        for (int r = 0; r < batchSize; r++)
        {
            for (int j = 0; j < d; j++)
            {
                actions[(r * d) + j] = T.Tanh(_raw[(r * 2 * d) + j]);
            }
        }

        _cachedBatchSize = 0;
    }

    /// <summary>
    /// Given ∂L/∂a [batch × d] and ∂L/∂ln π [batch] at the latest <see cref="Forward"/>, accumulates ∂L/∂θ
    /// through the reparameterised sample (formulas in the class remarks).
    /// </summary>
    public void Backward(ReadOnlySpan<T> gradActions, ReadOnlySpan<T> gradLogProb, int batchSize)
    {
        int d = ActionSize;
        if (batchSize != _cachedBatchSize || _cachedBatchSize == 0)
        {
            throw new InvalidOperationException($"Backward on a batch of {batchSize} must follow a sampling Forward of the same batch (last: {_cachedBatchSize}).");
        }

        if (gradActions.Length < batchSize * d || gradLogProb.Length < batchSize)
        {
            throw new ArgumentException($"A batch of {batchSize} needs {batchSize * d} action gradients and {batchSize} log-prob gradients; got {gradActions.Length} and {gradLogProb.Length}.");
        }

        _gradRaw = Grow(_gradRaw, batchSize * 2 * d);
        for (int r = 0; r < batchSize; r++)
        {
            for (int j = 0; j < d; j++)
            {
                int k = (r * d) + j;
                T a = _actions[k];
                T gradU = (gradActions[k] * (T.One - (a * a))) + (gradLogProb[r] * Two * a);
                _gradRaw[(r * 2 * d) + j] = gradU;
                _gradRaw[(r * 2 * d) + d + j] = _inside[k] ? (gradU * _noiseScaled[k]) - gradLogProb[r] : T.Zero;
            }
        }

        Network.Backward(_gradRaw.AsSpan(0, batchSize * 2 * d), [], batchSize);
    }

    private void ForwardNetwork(ReadOnlySpan<T> observations, int batchSize)
    {
        _raw = Grow(_raw, batchSize * 2 * ActionSize);
        Network.Forward(observations[..(batchSize * ObservationSize)], _raw.AsSpan(0, batchSize * 2 * ActionSize), batchSize);
        _cachedBatchSize = batchSize;
    }

    private static T[] Grow(T[] buffer, int length) => buffer.Length >= length ? buffer : new T[length];
}
