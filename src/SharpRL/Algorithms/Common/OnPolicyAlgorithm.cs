using SharpRL.Distributions;

namespace SharpRL.Algorithms.Common;

/// <summary>
/// The loop every on-policy method shares (SB3's OnPolicyAlgorithm): collect a fixed-length
/// rollout from a vector env with the current policy, compute GAE advantages, let the algorithm
/// update (<see cref="Train"/>, the only part that differs), log, repeat.
/// </summary>
public abstract partial class OnPolicyAlgorithm : IDisposable
{

    private readonly RolloutCollector _collector;
    private readonly Action<EpisodeStatistics> _recordEpisode;
    private readonly EpisodeWindow _recentEpisodes = new();
    private readonly Stopwatch _rolloutTime = new();
    private readonly Stopwatch _advantageTime = new();
    private readonly Stopwatch _trainTime = new();
    private readonly Stopwatch _loggingTime = new();

    /// <summary>Creates the policy and buffers for <paramref name="env"/>.</summary>
    protected OnPolicyAlgorithm(IVectorEnv env, OnPolicyOptions options, int seed, MetricsLogger? logger)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (env.NumEnvs != options.NumEnvs)
        {
            throw new ArgumentException($"env has {env.NumEnvs} copies but the options say n_envs = {options.NumEnvs}; they must agree.", nameof(env));
        }

        Env = env;
        Options = options;
        Seed = seed;
        Logger = logger ?? new MetricsLogger();
        Random = new SerializableRandom(seed);
        Policy = new ActorCriticPolicy(env.SingleObservationSpace, env.SingleActionSpace, options.Policy, Random);
        int n = env.NumEnvs;
        int observationSize = env.SingleObservationSpace.FlatSize;

        // Invalid-action masking when every copy supplies masks; otherwise nothing about the run changes.
        int maskSize = 0;
        if (env is IVectorActionMaskEnv { HasActionMasks: true } maskEnv)
        {
            maskSize = Policy.ActionMaskSize;
            if (maskSize == 0 || maskEnv.ActionMaskSize != maskSize)
            {
                throw new ArgumentException(
                    $"env supplies action masks of {maskEnv.ActionMaskSize} flags, but the policy for {env.SingleActionSpace} takes {(maskSize == 0 ? "none (continuous actions cannot be masked)" : $"{maskSize}")}.",
                    nameof(env));
            }
        }

        Buffer = new RolloutBuffer(options.NumSteps, n, observationSize, Policy.ActionSize, Policy.Distribution.ParameterSize, maskSize);
        _collector = new RolloutCollector(env, Policy, Buffer, seed);
        _recordEpisode = RecordEpisode;
    }

    /// <summary>The vector env the agent learns in.</summary>
    public IVectorEnv Env { get; }

    /// <summary>Settings.</summary>
    public OnPolicyOptions Options { get; }

    /// <summary>Seed of the run: network init, action sampling, shuffling and env resets derive from it.</summary>
    public int Seed { get; }

    /// <summary>The policy and value networks being trained.</summary>
    public ActorCriticPolicy Policy { get; }

    /// <summary>Whether every env copy supplies action masks, so the policy is trained (and acts) under them.</summary>
    public bool UsesActionMasks => Buffer.ActionMaskSize > 0;

    /// <summary>The latest rollout.</summary>
    public RolloutBuffer Buffer { get; }

    /// <summary>Receives the metrics of every iteration.</summary>
    public MetricsLogger Logger { get; }

    /// <summary>
    /// The generator for network initialisation and minibatch shuffling (its state goes into checkpoints).
    /// Actions are sampled from per-copy generators instead (<see cref="Collector"/>), so that a rollout does
    /// not depend on how the copies are split between processes.
    /// </summary>
    public SerializableRandom Random { get; }

    /// <summary>Env steps taken so far, summed over copies.</summary>
    public long NumTimesteps { get; protected set; }

    /// <summary>Completed collect → update iterations.</summary>
    public int Iterations { get; protected set; }

    /// <summary>Updates applied to the networks so far (gradient steps or natural-gradient steps).</summary>
    public long NumUpdates { get; protected set; }

    /// <summary>Where the time went: rollout collection, advantage computation, update, logging.</summary>
    public TimeBreakdown Timing => new(_rolloutTime.Elapsed, _advantageTime.Elapsed, _trainTime.Elapsed, _loggingTime.Elapsed);

    /// <summary>Mean return of the last 100 finished episodes (NaN before the first).</summary>
    public double RecentMeanReturn => _recentEpisodes.MeanReturn;

    /// <summary>Mean length of the last 100 finished episodes (NaN before the first).</summary>
    public double RecentMeanLength => _recentEpisodes.MeanLength;

    /// <summary>
    /// Trains until <paramref name="totalTimesteps"/> env steps have been taken in all (counting the
    /// steps of earlier calls, so a resumed run continues where it stopped).
    /// </summary>
    /// <param name="totalTimesteps">Total env-step budget of the run.</param>
    /// <param name="afterIteration">Called after each iteration (progress bars, checkpoints).</param>
    /// <param name="cancellationToken">
    /// Checked before each iteration: once cancelled, Learn returns between iterations (never inside
    /// one), so the agent's state is consistent and can be checkpointed, and a later Learn with the
    /// same budget continues exactly where this one stopped (Ctrl+C in the CLI).
    /// </param>
    /// <returns>True when the budget was reached; false when stopped by <paramref name="cancellationToken"/>.</returns>
    public bool Learn(long totalTimesteps, Action<OnPolicyAlgorithm>? afterIteration = null, CancellationToken cancellationToken = default)
    {
        var budget = new LearnBudget(totalTimesteps, NumTimesteps);
        while (budget.Continues(NumTimesteps, cancellationToken))
        {
            _rolloutTime.Start();
            CollectRollout();
            _rolloutTime.Stop();

            _advantageTime.Start();
            Buffer.ComputeAdvantages((float)Options.Gamma, (float)Options.GaeLambda);
            _advantageTime.Stop();

            _trainTime.Start();
            Train(budget.ProgressRemaining(NumTimesteps));
            _trainTime.Stop();
            Iterations++;

            _loggingTime.Start();
            _recentEpisodes.RecordMeans(Logger);
            budget.RecordTime(Logger, Iterations, NumTimesteps);
            Logger.Dump(NumTimesteps);
            _loggingTime.Stop();

            afterIteration?.Invoke(this);
        }

        return NumTimesteps >= totalTimesteps;
    }

    /// <summary>
    /// The optimizers whose state a checkpoint must keep, by a stable name: every optimizer the
    /// algorithm steps (the critic's too), or a resumed run will not continue exactly.
    /// </summary>
    protected internal virtual IReadOnlyList<KeyValuePair<string, IOptimizer<float>>> Optimizers => [];

    /// <summary>Algorithm state beyond weights and optimizers that a resumed run needs (e.g. PPO-KL's β).</summary>
    protected internal virtual JsonObject SaveAlgorithmState() => [];

    /// <summary>Restores what <see cref="SaveAlgorithmState"/> wrote.</summary>
    protected internal virtual void LoadAlgorithmState(JsonObject state)
    {
    }

    /// <summary>The acting half of the loop: steps the env and fills <see cref="Buffer"/>.</summary>
    public RolloutCollector Collector => _collector;

    /// <summary>
    /// Where rollouts come from instead of <see cref="Collector"/> (null, the default: the local env). A
    /// distributed run sets it to a source whose workers collect the copies' rows remotely.
    /// </summary>
    public IRolloutSource? RolloutSource { get; set; }

    /// <summary>The observations the next rollout starts from (checkpointed for an exact resume).</summary>
    internal float[] CurrentObservations => _collector.CurrentObservations;

    /// <summary>Whether the next rollout must reset the env first.</summary>
    internal bool NeedsReset
    {
        get => _collector.NeedsReset;
        set => _collector.NeedsReset = value;
    }

    /// <summary>The window of recent episodes behind rollout/ep_rew_mean.</summary>
    internal EpisodeWindow RecentEpisodes => _recentEpisodes;

    /// <summary>Restores the counters of a checkpoint.</summary>
    internal void RestoreCounters(long timesteps, int iterations, long updates)
    {
        NumTimesteps = timesteps;
        Iterations = iterations;
        NumUpdates = updates;
    }

    /// <summary>Releases worker threads (the env is the caller's to dispose).</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what a derived algorithm holds.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>The algorithm's update on the filled <see cref="Buffer"/>.</summary>
    /// <param name="progressRemaining">1 − timesteps / total, for schedules.</param>
    protected abstract void Train(double progressRemaining);

    /// <summary>Records train/std, the mean σ of a Gaussian policy's log-std parameter (nothing for discrete actions).</summary>
    protected void RecordPolicyStd()
    {
        if (Policy.LogStd is { } logStd)
        {
            Logger.Record(MetricKeys.Std, TrainingDiagnostics.MeanStd(logStd.Value));
        }
    }

    /// <summary>Explained variance 1 − Var(R − V) / Var(R) of the rollout's value predictions.</summary>
    protected double ExplainedVariance() => TrainingDiagnostics.ExplainedVariance(Buffer.Values, Buffer.Returns);

    /// <summary>Fills <see cref="Buffer"/> with NumSteps steps of every env copy under the current policy.</summary>
    internal void CollectRollout()
    {
        if (RolloutSource is { } source)
        {
            source.Collect(this, _recordEpisode);
        }
        else
        {
            _collector.Collect(NumTimesteps, _recordEpisode);
        }

        NumTimesteps += (long)Env.NumEnvs * Buffer.Steps;
    }

    private void RecordEpisode(EpisodeStatistics episode) => _recentEpisodes.Add(episode);
}

/// <summary>Fills an on-policy algorithm's rollout from somewhere other than its local env (e.g. remote workers).</summary>
public interface IRolloutSource
{
    /// <summary>
    /// Fills <paramref name="agent"/>'s Buffer with one rollout of every env copy under the agent's current
    /// policy (its weights are this iteration's), and reports finished episodes to <paramref name="onEpisode"/>
    /// in step order and, within a step, in global copy order.
    /// </summary>
    void Collect(OnPolicyAlgorithm agent, Action<EpisodeStatistics> onEpisode);
}

/// <summary>Cumulative wall time per phase of training.</summary>
/// <param name="Rollout">Acting and env stepping.</param>
/// <param name="Advantages">GAE.</param>
/// <param name="Update">The algorithm's Train.</param>
/// <param name="Logging">Metric bookkeeping and sinks.</param>
public readonly record struct TimeBreakdown(TimeSpan Rollout, TimeSpan Advantages, TimeSpan Update, TimeSpan Logging);
