using SharpRL.Distributions;

namespace SharpRL.Policies;

/// <summary>
/// The stochastic policy π_θ(a|s) and value function V_φ(s) of the on-policy algorithms:
/// two separate MLPs (64-64 tanh by default, orthogonal init with gains √2 hidden, 0.01 policy
/// head, 1 value head, as in Huang et al. 2022), a Categorical / MultiCategorical head for
/// discrete actions and a diagonal Gaussian with a state-independent log-std for Box actions.
/// Buffers are allocated once per batch size and reused.
/// </summary>
public sealed class ActorCriticPolicy
{
    private readonly IModule<float> _policyNet;
    private readonly IModule<float> _valueNet;
    private readonly Parameter<float>? _logStd;
    private readonly int _netOutputSize;
    private readonly Box? _boxActions;
    private readonly Discrete? _discreteActions;
    private readonly MultiDiscrete? _multiDiscreteActions;
    private readonly Discrete? _discreteObservations;
    // Separate one-hot buffers: the policy and value passes may run on two threads at once.
    private float[] _encodedPolicyObservations = [];
    private float[] _encodedValueObservations = [];
    private float[] _netOutput = [];
    private float[] _gradNetOutput = [];
    private float[] _distributionParameters = [];
    private readonly int[] _maskComponents;

    /// <summary>Builds the networks for the given spaces.</summary>
    /// <param name="observationSpace">Box (flattened) or Discrete (one-hot encoded).</param>
    /// <param name="actionSpace">Discrete, MultiDiscrete or Box.</param>
    /// <param name="options">Architecture settings.</param>
    /// <param name="random">Seeds the orthogonal initialisation.</param>
    public ActorCriticPolicy(Space observationSpace, Space actionSpace, PolicyOptions options, Random random)
    {
        ArgumentNullException.ThrowIfNull(observationSpace);
        ArgumentNullException.ThrowIfNull(actionSpace);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        ObservationSpace = observationSpace;
        ActionSpace = actionSpace;
        Options = options;
        _discreteObservations = observationSpace as Discrete;
        ObservationSize = _discreteObservations?.N ?? observationSpace.FlatSize;

        switch (actionSpace)
        {
            case Discrete discrete:
                _discreteActions = discrete;
                Distribution = new Categorical<float>(discrete.N);
                _netOutputSize = discrete.N;
                _maskComponents = [discrete.N];
                break;
            case MultiDiscrete multiDiscrete:
                _multiDiscreteActions = multiDiscrete;
                Distribution = new MultiCategorical<float>(multiDiscrete.Nvec.ToArray());
                _netOutputSize = multiDiscrete.Nvec.Sum();
                _maskComponents = [.. multiDiscrete.Nvec];
                break;
            case Box box:
                _boxActions = box;
                Distribution = new DiagGaussian<float>(box.FlatSize);
                _netOutputSize = box.FlatSize;
                _logStd = new Parameter<float>("log_std", box.FlatSize);
                _maskComponents = [];
                Array.Fill(_logStd.Value, options.LogStdInit);
                break;
            default:
                throw new ArgumentException($"actionSpace {actionSpace} is not supported; expected Discrete, MultiDiscrete or Box.", nameof(actionSpace));
        }

        SharesTrunk = options.SharedTrunk;
        (_policyNet, _valueNet) = options.SharedTrunk
            ? BuildSharedTrunk(options, random)
            : BuildSeparateNetworks(options, random);

        var policyParameters = new List<Parameter<float>>(_policyNet.Parameters);
        if (_logStd is not null)
        {
            policyParameters.Add(_logStd);
        }

        PolicyParameters = policyParameters;
        ValueParameters = _valueNet.Parameters;

        // With a shared trunk its parameters belong to both lists; every parameter appears once here.
        Parameters = [.. policyParameters.Concat(_valueNet.Parameters).Distinct()];
    }

    /// <summary>
    /// Whether the policy and value networks share a trunk (and so parameters): their passes must
    /// then run one after the other, and algorithms that fit the critic apart from the policy refuse it.
    /// </summary>
    public bool SharesTrunk { get; }

    /// <summary>The architecture the policy was built with (read by exporters to rebuild the networks).</summary>
    public PolicyOptions Options { get; }

    /// <summary>Observation space the policy was built for.</summary>
    public Space ObservationSpace { get; }

    /// <summary>Action space the policy was built for.</summary>
    public Space ActionSpace { get; }

    /// <summary>Network input width (one-hot size for Discrete observations).</summary>
    public int ObservationSize { get; }

    /// <summary>The action distribution π(·|s).</summary>
    public IDistribution<float> Distribution { get; }

    /// <summary>Floats per stored action.</summary>
    public int ActionSize => Distribution.ActionSize;

    /// <summary>Flags per action mask (n, or Σ nvec); 0 for Box actions, which cannot be masked.</summary>
    public int ActionMaskSize => _logStd is null ? _netOutputSize : 0;

    /// <summary>Categories per component of a mask row: [n] for Discrete, nvec for MultiDiscrete, empty for Box.</summary>
    public ReadOnlySpan<int> ActionMaskComponents => _maskComponents;

    /// <summary>Parameters of π (network, then log-std for Box actions).</summary>
    public IReadOnlyList<Parameter<float>> PolicyParameters { get; }

    /// <summary>Parameters of V.</summary>
    public IReadOnlyList<Parameter<float>> ValueParameters { get; }

    /// <summary>All parameters: policy first, then value.</summary>
    public IReadOnlyList<Parameter<float>> Parameters { get; }

    /// <summary>The state-independent log σ of a Gaussian policy, or null for discrete actions.</summary>
    public Parameter<float>? LogStd => _logStd;

    /// <summary>The network mapping observations to logits (or Gaussian means).</summary>
    public IModule<float> PolicyNetwork => _policyNet;

    /// <summary>
    /// Computes the parameters of π(·|s) for a batch of raw observations ([batch × observation FlatSize])
    /// and returns them ([batch × Distribution.ParameterSize]); valid until the next call.
    /// Caches what <see cref="BackwardDistribution"/> needs.
    /// </summary>
    public ReadOnlySpan<float> ForwardDistribution(ReadOnlySpan<float> observations, int batchSize)
        => ForwardDistribution(observations, batchSize, []);

    /// <summary>
    /// As <see cref="ForwardDistribution(ReadOnlySpan{float}, int)"/>, with invalid-action masking: where
    /// <paramref name="actionMasks"/> ([batch × <see cref="ActionMaskSize"/>], true = allowed) is false the logit
    /// is replaced by <see cref="ActionMasking.MaskedLogit"/>, so the action has probability exactly 0 and
    /// ln π, H and KL are those over the allowed actions. An empty mask changes nothing.
    /// </summary>
    public ReadOnlySpan<float> ForwardDistribution(ReadOnlySpan<float> observations, int batchSize, ReadOnlySpan<bool> actionMasks)
    {
        ReadOnlySpan<float> input = Encode(observations, batchSize, ref _encodedPolicyObservations);
        EnsureCapacity(batchSize);
        Span<float> netOutput = _netOutput.AsSpan(0, batchSize * _netOutputSize);
        _policyNet.Forward(input, netOutput, batchSize);
        if (_logStd is null)
        {
            if (!actionMasks.IsEmpty)
            {
                ActionMasking.Apply(netOutput, actionMasks[..(batchSize * _netOutputSize)], batchSize, _maskComponents);
            }

            return netOutput;
        }

        if (!actionMasks.IsEmpty)
        {
            throw new ArgumentException($"Box actions ({ActionSpace}) cannot be masked; action masks need Discrete or MultiDiscrete actions.", nameof(actionMasks));
        }

        // DiagGaussian rows are [mean(d), logStd(d)]; log σ is the same for every state.
        int d = _netOutputSize;
        Span<float> parameters = _distributionParameters.AsSpan(0, batchSize * 2 * d);
        for (int row = 0; row < batchSize; row++)
        {
            netOutput.Slice(row * d, d).CopyTo(parameters.Slice(row * 2 * d, d));
            _logStd.Value.CopyTo(parameters.Slice((row * 2 * d) + d, d));
        }

        return parameters;
    }

    /// <summary>
    /// Back-propagates ∂L/∂(distribution parameters) of the last ForwardDistribution
    /// into the policy parameters' gradients.
    /// </summary>
    public void BackwardDistribution(ReadOnlySpan<float> gradDistributionParameters, int batchSize)
    {
        if (_logStd is null)
        {
            _policyNet.Backward(gradDistributionParameters[..(batchSize * _netOutputSize)], [], batchSize);
            return;
        }

        // The mean part goes through the network; log σ is shared by all rows, so its gradient is the row sum.
        int d = _netOutputSize;
        Span<float> gradMean = _gradNetOutput.AsSpan(0, batchSize * d);
        for (int row = 0; row < batchSize; row++)
        {
            gradDistributionParameters.Slice(row * 2 * d, d).CopyTo(gradMean.Slice(row * d, d));
            ReadOnlySpan<float> gradLogStd = gradDistributionParameters.Slice((row * 2 * d) + d, d);
            for (int j = 0; j < d; j++)
            {
                _logStd.Gradient[j] += gradLogStd[j];
            }
        }

        _policyNet.Backward(gradMean, [], batchSize);
    }

    /// <summary>V(s) for a batch of raw observations; caches what <see cref="BackwardValues"/> needs.</summary>
    public void ForwardValues(ReadOnlySpan<float> observations, Span<float> values, int batchSize)
    {
        ReadOnlySpan<float> input = Encode(observations, batchSize, ref _encodedValueObservations);
        _valueNet.Forward(input, values[..batchSize], batchSize);
    }

    /// <summary>Back-propagates ∂L/∂V of the last <see cref="ForwardValues"/> into the value parameters' gradients.</summary>
    public void BackwardValues(ReadOnlySpan<float> gradValues, int batchSize) =>
        _valueNet.Backward(gradValues[..batchSize], [], batchSize);

    /// <summary>
    /// Chooses actions for a batch of observations: samples (or takes the mode when
    /// <paramref name="deterministic"/>), and reports V(s), ln π(a|s) and the distribution parameters.
    /// </summary>
    public void Act(
        ReadOnlySpan<float> observations,
        int batchSize,
        Random random,
        bool deterministic,
        Span<float> actions,
        Span<float> values,
        Span<float> logProbs,
        Span<float> distributionParameters)
        => Act(observations, [], batchSize, random, deterministic, actions, values, logProbs, distributionParameters);

    /// <summary>
    /// As <see cref="Act(ReadOnlySpan{float}, int, Random, bool, Span{float}, Span{float}, Span{float}, Span{float})"/>, under
    /// action masks ([batch × <see cref="ActionMaskSize"/>], true = allowed; empty = none): a disallowed action is never
    /// chosen, and the reported parameters are the masked logits.
    /// </summary>
    public void Act(
        ReadOnlySpan<float> observations,
        ReadOnlySpan<bool> actionMasks,
        int batchSize,
        Random random,
        bool deterministic,
        Span<float> actions,
        Span<float> values,
        Span<float> logProbs,
        Span<float> distributionParameters)
    {
        ReadOnlySpan<float> parameters = ForwardDistribution(observations, batchSize, actionMasks);
        if (deterministic)
        {
            Distribution.Mode(parameters, actions, batchSize);
        }
        else
        {
            Distribution.Sample(parameters, actions, batchSize, random);
        }

        Distribution.LogProb(parameters, actions, logProbs, batchSize);
        parameters.CopyTo(distributionParameters);
        ForwardValues(observations, values, batchSize);
    }

    /// <summary>Deterministic (mode) or sampled actions only, for evaluation and deployment.</summary>
    public void Predict(ReadOnlySpan<float> observations, int batchSize, Span<float> actions, bool deterministic, Random? random = null)
        => Predict(observations, [], batchSize, actions, deterministic, random);

    /// <summary>As <see cref="Predict(ReadOnlySpan{float}, int, Span{float}, bool, Random?)"/>, never choosing an action its mask disallows (empty mask = none).</summary>
    public void Predict(ReadOnlySpan<float> observations, ReadOnlySpan<bool> actionMasks, int batchSize, Span<float> actions, bool deterministic, Random? random = null)
    {
        ReadOnlySpan<float> parameters = ForwardDistribution(observations, batchSize, actionMasks);
        if (deterministic)
        {
            Distribution.Mode(parameters, actions, batchSize);
        }
        else
        {
            Distribution.Sample(parameters, actions, batchSize, random ?? throw new ArgumentNullException(nameof(random), "A random generator is needed to sample actions."));
        }
    }

    /// <summary>
    /// Maps stored policy actions to what the env accepts: discrete indices shifted by the space's start,
    /// Gaussian samples clipped to the Box bounds (the unclipped sample stays in the rollout buffer,
    /// so ln π is computed for the action actually drawn).
    /// </summary>
    public void ToEnvActions(ReadOnlySpan<float> policyActions, Span<float> envActions, int batchSize)
    {
        int size = batchSize * ActionSize;
        if (_boxActions is not null)
        {
            ReadOnlySpan<float> low = _boxActions.Low;
            ReadOnlySpan<float> high = _boxActions.High;
            int d = ActionSize;
            for (int i = 0; i < size; i++)
            {
                int j = i % d;
                envActions[i] = Math.Clamp(policyActions[i], low[j], high[j]);
            }
        }
        else if (_discreteActions is not null)
        {
            for (int i = 0; i < size; i++)
            {
                envActions[i] = policyActions[i] + _discreteActions.Start;
            }
        }
        else
        {
            // MultiCategorical samples component k in [0, nvec[k]); the env counts from start[k].
            IReadOnlyList<int> start = _multiDiscreteActions!.Start;
            int d = ActionSize;
            for (int i = 0; i < size; i++)
            {
                envActions[i] = policyActions[i] + start[i % d];
            }
        }
    }

    private (IModule<float> Policy, IModule<float> Value) BuildSeparateNetworks(PolicyOptions options, Random random)
    {
        var policyNet = new Mlp<float>([ObservationSize, .. options.PolicyHiddenSizes, _netOutputSize], options.Activation, "pi.");
        var valueNet = new Mlp<float>([ObservationSize, .. options.ValueHiddenSizes, 1], options.Activation, "vf.");
        if (options.OrthogonalInit)
        {
            policyNet.InitializeOrthogonal(random, hiddenGain: Math.Sqrt(2), outputGain: 0.01);
            valueNet.InitializeOrthogonal(random, hiddenGain: Math.Sqrt(2), outputGain: 1.0);
        }
        else
        {
            // SB3 with ortho_init=False keeps PyTorch's default layer init; zero weights would leave
            // every hidden unit dead (only the output biases would ever move).
            policyNet.InitializeUniformFanIn(random);
            valueNet.InitializeUniformFanIn(random);
        }

        return (policyNet, valueNet);
    }

    private (IModule<float> Policy, IModule<float> Value) BuildSharedTrunk(PolicyOptions options, Random random)
    {
        if (options.PolicyHiddenSizes.Count == 0)
        {
            throw new ArgumentException("shared_trunk needs at least one hidden layer in pi_hidden (the trunk); got none.", nameof(options));
        }

        // Trunk: the pi_hidden layers with the activation after each (the last one applied
        // separately, since an Mlp ends linearly); then a linear head for π and one for V.
        var trunk = new Mlp<float>([ObservationSize, .. options.PolicyHiddenSizes], options.Activation, "trunk.");
        int width = options.PolicyHiddenSizes[^1];
        IModule<float> activation = options.Activation == Activation.Relu ? new Relu<float>(width) : new Tanh<float>(width);
        var policyHead = new Linear<float>(width, _netOutputSize, "pi.");
        var valueHead = new Linear<float>(width, 1, "vf.");
        if (options.OrthogonalInit)
        {
            trunk.InitializeOrthogonal(random, hiddenGain: Math.Sqrt(2), outputGain: Math.Sqrt(2));
            Init.Orthogonal(policyHead, 0.01, random);
            Init.Orthogonal(valueHead, 1.0, random);
        }
        else
        {
            trunk.InitializeUniformFanIn(random);
            Init.UniformFanIn(policyHead, random);
            Init.UniformFanIn(valueHead, random);
        }

        return (new TrunkHeadNetwork(trunk, activation, policyHead), new TrunkHeadNetwork(trunk, activation, valueHead));
    }

    /// <summary>
    /// The networks' input for a batch of raw observations: the observations themselves for a Box space;
    /// for a Discrete space their one-hot rows, written into <paramref name="destination"/>
    /// ([batch × <see cref="ObservationSize"/>]), as SB3 encodes them so the network sees no false ordering.
    /// </summary>
    public ReadOnlySpan<float> NetworkInput(ReadOnlySpan<float> observations, int batchSize, Span<float> destination)
    {
        if (_discreteObservations is null)
        {
            int expected = batchSize * ObservationSize;
            if (observations.Length < expected)
            {
                throw new ArgumentException($"observations has {observations.Length} elements; expected batch {batchSize} × {ObservationSize}.", nameof(observations));
            }

            return observations[..expected];
        }

        int n = _discreteObservations.N;
        Span<float> encoded = destination[..(batchSize * n)];
        encoded.Clear();
        for (int row = 0; row < batchSize; row++)
        {
            int index = (int)observations[row] - _discreteObservations.Start;
            encoded[(row * n) + index] = 1f;
        }

        return encoded;
    }

    private ReadOnlySpan<float> Encode(ReadOnlySpan<float> observations, int batchSize, ref float[] buffer)
    {
        if (_discreteObservations is not null && buffer.Length < batchSize * ObservationSize)
        {
            buffer = new float[batchSize * ObservationSize];
        }

        return NetworkInput(observations, batchSize, buffer);
    }

    private void EnsureCapacity(int batchSize)
    {
        if (_netOutput.Length < batchSize * _netOutputSize)
        {
            _netOutput = new float[batchSize * _netOutputSize];
            _gradNetOutput = new float[batchSize * _netOutputSize];
            _distributionParameters = new float[batchSize * Distribution.ParameterSize];
        }
    }
}
