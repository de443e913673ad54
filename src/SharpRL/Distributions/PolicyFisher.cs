using System.Numerics;

namespace SharpRL.Distributions;

/// <summary>
/// Fisher-vector products of a policy, F v = (1/N) Σ_i J_iᵀ M_i J_i v, for NPG and TRPO's
/// conjugate gradient. F is the Hessian of the mean KL(π_old(·|s_i) ‖ π_θ(·|s_i)) over a batch of
/// N states at θ = θ_old; J_i is the Jacobian of state i's distribution parameters with respect to
/// θ and M_i the distribution's own Fisher matrix (<see cref="IDistribution{T}.FisherVectorProduct"/>).
/// </summary>
/// <remarks>
/// F is never formed: it would take dim(θ)² numbers (10⁸ for a 10⁴-weight policy), while one
/// product costs about one forward-mode pass (J v), one O(N · ParameterSize) pass for M, and one
/// backward pass (Jᵀ·). The distribution parameters of each row are the network's output followed,
/// when given, by a state-independent parameter broadcast to every row (the log-std of a
/// <see cref="DiagGaussian{T}"/>); flat vectors list the network's <see cref="IModule{T}.Parameters"/>
/// in order, then that parameter.
/// <para>Side effects: each product overwrites the network parameters' <see cref="Parameter{T}.Gradient"/>
/// (copy the policy gradient out before running conjugate gradient) and <see cref="Parameter{T}.Tangent"/>,
/// and the network's Forward cache. Buffers grow with the batch and are then reused: no allocation
/// per call in steady state.</para>
/// </remarks>
/// <typeparam name="T">float for training, double for finite-difference checks.</typeparam>
public sealed class PolicyFisher<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IModule<T> _network;
    private readonly IDistribution<T> _distribution;
    private readonly Parameter<T>? _sharedParameter;
    private readonly int _networkParameterCount;
    private T _damping;
    private T[] _networkOutput = [];
    private T[] _networkOutputTangent = [];
    private T[] _networkGradOutput = [];
    private T[] _distributionParameters = [];
    private T[] _distributionTangent = [];
    private T[] _fisherTangent = [];

    /// <summary>Creates the product for a policy whose distribution parameters are the network's output (plus <paramref name="logStd"/>).</summary>
    /// <param name="network">Maps observations to the distribution's state-dependent part: logits, or the Gaussian mean.</param>
    /// <param name="distribution">The action distribution; its <see cref="IDistribution{T}.ParameterSize"/> must equal
    /// network.OutputSize plus the length of <paramref name="logStd"/>.</param>
    /// <param name="logStd">Optional state-independent tail of every parameter row (a Gaussian's log-std), or null.</param>
    /// <param name="damping">λ ≥ 0 in (F + λI) v; see <see cref="Damping"/>.</param>
    public PolicyFisher(IModule<T> network, IDistribution<T> distribution, Parameter<T>? logStd = null, T damping = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(distribution);
        int tailLength = logStd?.Length ?? 0;
        if (network.OutputSize + tailLength != distribution.ParameterSize)
        {
            throw new ArgumentException(
                $"network.OutputSize ({network.OutputSize}) + logStd length ({tailLength}) is {network.OutputSize + tailLength}; expected the distribution's ParameterSize {distribution.ParameterSize}.",
                logStd is null ? nameof(network) : nameof(logStd));
        }

        _network = network;
        _distribution = distribution;
        _sharedParameter = logStd;
        foreach (Parameter<T> parameter in network.Parameters)
        {
            _networkParameterCount = checked(_networkParameterCount + parameter.Length);
        }

        ParameterCount = checked(_networkParameterCount + tailLength);
        Damping = damping;
    }

    /// <summary>Length of the flat vectors v and F v: the network's parameters, then the log-std parameter.</summary>
    public int ParameterCount { get; }

    /// <summary>
    /// λ in (F + λI) v. F is only positive semi-definite (directions that leave every π(·|s_i) unchanged
    /// have F v = 0), so conjugate gradient needs λ &gt; 0 to stay well-posed; TRPO's usual value is 0.1.
    /// </summary>
    public T Damping
    {
        get => _damping;
        set
        {
            if (!T.IsFinite(value) || value < T.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Damping must be finite and non-negative; got {value}.");
            }

            _damping = value;
        }
    }

    /// <summary>result = (F + λI) v at the current parameters, F averaged over the <paramref name="batchSize"/> observation rows.</summary>
    /// <param name="observations">[batchSize × network.InputSize] states, usually a subsample of the rollout.</param>
    /// <param name="vector">v, <see cref="ParameterCount"/> numbers.</param>
    /// <param name="result">(F + λI) v, <see cref="ParameterCount"/> numbers; must not overlap <paramref name="vector"/>.</param>
    /// <param name="batchSize">Number of observation rows N; must be positive.</param>
    public void Multiply(ReadOnlySpan<T> observations, ReadOnlySpan<T> vector, Span<T> result, int batchSize)
        => Multiply(observations, vector, result, batchSize, []);

    /// <summary>
    /// As <see cref="Multiply(ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, int)"/> for a masked categorical policy: where
    /// <paramref name="actionMasks"/> ([batchSize × ParameterSize], true = allowed; empty = none) is false the logit is the
    /// constant <see cref="ActionMasking.MaskedLogit"/>, so its tangent is 0 and M_i acts on the allowed actions only.
    /// </summary>
    /// <param name="observations">[batchSize × network.InputSize] states.</param>
    /// <param name="vector">v, <see cref="ParameterCount"/> numbers.</param>
    /// <param name="result">(F + λI) v.</param>
    /// <param name="batchSize">Number of observation rows N.</param>
    /// <param name="actionMasks">The masks the actions were drawn under, or empty.</param>
    public void Multiply(ReadOnlySpan<T> observations, ReadOnlySpan<T> vector, Span<T> result, int batchSize, ReadOnlySpan<bool> actionMasks)
    {
        CheckArguments(observations.Length, vector.Length, result.Length, batchSize);
        int outputSize = _network.OutputSize;
        int rowSize = _distribution.ParameterSize;
        int tailLength = rowSize - outputSize;
        EnsureCapacity(batchSize, outputSize, rowSize);
        ReadOnlySpan<T> vectorTail = vector[_networkParameterCount..];

        // J v: forward mode through the network with θ-tangents = the network part of v.
        IReadOnlyList<Parameter<T>> parameters = _network.Parameters;
        int offset = 0;
        for (int k = 0; k < parameters.Count; k++)
        {
            vector.Slice(offset, parameters[k].Length).CopyTo(parameters[k].Tangent);
            offset += parameters[k].Length;
        }

        Span<T> networkOutput = _networkOutput.AsSpan(0, batchSize * outputSize);
        Span<T> networkOutputTangent = _networkOutputTangent.AsSpan(0, batchSize * outputSize);
        _network.Jvp(observations[..(batchSize * _network.InputSize)], [], networkOutput, networkOutputTangent, batchSize);

        // Row i's parameters are [network output_i, tail]; its tangent is [(J v)_i, v_tail] since
        // the tail is the same parameter in every row (∂ tail_i / ∂ tail = I).
        Span<T> distributionParameters = _distributionParameters.AsSpan(0, batchSize * rowSize);
        Span<T> distributionTangent = _distributionTangent.AsSpan(0, batchSize * rowSize);
        for (int i = 0; i < batchSize; i++)
        {
            networkOutput.Slice(i * outputSize, outputSize).CopyTo(distributionParameters.Slice(i * rowSize, outputSize));
            networkOutputTangent.Slice(i * outputSize, outputSize).CopyTo(distributionTangent.Slice(i * rowSize, outputSize));
            if (_sharedParameter is not null)
            {
                _sharedParameter.Value.CopyTo(distributionParameters.Slice((i * rowSize) + outputSize, tailLength));
                vectorTail.CopyTo(distributionTangent.Slice((i * rowSize) + outputSize, tailLength));
            }
        }

        if (!actionMasks.IsEmpty)
        {
            if (_sharedParameter is not null || actionMasks.Length != batchSize * rowSize)
            {
                throw new ArgumentException($"actionMasks has {actionMasks.Length} flags; expected {batchSize} rows × {rowSize} logits of a categorical policy.", nameof(actionMasks));
            }

            ActionMasking.Apply(distributionParameters, actionMasks, batchSize, [rowSize]);
            ActionMasking.ZeroMasked(distributionTangent, actionMasks);
        }

        // u_i = (1/N) M_i (J v)_i: the 1/N makes F the Hessian of the MEAN KL, as TRPO's constraint is.
        Span<T> fisherTangent = _fisherTangent.AsSpan(0, batchSize * rowSize);
        _distribution.FisherVectorProduct(distributionParameters, distributionTangent, fisherTangent, batchSize);
        T inverseBatch = T.One / T.CreateChecked(batchSize);
        for (int index = 0; index < fisherTangent.Length; index++)
        {
            fisherTangent[index] *= inverseBatch;
        }

        // Jᵀ u: reverse mode, reading the network part of u as the output gradient.
        Span<T> networkGradOutput = _networkGradOutput.AsSpan(0, batchSize * outputSize);
        for (int i = 0; i < batchSize; i++)
        {
            fisherTangent.Slice(i * rowSize, outputSize).CopyTo(networkGradOutput.Slice(i * outputSize, outputSize));
        }

        for (int k = 0; k < parameters.Count; k++)
        {
            parameters[k].ZeroGradient();
        }

        _network.Backward(networkGradOutput, [], batchSize);
        offset = 0;
        for (int k = 0; k < parameters.Count; k++)
        {
            parameters[k].Gradient.CopyTo(result.Slice(offset, parameters[k].Length));
            offset += parameters[k].Length;
        }

        // The broadcast tail's Jᵀ sums over rows.
        Span<T> resultTail = result[_networkParameterCount..];
        resultTail.Clear();
        for (int i = 0; i < batchSize; i++)
        {
            ReadOnlySpan<T> rowTail = fisherTangent.Slice((i * rowSize) + outputSize, tailLength);
            for (int j = 0; j < tailLength; j++)
            {
                resultTail[j] += rowTail[j];
            }
        }

        // (F + λI) v
        if (_damping != T.Zero)
        {
            for (int index = 0; index < result.Length; index++)
            {
                result[index] += _damping * vector[index];
            }
        }
    }

    private void CheckArguments(int observationsLength, int vectorLength, int resultLength, int batchSize)
    {
        if (batchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize must be positive (F is a mean over rows); got {batchSize}.");
        }

        DistributionArguments.CheckLength(observationsLength, batchSize, _network.InputSize, "network.InputSize", "observations");
        if (vectorLength != ParameterCount)
        {
            throw new ArgumentException($"vector has {vectorLength} elements; expected ParameterCount {ParameterCount}.", "vector");
        }

        if (resultLength != ParameterCount)
        {
            throw new ArgumentException($"result has {resultLength} elements; expected ParameterCount {ParameterCount}.", "result");
        }
    }

    private void EnsureCapacity(int batchSize, int outputSize, int rowSize)
    {
        if (_networkOutput.Length < batchSize * outputSize)
        {
            _networkOutput = new T[batchSize * outputSize];
            _networkOutputTangent = new T[batchSize * outputSize];
            _networkGradOutput = new T[batchSize * outputSize];
        }

        if (_distributionParameters.Length < batchSize * rowSize)
        {
            _distributionParameters = new T[batchSize * rowSize];
            _distributionTangent = new T[batchSize * rowSize];
            _fisherTangent = new T[batchSize * rowSize];
        }
    }
}
