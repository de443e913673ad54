using SharpRL.Datasets;

namespace SharpRL.Algorithms.Imitation;

/// <summary>What a behaviour-cloning fit did.</summary>
/// <param name="Epochs">Epochs run.</param>
/// <param name="BestEpoch">Epoch (1-based) whose weights were kept: lowest validation loss.</param>
/// <param name="BestValidationLoss">Its validation loss (the training loss when nothing is held out).</param>
/// <param name="TrainLosses">Mean training loss per epoch.</param>
/// <param name="ValidationLosses">Validation loss per epoch (empty when nothing is held out).</param>
/// <param name="StoppedEarly">Whether the patience ran out before MaxEpochs.</param>
public sealed record BehaviorCloningResult(int Epochs, int BestEpoch, double BestValidationLoss, IReadOnlyList<double> TrainLosses, IReadOnlyList<double> ValidationLosses, bool StoppedEarly);

/// <summary>
/// Behaviour cloning: imitation as supervised learning on the expert's (s, a) pairs (Janson, "PPO &amp;
/// Importance Sampling", CS/Stat 184, Harvard 2024): π̂ = argmin_π Σ ℓ(π, s, a) with the negative
/// log-likelihood ℓ = −ln π(a|s) (stochastic policies) or the squared loss ℓ = ‖π(s) − a‖²
/// (deterministic, continuous). Minibatch Adam on a random training split, the loss on the held-out
/// split after every epoch, early stopping with the best epoch's weights restored.
/// </summary>
public sealed class BehaviorCloning
{
    /// <summary>Mean training loss of the epoch.</summary>
    public const string TrainLossKey = "bc/train_loss";

    /// <summary>Loss on the held-out split after the epoch.</summary>
    public const string ValidationLossKey = "bc/val_loss";

    /// <summary>Epoch number (the step axis of the logged metrics).</summary>
    public const string EpochKey = "bc/epoch";

    private readonly BehaviorCloningOptions _options;
    private readonly SerializableRandom _random;
    private readonly List<double> _trainLosses = [];
    private readonly List<double> _validationLosses = [];
    private TransitionSet? _data;
    private int[] _split = [];
    private int[] _train = [];
    private int[] _validation = [];
    private float[] _policyActions = [];
    private float[] _best = [];
    private readonly MetricsLogger? _logger;
    private readonly Adam<float> _optimizer;
    private readonly ParameterVector<float> _parameters;
    private float[] _batchObservations = [];
    private float[] _batchActions = [];
    private float[] _gradParameters = [];
    private float[] _scratch = [];

    /// <summary>Builds a fresh policy for the spaces and fits it with <see cref="Fit"/>.</summary>
    public BehaviorCloning(Space observationSpace, Space actionSpace, BehaviorCloningOptions options, int seed, MetricsLogger? logger = null)
        : this(new ActorCriticPolicy(observationSpace, actionSpace, (options ?? throw new ArgumentNullException(nameof(options))).Policy, new Random(seed)), options, seed, logger)
    {
    }

    /// <summary>Fits an existing policy (DAgger retrains the same learner).</summary>
    public BehaviorCloning(ActorCriticPolicy policy, BehaviorCloningOptions options, int seed, MetricsLogger? logger = null)
    {
        Policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
        if (options.Loss == BehaviorCloningLoss.MeanSquaredError && policy.ActionSpace is not Box)
        {
            throw new ArgumentException($"The squared loss fits a deterministic policy's mean and needs Box actions; the action space is {policy.ActionSpace}. Use the negative log-likelihood.", nameof(options));
        }

        _random = new SerializableRandom(seed);
        _logger = logger;
        _optimizer = new Adam<float>(policy.PolicyParameters, options.LearningRate);
        _parameters = new ParameterVector<float>(policy.PolicyParameters);
    }

    /// <summary>The policy being fitted.</summary>
    public ActorCriticPolicy Policy { get; }

    /// <summary>Epochs run by all <see cref="Fit"/> calls so far (the logging step).</summary>
    public int TotalEpochs { get; private set; }

    /// <summary>Fits π to <paramref name="data"/> (spaces must match the policy's): <see cref="Begin"/>, epochs until stopped, <see cref="Finish"/>.</summary>
    public BehaviorCloningResult Fit(TransitionSet data)
    {
        Begin(data);
        while (Epoch())
        {
        }

        return Finish();
    }

    /// <summary>Starts a fit: splits <paramref name="data"/> at random into training and held-out pairs.</summary>
    public void Begin(TransitionSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!data.ObservationSpace.Equals(Policy.ObservationSpace) || !data.ActionSpace.Equals(Policy.ActionSpace))
        {
            throw new ArgumentException($"The data has observations {data.ObservationSpace} and actions {data.ActionSpace}; the policy was built for {Policy.ObservationSpace} and {Policy.ActionSpace}.", nameof(data));
        }

        if (data.Count == 0)
        {
            throw new ArgumentException("The data holds no transitions.", nameof(data));
        }

        int[] order = [.. Enumerable.Range(0, data.Count)];
        _random.Shuffle(order);
        int validationCount = data.Count >= 2 ? (int)Math.Round(data.Count * _options.ValidationFraction) : 0;
        _data = data;
        _validation = order[..validationCount];
        _split = order[validationCount..];
        _train = new int[_split.Length];
        _policyActions = ToPolicyActions(data);
        EnsureCapacity(Math.Min(_options.BatchSize, data.Count));
        _trainLosses.Clear();
        _validationLosses.Clear();
        _best = new float[_parameters.Count];
        _parameters.CopyValuesTo(_best);
        BestLoss = double.PositiveInfinity;
        BestEpoch = 0;
        Epochs = 0;
        Stopped = false;
        StoppedEarly = false;
    }

    /// <summary>
    /// One pass over the training split, then the held-out loss; returns false once the fit is over
    /// (patience used up or MaxEpochs reached), true while more epochs should follow.
    /// </summary>
    public bool Epoch()
    {
        TransitionSet data = _data ?? throw new InvalidOperationException("Call Begin(data) before Epoch().");
        if (Stopped)
        {
            return false;
        }

        Epochs++;
        // Shuffle from the split's fixed order, so an epoch's order depends only on the generator's
        // state (which checkpoints keep), not on earlier epochs' permutations.
        _split.CopyTo(_train, 0);
        _random.Shuffle(_train);
        double sum = 0;
        for (int start = 0; start < _train.Length; start += _options.BatchSize)
        {
            int batch = Math.Min(_options.BatchSize, _train.Length - start);
            _optimizer.ZeroGradient();
            sum += BatchLoss(data, _policyActions, _train.AsSpan(start, batch), backward: true) * batch;
            if (_options.MaxGradNorm > 0)
            {
                GradientClipping.ClipGlobalNorm(Policy.PolicyParameters, _options.MaxGradNorm);
            }

            _optimizer.Step();
            GradientSteps++;
        }

        double trainLoss = sum / _train.Length;
        _trainLosses.Add(trainLoss);
        double selectionLoss = trainLoss;
        if (_validation.Length > 0)
        {
            selectionLoss = MeanLoss(data, _policyActions, _validation);
            _validationLosses.Add(selectionLoss);
        }

        TotalEpochs++;
        if (_logger is not null)
        {
            _logger.Record(EpochKey, TotalEpochs);
            _logger.Record(TrainLossKey, trainLoss);
            if (_validation.Length > 0)
            {
                _logger.Record(ValidationLossKey, selectionLoss);
            }

            _logger.Dump(LogStep?.Invoke() ?? TotalEpochs);
        }

        if (selectionLoss < BestLoss)
        {
            BestLoss = selectionLoss;
            BestEpoch = Epochs;
            _parameters.CopyValuesTo(_best);
        }
        else if (Epochs - BestEpoch >= _options.Patience)
        {
            StoppedEarly = true;
            Stopped = true;
        }

        if (Epochs >= _options.MaxEpochs)
        {
            Stopped = true;
        }

        return !Stopped;
    }

    /// <summary>Ends the fit: restores the weights of the epoch with the lowest held-out loss.</summary>
    public BehaviorCloningResult Finish()
    {
        _parameters.SetValues(_best);
        return new BehaviorCloningResult(Epochs, BestEpoch, BestLoss, [.. _trainLosses], [.. _validationLosses], StoppedEarly);
    }

    /// <summary>Epochs of the current fit.</summary>
    public int Epochs { get; private set; }

    /// <summary>Epoch (1-based) with the lowest held-out loss so far in the current fit.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>That loss.</summary>
    public double BestLoss { get; private set; } = double.PositiveInfinity;

    /// <summary>Whether the current fit is over.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Whether the current fit ended by early stopping.</summary>
    public bool StoppedEarly { get; private set; }

    /// <summary>Gradient steps taken by all fits.</summary>
    public long GradientSteps { get; private set; }

    /// <summary>The logging step (default: <see cref="TotalEpochs"/>); the run layer logs against gradient steps.</summary>
    public Func<long>? LogStep { get; init; }

    /// <summary>The optimizer (its state goes into checkpoints).</summary>
    internal Adam<float> Optimizer => _optimizer;

    /// <summary>The shuffling generator (its state goes into checkpoints).</summary>
    internal SerializableRandom Random => _random;

    /// <summary>Best weights of the current fit, in <see cref="ParameterVector{T}"/> order.</summary>
    internal float[] BestParameters => _best;

    /// <summary>Restores the counters of a fit from a checkpoint (after <see cref="Begin"/> on the same data).</summary>
    internal void RestoreProgress(int epochs, int bestEpoch, double bestLoss, bool stopped, bool stoppedEarly, long gradientSteps, int totalEpochs, IReadOnlyList<double> trainLosses, IReadOnlyList<double> validationLosses)
    {
        Epochs = epochs;
        BestEpoch = bestEpoch;
        BestLoss = bestLoss;
        Stopped = stopped;
        StoppedEarly = stoppedEarly;
        GradientSteps = gradientSteps;
        TotalEpochs = totalEpochs;
        _trainLosses.Clear();
        _trainLosses.AddRange(trainLosses);
        _validationLosses.Clear();
        _validationLosses.AddRange(validationLosses);
    }

    /// <summary>Losses per epoch of the current fit.</summary>
    internal IReadOnlyList<double> TrainLosses => _trainLosses;

    /// <summary>Held-out losses per epoch of the current fit.</summary>
    internal IReadOnlyList<double> ValidationLosses => _validationLosses;

    /// <summary>The mean loss of the current policy on <paramref name="data"/> (no update).</summary>
    public double Evaluate(TransitionSet data)
    {
        ArgumentNullException.ThrowIfNull(data);
        EnsureCapacity(Math.Min(_options.BatchSize, data.Count));
        return MeanLoss(data, ToPolicyActions(data), [.. Enumerable.Range(0, data.Count)]);
    }

    /// <summary>Env actions → what the distribution scores: category indices from 0 (the space's start removed).</summary>
    internal static float[] ToPolicyActions(TransitionSet data)
    {
        float[] actions = (float[])data.Actions.Clone();
        switch (data.ActionSpace)
        {
            case Discrete discrete:
                for (int i = 0; i < actions.Length; i++)
                {
                    actions[i] -= discrete.Start;
                }

                break;
            case MultiDiscrete multi:
                for (int i = 0; i < actions.Length; i++)
                {
                    actions[i] -= multi.Start[i % multi.Nvec.Count];
                }

                break;
        }

        return actions;
    }

    private double MeanLoss(TransitionSet data, float[] policyActions, int[] rows)
    {
        double sum = 0;
        for (int start = 0; start < rows.Length; start += _options.BatchSize)
        {
            int batch = Math.Min(_options.BatchSize, rows.Length - start);
            sum += BatchLoss(data, policyActions, rows.AsSpan(start, batch), backward: false) * batch;
        }

        return sum / rows.Length;
    }

    // The loss of one minibatch; with backward, its gradient is accumulated into the policy parameters.
    private double BatchLoss(TransitionSet data, float[] policyActions, ReadOnlySpan<int> rows, bool backward)
    {
        int batch = rows.Length;
        int d = data.ObservationSpace.FlatSize;
        int a = Policy.ActionSize;
        Span<float> observations = _batchObservations.AsSpan(0, batch * d);
        Span<float> actions = _batchActions.AsSpan(0, batch * a);
        for (int i = 0; i < batch; i++)
        {
            data.Observations.AsSpan(rows[i] * d, d).CopyTo(observations.Slice(i * d, d));
            policyActions.AsSpan(rows[i] * a, a).CopyTo(actions.Slice(i * a, a));
        }

        ReadOnlySpan<float> parameters = Policy.ForwardDistribution(observations, batch);
        int stride = Policy.Distribution.ParameterSize;
        Span<float> grad = _gradParameters.AsSpan(0, batch * stride);
        grad.Clear();
        float loss = _options.Loss == BehaviorCloningLoss.MeanSquaredError
            ? ImitationLoss.MeanSquaredError<float>(parameters, stride, actions, grad, batch)
            : ImitationLoss.NegativeLogLikelihood(Policy.Distribution, parameters, actions, [], grad, _scratch, batch);
        if (backward)
        {
            Policy.BackwardDistribution(grad, batch);
        }

        return loss;
    }

    private void EnsureCapacity(int batch)
    {
        int d = Policy.ObservationSpace.FlatSize;
        if (_batchObservations.Length < batch * d)
        {
            _batchObservations = new float[batch * d];
            _batchActions = new float[batch * Policy.ActionSize];
            _gradParameters = new float[batch * Policy.Distribution.ParameterSize];
            _scratch = new float[2 * batch];
        }
    }
}
