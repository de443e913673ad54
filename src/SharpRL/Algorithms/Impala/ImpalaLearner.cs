namespace SharpRL.Algorithms.Impala;

/// <summary>
/// The IMPALA learner (Espeholt et al. 2018): takes batches of fixed-length chunks from an
/// <see cref="ITrajectorySource"/>, whose actors may have acted with older weights than the learner's,
/// corrects for that lag with V-trace targets and importance-weighted policy gradients, takes one
/// gradient step per batch on <see cref="ImpalaLoss"/> and publishes the new weights to the actors.
/// The policy is the library's <see cref="ActorCriticPolicy"/> (separate π and V networks); the loss terms
/// are the shared <see cref="Losses"/>. A steady-state update allocates nothing.
/// </summary>
public sealed partial class ImpalaLearner
{

    private readonly ITrajectorySource _source;
    private readonly IOptimizer<float> _optimizer;
    private readonly ParameterVector<float> _parameterVector;
    private readonly float[] _publishBuffer;
    private readonly RolloutBuffer _rollout;
    private readonly Minibatch _batch;
    private readonly LossTerms _terms;
    private readonly List<TrajectoryChunk> _chunks;
    private readonly int _observationSize;
    private readonly float[] _behaviourLogProbs;
    private readonly bool[] _terminated;
    private readonly bool[] _truncated;
    private readonly bool[] _episodeEnds;
    private readonly int[] _bootstrapRow;
    private readonly float[] _bootstrapObservations;
    private readonly float[] _bootstrapValues;
    private readonly float[] _logRatios;
    private readonly float[] _nextValues;
    private readonly float[] _vs;
    private readonly float[] _advantages;
    private readonly EpisodeWindow _recentEpisodes = new();
    private readonly Stopwatch _waitTime = new();
    private readonly Stopwatch _updateTime = new();
    private readonly Stopwatch _loggingTime = new();
    private int _bootstrapRows;
    private double _lagMean;
    private long _lagMax;

    /// <summary>Creates the policy, optimiser and batch buffers, and publishes the initial weights (version 0) to <paramref name="source"/>.</summary>
    /// <param name="source">Where the chunks come from (the caller owns and disposes it).</param>
    /// <param name="observationSpace">The env's observation space.</param>
    /// <param name="actionSpace">The env's action space.</param>
    /// <param name="options">Settings (validated here).</param>
    /// <param name="seed">Seeds the network initialisation.</param>
    /// <param name="logger">Receives the metrics of every update.</param>
    public ImpalaLearner(ITrajectorySource source, Space observationSpace, Space actionSpace, ImpalaOptions options, int seed = 0, MetricsLogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(observationSpace);
        ArgumentNullException.ThrowIfNull(actionSpace);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _source = source;
        Options = options;
        Seed = seed;
        Logger = logger ?? new MetricsLogger();
        Policy = new ActorCriticPolicy(observationSpace, actionSpace, options.Policy, new SerializableRandom(seed));
        double learningRate = options.LearningRate.ValueAt(1);
        _optimizer = options.Optimizer == ImpalaOptimizer.RmsProp
            ? new RmsProp<float>(Policy.Parameters, learningRate, options.RmsPropAlpha, options.RmsPropEpsilon)
            : new Adam<float>(Policy.Parameters, learningRate, epsilon: options.AdamEpsilon);
        _parameterVector = new ParameterVector<float>(Policy.Parameters);
        _publishBuffer = new float[_parameterVector.Count];

        int m = options.StepsPerUpdate;
        _observationSize = observationSpace.FlatSize;
        _rollout = new RolloutBuffer(m, 1, _observationSize, Policy.ActionSize, Policy.Distribution.ParameterSize);
        _batch = new Minibatch(_rollout, m);
        _terms = new LossTerms(Policy, m);
        _chunks = new List<TrajectoryChunk>(options.BatchSize);
        (_behaviourLogProbs, _logRatios, _nextValues) = (new float[m], new float[m], new float[m]);
        (_vs, _advantages) = (new float[m], new float[m]);
        (_terminated, _truncated, _episodeEnds) = (new bool[m], new bool[m], new bool[m]);
        _bootstrapRow = new int[m];

        // One row per chunk for V(x_T), plus one per time-limit cut for V(final observation).
        _bootstrapObservations = new float[(options.BatchSize + m) * _observationSize];
        _bootstrapValues = new float[options.BatchSize + m];
        PublishWeights();
    }

    /// <summary>Settings.</summary>
    public ImpalaOptions Options { get; }

    /// <summary>Seed of the network initialisation.</summary>
    public int Seed { get; }

    /// <summary>The networks being trained.</summary>
    public ActorCriticPolicy Policy { get; }

    /// <summary>The optimiser (RMSprop or Adam) over policy and value parameters.</summary>
    public IOptimizer<float> Optimizer => _optimizer;

    /// <summary>Receives the metrics of every update.</summary>
    public MetricsLogger Logger { get; }

    /// <summary>The source the chunks come from.</summary>
    public ITrajectorySource Source => _source;

    /// <summary>Env steps trained on so far (batch_size × unroll_length per update; the actors may have taken more).</summary>
    public long NumTimesteps { get; private set; }

    /// <summary>Updates so far: the version of the weights last published.</summary>
    public long NumUpdates { get; private set; }

    /// <summary>Mean return of the last 100 episodes the learner has seen (NaN before the first).</summary>
    public double RecentMeanReturn => _recentEpisodes.MeanReturn;

    /// <summary>Mean length of the last 100 episodes the learner has seen (NaN before the first).</summary>
    public double RecentMeanLength => _recentEpisodes.MeanLength;

    /// <summary>Mean policy lag (learner version − chunk version) of the latest batch.</summary>
    public double LastPolicyLagMean => _lagMean;

    /// <summary>Largest policy lag of the latest batch.</summary>
    public long LastPolicyLagMax => _lagMax;

    /// <summary>V-trace targets v_s of the latest update, chunk-major ([chunk × T]).</summary>
    internal ReadOnlySpan<float> Targets => _vs;

    /// <summary>Policy-gradient advantages ρ_s (r_s + γ v_{s+1} − V(x_s)) of the latest update, chunk-major.</summary>
    internal ReadOnlySpan<float> PolicyGradientAdvantages => _advantages;

    /// <summary>Trains until <see cref="NumTimesteps"/> reaches <paramref name="totalTimesteps"/> (counting earlier calls).</summary>
    /// <param name="totalTimesteps">Total env-step budget of the run.</param>
    /// <param name="afterIteration">Called after each update (checkpoints, evaluation, progress).</param>
    /// <param name="cancellationToken">Checked before each update; once cancelled, returns false between updates.</param>
    /// <returns>True when the budget was reached; false when cancelled.</returns>
    public bool Learn(long totalTimesteps, Action<ILearner>? afterIteration = null, CancellationToken cancellationToken = default)
    {
        var budget = new LearnBudget(totalTimesteps, NumTimesteps);
        while (budget.Continues(NumTimesteps, cancellationToken))
        {
            // Not cancellable inside: chunks already taken from the source would be lost.
            _waitTime.Start();
            ReceiveBatch();
            _waitTime.Stop();

            _updateTime.Start();
            Stats stats = Update(budget.ProgressRemaining(NumTimesteps));
            NumTimesteps += Options.StepsPerUpdate;
            PublishWeights();
            _updateTime.Stop();

            _loggingTime.Start();
            _recentEpisodes.RecordMeans(Logger);
            Logger.Record(MetricKeys.PolicyGradientLoss, stats.Loss.PolicyLoss);
            Logger.Record(MetricKeys.ValueLoss, stats.Loss.ValueLoss);
            Logger.Record(MetricKeys.EntropyLoss, stats.Loss.EntropyLoss);
            Logger.Record(MetricKeys.Loss, stats.Loss.Loss);
            Logger.Record(MetricKeys.ExplainedVariance, stats.ExplainedVariance);
            Logger.Record(MetricKeys.LearningRate, stats.LearningRate);
            Logger.Record(MetricKeys.NUpdates, NumUpdates);
            Logger.Record(ImpalaMetricKeys.PolicyLagMean, _lagMean);
            Logger.Record(ImpalaMetricKeys.PolicyLagMax, _lagMax);
            Logger.Record(ImpalaMetricKeys.RhoMean, stats.RhoMean);
            Logger.Record(ImpalaMetricKeys.RhoClipFraction, stats.RhoClipFraction);
            if (Policy.LogStd is { } logStd)
            {
                Logger.Record(MetricKeys.Std, TrainingDiagnostics.MeanStd(logStd.Value));
            }

            budget.RecordTime(Logger, NumUpdates, NumTimesteps);
            Logger.Dump(NumTimesteps);
            _loggingTime.Stop();

            afterIteration?.Invoke(this);
        }

        return NumTimesteps >= totalTimesteps;
    }

    /// <summary>
    /// One IMPALA update on the staged batch: V-trace targets under the current θ, then one gradient step on
    /// L = −mean ρ_s A_s ln π(a_s|x_s) + c_v mean ½ (v_s − V(x_s))² − c_e mean H (see <see cref="ImpalaLoss"/>).
    /// </summary>
    internal Stats Update(double progressRemaining)
    {
        ImpalaOptions o = Options;
        double learningRate = o.LearningRate.ValueAt(progressRemaining);
        _optimizer.LearningRate = learningRate;
        ImpalaLossResult loss = ComputeGradients(out int clipped, out double rhoSum);
        if (o.MaxGradNorm > 0)
        {
            GradientClipping.ClipGlobalNorm(Policy.Parameters, o.MaxGradNorm);
        }

        _optimizer.Step();
        NumUpdates++;
        int m = o.StepsPerUpdate;
        return new Stats(loss, TrainingDiagnostics.ExplainedVariance(_terms.Value, _vs), learningRate, rhoSum / m, (double)clipped / m);
    }

    /// <summary>Zeroes every gradient and accumulates ∇L of the staged batch, its V-trace targets computed under the current θ and then held fixed.</summary>
    /// <param name="clipped">Receives how many importance weights ρ̄ clipped.</param>
    /// <param name="rhoSum">Receives Σ π/μ over the batch.</param>
    internal ImpalaLossResult ComputeGradients(out int clipped, out double rhoSum)
    {
        ImpalaOptions o = Options;
        _optimizer.ZeroGradient();
        ReadOnlySpan<float> parameters = ComputeTargets(out clipped, out rhoSum);

        // ∂L/∂ ln π_s = −A_s/m, ∂L/∂H_s = −c_e/m, ∂L/∂V_s = c_v (V_s − v_s)/m, then through the networks.
        ImpalaLossResult loss = ImpalaLoss.Compute(
            _terms.LogProb, _terms.Entropy, _terms.Value, _advantages, _vs, (float)o.VfCoef, (float)o.EntCoef,
            _terms.GradLogProb, _terms.GradEntropy, _terms.GradValue);
        _terms.BackwardPolicy(_batch, parameters, withKl: false, withEntropy: o.EntCoef > 0);
        _terms.BackwardValues();
        return loss;
    }

    /// <summary>The loss of the staged batch under the current θ with the targets of the last <see cref="ComputeTargets"/> held fixed (for gradient checks).</summary>
    internal double LossWithFixedTargets()
    {
        _terms.ForwardPolicy(_batch);
        _terms.ForwardValues(_batch);
        return ImpalaLoss.Compute(
            _terms.LogProb, _terms.Entropy, _terms.Value, _advantages, _vs, (float)Options.VfCoef, (float)Options.EntCoef,
            _terms.GradLogProb, _terms.GradEntropy, _terms.GradValue).Loss;
    }

    /// <summary>
    /// Runs π and V over the staged batch (caching what the backward passes need) and V over the bootstrap
    /// observations, then V-trace per chunk into <see cref="Targets"/> and <see cref="PolicyGradientAdvantages"/>.
    /// Returns π_θ's distribution parameters for the backward pass.
    /// </summary>
    /// <param name="clipped">Receives how many importance weights ρ̄ clipped.</param>
    /// <param name="rhoSum">Receives Σ π/μ over the batch.</param>
    internal ReadOnlySpan<float> ComputeTargets(out int clipped, out double rhoSum)
    {
        ImpalaOptions o = Options;
        int length = o.UnrollLength;
        _batch.GatherAll(_rollout, normalizeAdvantage: false);

        // ln π(a_s|x_s) and H under the learner's θ (π), to weigh against the actors' ln μ(a_s|x_s).
        ReadOnlySpan<float> parameters = _terms.ForwardPolicy(_batch);

        // V(x_T) of each chunk and V(final observation) of each time-limit cut, before the batch's own pass,
        // whose cache the backward pass needs.
        Policy.ForwardValues(_bootstrapObservations.AsSpan(0, _bootstrapRows * _observationSize), _bootstrapValues, _bootstrapRows);
        ReadOnlySpan<float> values = _terms.ForwardValues(_batch);
        ReadOnlySpan<float> logProb = _terms.LogProb;
        var settings = new VTraceSettings(o.Gamma, o.RhoBar, o.CBar, o.VtraceLambda);
        clipped = 0;
        rhoSum = 0;
        for (int b = 0; b < o.BatchSize; b++)
        {
            int row = b * length;
            for (int t = 0; t < length; t++)
            {
                int i = row + t;
                _logRatios[i] = logProb[i] - _behaviourLogProbs[i];
                rhoSum += Math.Exp(_logRatios[i]);

                // V of step t's successor: nothing after a terminal state, V(final observation) after a
                // time-limit cut (not terminal: bootstrap), else V(x_{t+1}), for the last step the chunk's x_T.
                _nextValues[i] = _terminated[i] ? 0f
                    : _bootstrapRow[i] >= 0 ? _bootstrapValues[_bootstrapRow[i]]
                    : t + 1 < length ? values[i + 1] : _bootstrapValues[b];
            }

            clipped += VTrace.Compute<float>(
                _logRatios.AsSpan(row, length), _rollout.Rewards.AsSpan(row, length), values.Slice(row, length), _nextValues.AsSpan(row, length),
                _episodeEnds.AsSpan(row, length), settings, _vs.AsSpan(row, length), _advantages.AsSpan(row, length));
        }

        return parameters;
    }

    /// <summary>Takes batch_size chunks from the source and stages them chunk-major in the batch buffers.</summary>
    internal void ReceiveBatch()
    {
        _chunks.Clear();
        int batchSize = Options.BatchSize;
        while (_chunks.Count < batchSize)
        {
            IReadOnlyList<TrajectoryChunk> received = _source.Receive(batchSize - _chunks.Count, CancellationToken.None);
            for (int i = 0; i < received.Count && _chunks.Count < batchSize; i++)
            {
                _chunks.Add(received[i]);
            }
        }

        StageBatch(_chunks);
    }

    /// <summary>Copies <paramref name="chunks"/> (batch_size of them, validated here) into the batch buffers and records their lag and episodes.</summary>
    internal void StageBatch(IReadOnlyList<TrajectoryChunk> chunks)
    {
        ImpalaOptions o = Options;
        int length = o.UnrollLength, size = _observationSize, actionSize = Policy.ActionSize;
        if (chunks.Count != o.BatchSize)
        {
            throw new ArgumentException($"A batch has {chunks.Count} chunks; expected batch_size = {o.BatchSize}.", nameof(chunks));
        }

        _bootstrapRows = o.BatchSize;
        long lagSum = 0;
        _lagMax = 0;
        for (int b = 0; b < chunks.Count; b++)
        {
            TrajectoryChunk chunk = chunks[b];
            chunk.Validate(length, size, actionSize);
            int row = b * length;
            chunk.Observations.AsSpan(0, length * size).CopyTo(_rollout.Observations.AsSpan(row * size, length * size));
            chunk.Actions.CopyTo(_rollout.Actions.AsSpan(row * actionSize, length * actionSize));
            for (int t = 0; t < length; t++)
            {
                _rollout.Rewards[row + t] = (float)(chunk.Rewards[t] * o.RewardScale);
            }

            chunk.BehaviourLogProbs.CopyTo(_behaviourLogProbs.AsSpan(row, length));
            chunk.Terminated.CopyTo(_terminated.AsSpan(row, length));
            chunk.Truncated.CopyTo(_truncated.AsSpan(row, length));

            // Bootstrap rows: x_T of chunk b at row b; the final observation of each time-limit cut after the chunks.
            chunk.Observations.AsSpan(length * size, size).CopyTo(_bootstrapObservations.AsSpan(b * size, size));
            int cut = 0;
            for (int t = 0; t < length; t++)
            {
                _episodeEnds[row + t] = chunk.Terminated[t] || chunk.Truncated[t];
                _bootstrapRow[row + t] = -1;
                if (chunk.Truncated[t] && !chunk.Terminated[t])
                {
                    chunk.FinalObservations.AsSpan(cut * size, size).CopyTo(_bootstrapObservations.AsSpan(_bootstrapRows * size, size));
                    _bootstrapRow[row + t] = _bootstrapRows++;
                    cut++;
                }
            }

            // Policy lag: how many updates old the weights that chose these actions are.
            long lag = NumUpdates - chunk.PolicyVersion;
            lagSum += lag;
            _lagMax = Math.Max(_lagMax, lag);
            for (int e = 0; e < chunk.EpisodeReturns.Length; e++)
            {
                _recentEpisodes.Add(new EpisodeStatistics(chunk.SourceId, chunk.EpisodeReturns[e], chunk.EpisodeLengths[e]));
            }
        }

        _lagMean = (double)lagSum / chunks.Count;
    }

    /// <summary>Publishes the current weights with version <see cref="NumUpdates"/>.</summary>
    private void PublishWeights()
    {
        _parameterVector.CopyValuesTo(_publishBuffer);
        _source.PublishWeights(_publishBuffer, NumUpdates);
    }

    /// <summary>Diagnostics of one update.</summary>
    internal readonly record struct Stats(ImpalaLossResult Loss, double ExplainedVariance, double LearningRate, double RhoMean, double RhoClipFraction);
}

/// <summary>Metric names the IMPALA learner adds to the shared <see cref="MetricKeys"/>.</summary>
public static class ImpalaMetricKeys
{
    /// <summary>Mean policy lag of the batch: learner version − version of the weights that made each chunk.</summary>
    public const string PolicyLagMean = "train/policy_lag_mean";

    /// <summary>Largest policy lag in the batch.</summary>
    public const string PolicyLagMax = "train/policy_lag_max";

    /// <summary>Mean importance weight π/μ (unclipped) over the batch.</summary>
    public const string RhoMean = "train/rho_mean";

    /// <summary>Share of the batch's importance weights that ρ̄ clipped.</summary>
    public const string RhoClipFraction = "train/rho_clip_fraction";
}
