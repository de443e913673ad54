using System.Diagnostics;
using System.Text.Json.Nodes;
using SharpRL.Distributions;
using SharpRL.Envs;
using SharpRL.Logging;
using SharpRL.Nn;
using SharpRL.Policies;
using SharpRL.Rng;

namespace SharpRL.Algorithms.Common;

/// <summary>
/// The loop every on-policy method shares (SB3's OnPolicyAlgorithm): collect a fixed-length
/// rollout from a vector env with the current policy, compute GAE advantages, let the algorithm
/// update (<see cref="Train"/>, the only part that differs), log, repeat.
/// </summary>
public abstract partial class OnPolicyAlgorithm : IDisposable
{
    private const int EpisodeWindow = 100;

    private readonly float[] _observations;
    private readonly float[] _nextObservations;
    private readonly float[] _actions;
    private readonly float[] _envActions;
    private readonly float[] _values;
    private readonly float[] _logProbs;
    private readonly float[] _distributionParameters;
    private readonly double[] _rewards;
    private readonly bool[] _terminated;
    private readonly bool[] _truncated;
    private readonly bool[] _actionMasks;
    private readonly IVectorActionMaskEnv? _maskEnv;
    private readonly float[] _finalValue = new float[1];
    private readonly Queue<EpisodeStatistics> _recentEpisodes = new(EpisodeWindow);
    private readonly Stopwatch _rolloutTime = new();
    private readonly Stopwatch _advantageTime = new();
    private readonly Stopwatch _trainTime = new();
    private readonly Stopwatch _loggingTime = new();
    private bool _needsReset = true;

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

            _maskEnv = maskEnv;
        }

        Buffer = new RolloutBuffer(options.NumSteps, n, observationSize, Policy.ActionSize, Policy.Distribution.ParameterSize, maskSize);
        _actionMasks = new bool[n * maskSize];
        _observations = new float[n * observationSize];
        _nextObservations = new float[n * observationSize];
        _actions = new float[n * Policy.ActionSize];
        _envActions = new float[n * env.SingleActionSpace.FlatSize];
        _values = new float[n];
        _logProbs = new float[n];
        _distributionParameters = new float[n * Policy.Distribution.ParameterSize];
        _rewards = new double[n];
        _terminated = new bool[n];
        _truncated = new bool[n];
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
    public bool UsesActionMasks => _maskEnv is not null;

    /// <summary>The latest rollout.</summary>
    public RolloutBuffer Buffer { get; }

    /// <summary>Receives the metrics of every iteration.</summary>
    public MetricsLogger Logger { get; }

    /// <summary>The generator for sampling and shuffling (its state goes into checkpoints).</summary>
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
    public double RecentMeanReturn => MeanOfRecent(length: false);

    /// <summary>Mean length of the last 100 finished episodes (NaN before the first).</summary>
    public double RecentMeanLength => MeanOfRecent(length: true);

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
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalTimesteps);
        long started = Stopwatch.GetTimestamp();
        long startTimesteps = NumTimesteps;
        while (NumTimesteps < totalTimesteps)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            _rolloutTime.Start();
            CollectRollout();
            _rolloutTime.Stop();

            _advantageTime.Start();
            Buffer.ComputeAdvantages((float)Options.Gamma, (float)Options.GaeLambda);
            _advantageTime.Stop();

            // SB3's "progress remaining": 1 at the start, 0 when the budget is spent; schedules read it.
            double progressRemaining = 1.0 - ((double)NumTimesteps / totalTimesteps);
            _trainTime.Start();
            Train(progressRemaining);
            _trainTime.Stop();
            Iterations++;

            _loggingTime.Start();
            double elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            Logger.Record(MetricKeys.EpisodeRewardMean, RecentMeanReturn);
            Logger.Record(MetricKeys.EpisodeLengthMean, RecentMeanLength);
            Logger.Record(MetricKeys.Fps, elapsed > 0 ? Math.Floor((NumTimesteps - startTimesteps) / elapsed) : 0);
            Logger.Record(MetricKeys.Iterations, Iterations);
            Logger.Record(MetricKeys.TimeElapsed, elapsed);
            Logger.Record(MetricKeys.TotalTimesteps, NumTimesteps);
            Logger.Dump(NumTimesteps);
            _loggingTime.Stop();

            afterIteration?.Invoke(this);
        }

        return true;
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

    /// <summary>The observations the next rollout starts from (checkpointed for an exact resume).</summary>
    internal float[] CurrentObservations => _observations;

    /// <summary>Whether the next rollout must reset the env first.</summary>
    internal bool NeedsReset
    {
        get => _needsReset;
        set => _needsReset = value;
    }

    /// <summary>The window of recent episodes behind rollout/ep_rew_mean.</summary>
    internal Queue<EpisodeStatistics> RecentEpisodes => _recentEpisodes;

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
            double sum = 0;
            foreach (float v in logStd.Value)
            {
                sum += Math.Exp(v);
            }

            Logger.Record(MetricKeys.Std, sum / logStd.Value.Length);
        }
    }

    /// <summary>Explained variance 1 − Var(R − V) / Var(R) of the rollout's value predictions.</summary>
    protected double ExplainedVariance()
    {
        ReadOnlySpan<float> returns = Buffer.Returns;
        ReadOnlySpan<float> values = Buffer.Values;
        double meanReturn = 0, meanResidual = 0;
        for (int i = 0; i < returns.Length; i++)
        {
            meanReturn += returns[i];
            meanResidual += returns[i] - values[i];
        }

        meanReturn /= returns.Length;
        meanResidual /= returns.Length;
        double varReturn = 0, varResidual = 0;
        for (int i = 0; i < returns.Length; i++)
        {
            double r = returns[i] - meanReturn;
            double e = returns[i] - values[i] - meanResidual;
            varReturn += r * r;
            varResidual += e * e;
        }

        return varReturn == 0 ? double.NaN : 1.0 - (varResidual / varReturn);
    }

    private double MeanOfRecent(bool length)
    {
        if (_recentEpisodes.Count == 0)
        {
            return double.NaN;
        }

        double sum = 0;
        foreach (EpisodeStatistics episode in _recentEpisodes)
        {
            sum += length ? episode.Length : episode.Return;
        }

        return sum / _recentEpisodes.Count;
    }

    /// <summary>Reads every copy's current action mask and rejects one that allows nothing, naming the copy and the step.</summary>
    private void ReadActionMasks()
    {
        _maskEnv!.GetActionMasks(_actionMasks);
        int size = Policy.ActionMaskSize;
        for (int i = 0; i < Env.NumEnvs; i++)
        {
            try
            {
                ActionMasking.Check(_actionMasks.AsSpan(i * size, size), 1, Policy.ActionMaskComponents);
            }
            catch (ArgumentException error)
            {
                throw new InvalidOperationException(
                    $"Env copy {i} supplied an invalid action mask for the observation it returned after {NumTimesteps} env steps in all (step {NumTimesteps / Env.NumEnvs} of that copy): {error.Message}",
                    error);
            }
        }
    }

    /// <summary>Fills <see cref="Buffer"/> with NumSteps steps of every env copy under the current policy.</summary>
    internal void CollectRollout()
    {
        int n = Env.NumEnvs;
        int observationSize = Buffer.ObservationSize;
        int actionSize = Policy.ActionSize;
        int parameterSize = Policy.Distribution.ParameterSize;
        if (_needsReset)
        {
            Env.Reset(_observations, Seed);
            _needsReset = false;
        }

        for (int t = 0; t < Buffer.Steps; t++)
        {
            int row = t * n;
            if (_maskEnv is not null)
            {
                ReadActionMasks();
                _actionMasks.CopyTo(Buffer.ActionMasks.AsSpan(row * Buffer.ActionMaskSize, _actionMasks.Length));
            }

            Policy.Act(_observations, _actionMasks, n, Random, deterministic: false, _actions, _values, _logProbs, _distributionParameters);
            _observations.CopyTo(Buffer.Observations.AsSpan(row * observationSize, n * observationSize));
            _actions.CopyTo(Buffer.Actions.AsSpan(row * actionSize, n * actionSize));
            _distributionParameters.CopyTo(Buffer.OldDistributionParameters.AsSpan(row * parameterSize, n * parameterSize));
            _values.CopyTo(Buffer.Values.AsSpan(row, n));
            _logProbs.CopyTo(Buffer.LogProbs.AsSpan(row, n));

            Policy.ToEnvActions(_actions, _envActions, n);
            Env.Step(_envActions, _nextObservations, _rewards, _terminated, _truncated);
            NumTimesteps += n;

            ReadOnlySpan<float> finalObservations = Env.FinalObservations;
            for (int i = 0; i < n; i++)
            {
                int index = row + i;
                Buffer.Rewards[index] = (float)_rewards[i];
                Buffer.Terminated[index] = _terminated[i] ? 1f : 0f;
                Buffer.Truncated[index] = _truncated[i] ? 1f : 0f;

                // Bootstrap the time-limit cut: V(final observation), not 0 — the state was not terminal.
                Buffer.NextValues[index] = 0f;
                if (_truncated[i] && !_terminated[i])
                {
                    Policy.ForwardValues(finalObservations.Slice(i * observationSize, observationSize), _finalValue, 1);
                    Buffer.NextValues[index] = _finalValue[0];
                }
            }

            // Indexed: enumerating the IReadOnlyList interface would allocate an enumerator every step.
            IReadOnlyList<EpisodeStatistics> completed = Env.CompletedEpisodes;
            for (int e = 0; e < completed.Count; e++)
            {
                EpisodeStatistics episode = completed[e];
                if (_recentEpisodes.Count == EpisodeWindow)
                {
                    _recentEpisodes.Dequeue();
                }

                _recentEpisodes.Enqueue(episode);
            }

            _nextObservations.CopyTo(_observations, 0);
        }

        // V(s_{t+1}) of a step that did not end an episode is the value stored for step t + 1,
        // or for the last step, V of the observation the next rollout starts from.
        Policy.ForwardValues(_observations, _values, n);
        for (int t = 0; t < Buffer.Steps; t++)
        {
            for (int i = 0; i < n; i++)
            {
                int index = (t * n) + i;
                if (Buffer.Terminated[index] == 0f && Buffer.Truncated[index] == 0f)
                {
                    Buffer.NextValues[index] = t + 1 < Buffer.Steps ? Buffer.Values[index + n] : _values[i];
                }
            }
        }
    }
}

/// <summary>Cumulative wall time per phase of training.</summary>
/// <param name="Rollout">Acting and env stepping.</param>
/// <param name="Advantages">GAE.</param>
/// <param name="Update">The algorithm's Train.</param>
/// <param name="Logging">Metric bookkeeping and sinks.</param>
public readonly record struct TimeBreakdown(TimeSpan Rollout, TimeSpan Advantages, TimeSpan Update, TimeSpan Logging);
