using SharpRL.Algorithms.Imitation;

namespace SharpRL.Algorithms.AdvantageWeighted;

/// <summary>
/// Advantage-weighted regression (Peng et al. 2019; "Lecture 8: PPO, DDPG / TD3"). Each iteration
/// collects samples with the current policy μ = π_k into a buffer of the most recent ones, fits V by
/// regression to TD(λ) returns, and updates π by weighted maximum likelihood:
/// <code>
/// V_k     = argmin_V E_D[ ‖R^λ(s, a) − V(s)‖² ]
/// π_{k+1} = argmax_π E_D[ ln π(a|s) · min(exp((R^λ(s, a) − V_k(s)) / β), w_max) ]
/// </code>
/// Discrete (Categorical) and continuous (diagonal Gaussian) actions.
/// </summary>
public sealed partial class Awr
{
    /// <summary>Mean of the clipped weights over the buffer.</summary>
    public const string MeanWeightKey = "train/awr_mean_weight";

    /// <summary>Fraction of the buffer whose weight hit w_max.</summary>
    public const string ClipFractionKey = "train/awr_clip_fraction";

    /// <summary>Mean weighted negative log-likelihood of the last policy minibatches.</summary>
    public const string PolicyLossKey = "train/policy_loss";

    private const int EvaluationBatch = 1024;

    /// <summary>Normalised observations are clipped to ±this (as VectorNormalizeObservation's default).</summary>
    internal const double ObservationClip = 10.0;

    /// <summary>ε of the normaliser's √(var + ε).</summary>
    internal const double ObservationEpsilon = 1e-8;

    private readonly IEnv _env;
    private readonly MetricsLogger? _logger;
    private readonly SerializableRandom _random;
    private readonly Adam<float> _policyOptimizer;
    private readonly Adam<float> _valueOptimizer;
    private readonly IReadOnlyList<Parameter<float>> _trainedPolicyParameters;
    private readonly int _observationSize;
    private readonly int _actionSize;
    private readonly int _capacity;

    // Ring buffer of the most recent samples.
    private readonly float[] _observations, _nextObservations, _actions, _rewards;
    private readonly bool[] _terminated, _done;
    private int _head, _count;

    // The buffer in chronological order, and what each iteration derives from it.
    private readonly float[] _chronObservations, _chronNextObservations, _chronActions, _chronRewards, _chronTerminated, _chronCut;
    private readonly float[] _values, _nextValues, _advantages, _returns, _weights;

    // Minibatch and step buffers.
    private readonly float[] _batchObservations, _batchActions, _batchWeights, _batchValues, _batchTargets, _gradParameters, _scratch;
    private readonly float[] _observation, _policyInput, _policyAction, _envAction;

    // Observation statistics (null without normalisation), updated for the first NormalizerSamples steps.
    private readonly RunningMeanStd? _observationStatistics;
    private readonly List<double> _recentReturns = [];
    private double _episodeReturn;
    private bool _needsReset = true;
    private TimeSpan _rolloutTime, _updateTime;

    /// <summary>Builds the policy and value networks for <paramref name="env"/>'s spaces.</summary>
    public Awr(IEnv env, AwrOptions options, int seed, MetricsLogger? logger = null)
    {
        _env = env ?? throw new ArgumentNullException(nameof(env));
        Options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
        if (env.ActionSpace is MultiDiscrete)
        {
            throw new ArgumentException("AWR supports Discrete and Box actions; MultiDiscrete is not implemented.", nameof(env));
        }

        Seed = seed;
        _logger = logger;
        _random = new SerializableRandom(seed);
        Policy = new ActorCriticPolicy(PolicyObservationSpace(env.ObservationSpace, options), env.ActionSpace, options.Policy, new Random(seed));
        _observationStatistics = options.NormalizerSamples > 0 ? new RunningMeanStd(env.ObservationSpace.FlatSize) : null;
        _trainedPolicyParameters = options.LearnStd || Policy.LogStd is null
            ? Policy.PolicyParameters
            : [.. Policy.PolicyParameters.Where(p => !ReferenceEquals(p, Policy.LogStd))];
        _policyOptimizer = new Adam<float>(_trainedPolicyParameters, options.PolicyLearningRate);
        _valueOptimizer = new Adam<float>(Policy.ValueParameters, options.ValueLearningRate);

        _observationSize = env.ObservationSpace.FlatSize;
        _actionSize = Policy.ActionSize;
        _capacity = options.BufferSize;
        int c = _capacity, d = _observationSize, a = _actionSize, b = options.BatchSize;
        _observations = new float[c * d];
        _nextObservations = new float[c * d];
        _actions = new float[c * a];
        _rewards = new float[c];
        _terminated = new bool[c];
        _done = new bool[c];
        _chronObservations = new float[c * d];
        _chronNextObservations = new float[c * d];
        _chronActions = new float[c * a];
        _chronRewards = new float[c];
        _chronTerminated = new float[c];
        _chronCut = new float[c];
        _values = new float[c];
        _nextValues = new float[c];
        _advantages = new float[c];
        _returns = new float[c];
        _weights = new float[c];
        _batchObservations = new float[b * d];
        _batchActions = new float[b * a];
        _batchWeights = new float[b];
        _batchValues = new float[b];
        _batchTargets = new float[b];
        _gradParameters = new float[b * Policy.Distribution.ParameterSize];
        _scratch = new float[2 * b];
        _observation = new float[d];
        _policyInput = new float[d];
        _policyAction = new float[a];
        _envAction = new float[env.ActionSpace.FlatSize];
    }

    /// <summary>The settings.</summary>
    public AwrOptions Options { get; }

    /// <summary>Seed of the networks, the sampling and the env's first reset.</summary>
    public int Seed { get; }

    /// <summary>π (and V: its value network).</summary>
    public ActorCriticPolicy Policy { get; }

    /// <summary>Env steps taken.</summary>
    public long NumTimesteps { get; private set; }

    /// <summary>Iterations done.</summary>
    public int Iterations { get; private set; }

    /// <summary>Returns of the last (up to) 100 finished training episodes.</summary>
    public IReadOnlyList<double> RecentReturns => _recentReturns;

    /// <summary>Samples in the buffer.</summary>
    public int BufferCount => _count;

    /// <summary>Runs iterations until <paramref name="totalTimesteps"/> env steps have been taken.</summary>
    /// <returns>True when the budget was reached; false when stopped by <paramref name="cancellationToken"/>.</returns>
    public bool Learn(long totalTimesteps, Action<Awr>? afterIteration = null, CancellationToken cancellationToken = default)
    {
        while (NumTimesteps < totalTimesteps)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            Collect(Options.StepsPerIteration);
            _rolloutTime += stopwatch.Elapsed;
            stopwatch.Restart();
            Update();
            _updateTime += stopwatch.Elapsed;
            afterIteration?.Invoke(this);
        }

        return true;
    }

    /// <summary>Steps the env <paramref name="steps"/> times with actions sampled from π, storing the samples.</summary>
    public void Collect(int steps)
    {
        int d = _observationSize, a = _actionSize;
        for (int k = 0; k < steps; k++)
        {
            if (_needsReset)
            {
                _env.Reset(_observation, NumTimesteps == 0 ? Seed : null);
                _episodeReturn = 0;
                _needsReset = false;
            }

            int slot = _head;
            _observation.CopyTo(_observations.AsSpan(slot * d, d));
            if (_observationStatistics is { } statistics && NumTimesteps < Options.NormalizerSamples)
            {
                statistics.Update(_observation);
            }

            NormalizeObservations(_observation, _policyInput);
            Policy.Predict(_policyInput, 1, _policyAction, deterministic: false, _random);
            Policy.ToEnvActions(_policyAction, _envAction, 1);
            StepResult step = _env.Step(_envAction, _observation);
            // The buffer keeps what π drew (not the clipped env action), so ln π is of the drawn sample.
            _policyAction.CopyTo(_actions.AsSpan(slot * a, a));
            _observation.CopyTo(_nextObservations.AsSpan(slot * d, d));
            _rewards[slot] = (float)(step.Reward * Options.RewardScale);
            _terminated[slot] = step.Terminated;
            _done[slot] = step.Done;
            _head = (_head + 1) % _capacity;
            _count = Math.Min(_count + 1, _capacity);
            NumTimesteps++;
            _episodeReturn += step.Reward;
            if (step.Done)
            {
                _recentReturns.Add(_episodeReturn);
                if (_recentReturns.Count > 100)
                {
                    _recentReturns.RemoveAt(0);
                }

                _needsReset = true;
            }
        }
    }

    /// <summary>One AWR update on the buffer: V by regression to TD(λ) returns, then π by advantage-weighted regression.</summary>
    public void Update()
    {
        int n = _count;
        if (n == 0)
        {
            throw new InvalidOperationException("The buffer is empty: collect samples before updating.");
        }

        Chronological(n);

        // R^λ from the current V: GAE(γ, λ) over the buffer, whose episodes lie end to end. A time-limit
        // cut bootstraps from V(final observation); the newest sample's episode is unfinished, so the
        // recursion is cut there too and bootstraps from V(its next observation).
        Values(_chronObservations, _values, n);
        Values(_chronNextObservations, _nextValues, n);
        Gae.Compute(_chronRewards.AsSpan(0, n), _values.AsSpan(0, n), _nextValues.AsSpan(0, n), _chronTerminated.AsSpan(0, n), _chronCut.AsSpan(0, n),
            _advantages.AsSpan(0, n), _returns.AsSpan(0, n), n, 1, (float)Options.Gamma, (float)Options.Lambda);

        double valueLoss = FitValue(n);

        // Â = R^λ − V_k(s) with the refitted V_k, then w = min(exp(Â/β), w_max).
        Values(_chronObservations, _values, n);
        for (int i = 0; i < n; i++)
        {
            _advantages[i] = _returns[i] - _values[i];
        }

        if (Options.NormalizeAdvantages)
        {
            Standardize(_advantages.AsSpan(0, n));
        }

        double clipFraction = AdvantageWeights.Compute(_advantages.AsSpan(0, n), Options.Temperature, Options.MaxWeight, _weights);
        double policyLoss = FitPolicy(n);
        Iterations++;
        if (_logger is not null)
        {
            double meanWeight = 0;
            for (int i = 0; i < n; i++)
            {
                meanWeight += _weights[i];
            }

            if (_recentReturns.Count > 0)
            {
                _logger.Record(MetricKeys.EpisodeRewardMean, _recentReturns.Average());
            }

            _logger.Record(MetricKeys.ValueLoss, valueLoss);
            _logger.Record(PolicyLossKey, policyLoss);
            _logger.Record(MeanWeightKey, meanWeight / n);
            _logger.Record(ClipFractionKey, clipFraction);
            _logger.Record(MetricKeys.TotalTimesteps, NumTimesteps);
            _logger.Dump(NumTimesteps);
        }
    }

    /// <summary>
    /// The weighted negative log-likelihood −(1/B) Σ w_i ln π(a_i|s_i) of a batch; with
    /// <paramref name="backward"/> its gradient is added to the policy parameters' gradients.
    /// </summary>
    internal double PolicyLoss(ReadOnlySpan<float> observations, ReadOnlySpan<float> actions, ReadOnlySpan<float> weights, int batch, bool backward)
    {
        ReadOnlySpan<float> parameters = Policy.ForwardDistribution(observations, batch);
        Span<float> grad = _gradParameters.AsSpan(0, batch * Policy.Distribution.ParameterSize);
        grad.Clear();
        float loss = ImitationLoss.NegativeLogLikelihood(Policy.Distribution, parameters, actions, weights[..batch], grad, _scratch, batch);
        if (backward)
        {
            Policy.BackwardDistribution(grad, batch);
        }

        return loss;
    }

    private double FitValue(int n)
    {
        int b = Math.Min(Options.BatchSize, n), d = _observationSize;
        double last = 0;
        for (int step = 0; step < Options.ValueSteps; step++)
        {
            for (int i = 0; i < b; i++)
            {
                int k = _random.Next(n);
                _chronObservations.AsSpan(k * d, d).CopyTo(_batchObservations.AsSpan(i * d, d));
                _batchTargets[i] = _returns[k];
            }

            _valueOptimizer.ZeroGradient();
            Policy.ForwardValues(_batchObservations, _batchValues, b);
            // L = (1/2B) Σ (V − R^λ)², ∂L/∂V = (V − R^λ)/B.
            double loss = 0;
            for (int i = 0; i < b; i++)
            {
                float error = _batchValues[i] - _batchTargets[i];
                loss += 0.5 * error * error;
                _batchValues[i] = error / b;
            }

            Policy.BackwardValues(_batchValues, b);
            Clip(Policy.ValueParameters);
            _valueOptimizer.Step();
            last = loss / b;
        }

        return last;
    }

    private double FitPolicy(int n)
    {
        int b = Math.Min(Options.BatchSize, n), d = _observationSize, a = _actionSize;
        double sum = 0;
        int window = Math.Min(Options.PolicySteps, 10);
        for (int step = 0; step < Options.PolicySteps; step++)
        {
            for (int i = 0; i < b; i++)
            {
                int k = _random.Next(n);
                _chronObservations.AsSpan(k * d, d).CopyTo(_batchObservations.AsSpan(i * d, d));
                _chronActions.AsSpan(k * a, a).CopyTo(_batchActions.AsSpan(i * a, a));
                _batchWeights[i] = _weights[k];
            }

            _policyOptimizer.ZeroGradient();
            double loss = PolicyLoss(_batchObservations, _batchActions, _batchWeights, b, backward: true);
            Clip(_trainedPolicyParameters);
            _policyOptimizer.Step();
            if (step >= Options.PolicySteps - window)
            {
                sum += loss;
            }
        }

        return sum / window;
    }

    private void Clip(IReadOnlyList<Parameter<float>> parameters)
    {
        if (Options.MaxGradNorm > 0)
        {
            GradientClipping.ClipGlobalNorm(parameters, Options.MaxGradNorm);
        }
    }

    private void Values(float[] observations, float[] values, int n)
    {
        int d = _observationSize;
        for (int start = 0; start < n; start += EvaluationBatch)
        {
            int batch = Math.Min(EvaluationBatch, n - start);
            Policy.ForwardValues(observations.AsSpan(start * d, batch * d), values.AsSpan(start, batch), batch);
        }
    }

    private void Chronological(int n)
    {
        int d = _observationSize, a = _actionSize;
        int oldest = _count < _capacity ? 0 : _head;
        for (int k = 0; k < n; k++)
        {
            int slot = (oldest + k) % _capacity;
            _observations.AsSpan(slot * d, d).CopyTo(_chronObservations.AsSpan(k * d, d));
            _nextObservations.AsSpan(slot * d, d).CopyTo(_chronNextObservations.AsSpan(k * d, d));
            _actions.AsSpan(slot * a, a).CopyTo(_chronActions.AsSpan(k * a, a));
            _chronRewards[k] = _rewards[slot];
            _chronTerminated[k] = _terminated[slot] ? 1f : 0f;
            // Gae's "truncated" input only cuts the recursion (δ still bootstraps unless terminated).
            _chronCut[k] = (_done[slot] && !_terminated[slot]) || k == n - 1 ? 1f : 0f;
        }

        NormalizeObservations(_chronObservations.AsSpan(0, n * d), _chronObservations.AsSpan(0, n * d));
        NormalizeObservations(_chronNextObservations.AsSpan(0, n * d), _chronNextObservations.AsSpan(0, n * d));
    }

    /// <summary>What the networks see: raw observations, or normalised ones when the options ask for it (in place allowed).</summary>
    private void NormalizeObservations(ReadOnlySpan<float> raw, Span<float> input)
    {
        if (_observationStatistics is null)
        {
            raw.CopyTo(input);
            return;
        }

        _observationStatistics.Normalize(raw, input, ObservationClip, ObservationEpsilon);
    }

    /// <summary>The space the networks take: the env's, or Box(±clip) of its size with normalisation.</summary>
    private static Space PolicyObservationSpace(Space observationSpace, AwrOptions options) =>
        options.NormalizerSamples > 0 ? new Box(-(float)ObservationClip, (float)ObservationClip, observationSpace.FlatSize) : observationSpace;

    private static void Standardize(Span<float> values)
    {
        double mean = 0, square = 0;
        foreach (float v in values)
        {
            mean += v;
        }

        mean /= values.Length;
        foreach (float v in values)
        {
            square += (v - mean) * (v - mean);
        }

        double std = Math.Sqrt(square / values.Length) + 1e-8;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((values[i] - mean) / std);
        }
    }
}
