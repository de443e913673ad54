using SharpRL.Algorithms;

namespace SharpRL.Training;

/// <summary>
/// Evaluates the policy every <see cref="Frequency"/> steps on a fresh copy of the env (deterministic actions,
/// the same seeded episodes every time), appends the result to <c>evaluations.csv</c>, keeps the best policy as
/// the checkpoint <c>best_model</c> and optionally stops training once the mean return reaches a threshold:
/// Stable-Baselines3's EvalCallback with StopTrainingOnRewardThreshold.
/// </summary>
/// <remarks>
/// Evaluation uses its own env and generator, never the learner's, so a run with evaluation trains to
/// exactly the same weights as one without. Every evaluation replays the same seeded episodes, so results
/// at different steps differ only by the policy.
/// </remarks>
public sealed class EvaluationCallback : ITrainingCallback
{
    /// <summary>File of the evaluation results inside a run folder.</summary>
    public const string FileName = "evaluations.csv";

    /// <summary>Checkpoint name of the best policy so far.</summary>
    public const string BestModelName = "best_model";

    /// <summary>Metric key of the mean evaluation return.</summary>
    public const string MeanRewardKey = "eval/mean_reward";

    /// <summary>Metric key of the population std of the evaluation returns.</summary>
    public const string StdRewardKey = "eval/std_reward";

    /// <summary>Metric key of the mean evaluation episode length.</summary>
    public const string MeanLengthKey = "eval/mean_ep_length";

    // Evaluation episodes are seeded apart from training's resets (seed, seed + 1, …) so that they are unseen starts.
    private const int SeedOffset = 10_000;

    private CsvMetricsSink? _sink;
    private long _nextEvaluation = -1;

    /// <summary>Creates the callback.</summary>
    /// <param name="frequency">Evaluate whenever the step count crosses a multiple of this.</param>
    /// <param name="episodes">Episodes per evaluation.</param>
    /// <param name="stopAtReward">Stop training once the mean evaluation return reaches this (null: never).</param>
    public EvaluationCallback(long frequency, int episodes, double? stopAtReward)
    {
        if (frequency <= 0)
        {
            throw new ArgumentException($"--eval-freq = {frequency} is invalid; expected a positive number of steps.", nameof(frequency));
        }

        if (episodes <= 0)
        {
            throw new ArgumentException($"--eval-episodes = {episodes} is invalid; expected a positive number of episodes.", nameof(episodes));
        }

        if (stopAtReward is double threshold && !double.IsFinite(threshold))
        {
            throw new ArgumentException($"--stop-at-reward = {threshold} is invalid; expected a finite number.", nameof(stopAtReward));
        }

        Frequency = frequency;
        Episodes = episodes;
        StopAtReward = stopAtReward;
    }

    /// <inheritdoc />
    public string Name => "evaluation";

    /// <summary>Steps between evaluations.</summary>
    public long Frequency { get; }

    /// <summary>Episodes per evaluation.</summary>
    public int Episodes { get; }

    /// <summary>The mean return that stops training, or null.</summary>
    public double? StopAtReward { get; }

    /// <summary>Best mean evaluation return so far (−∞ before the first evaluation).</summary>
    public double BestMeanReturn { get; private set; } = double.NegativeInfinity;

    /// <summary>Step count of the best evaluation (−1 before the first).</summary>
    public long BestStep { get; private set; } = -1;

    /// <summary>The latest evaluation, or null.</summary>
    public EvaluationResult? Last { get; private set; }

    /// <inheritdoc />
    public string? AfterIteration(TrainingRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        long steps = run.Agent.NumTimesteps;
        if (_nextEvaluation < 0)
        {
            _nextEvaluation = NextMultiple(run.StartTimesteps);
        }

        if (steps < _nextEvaluation)
        {
            return null;
        }

        _nextEvaluation = NextMultiple(steps);
        IActingPolicy policy = run.Agent.CreateEvaluationPolicy();
        EvaluationResult result;
        using (IEnv env = run.MakeEnv())
        {
            result = Evaluation.Evaluate(policy, env, Episodes, deterministic: true, seed: run.Seed + SeedOffset);
        }

        Last = result;
        _sink ??= new CsvMetricsSink(Path.Combine(run.Directory, FileName), append: true);
        _sink.Write(steps, [new(MetricKeys.TotalTimesteps, steps), new(MeanRewardKey, result.Mean), new(StdRewardKey, result.Std), new(MeanLengthKey, result.Lengths.Average())]);
        _sink.Flush();
        if (result.Mean > BestMeanReturn)
        {
            BestMeanReturn = result.Mean;
            BestStep = steps;
            run.SaveCheckpoint(BestModelName);
        }

        return StopAtReward is double threshold && result.Mean >= threshold
            ? string.Create(CultureInfo.InvariantCulture, $"the mean evaluation return {result.Mean:F2} over {Episodes} episodes reached --stop-at-reward {threshold} at {steps:N0} steps")
            : null;
    }

    /// <inheritdoc />
    public JsonObject SaveState() => new()
    {
        ["best_mean_reward"] = double.IsFinite(BestMeanReturn) ? BestMeanReturn : null,
        ["best_step"] = BestStep,
    };

    /// <inheritdoc />
    public void LoadState(JsonObject state, string source)
    {
        ArgumentNullException.ThrowIfNull(state);
        JsonNode? best = state["best_mean_reward"];
        JsonNode? step = state["best_step"];
        BestMeanReturn = best is null ? double.NegativeInfinity
            : best is JsonValue b && b.TryGetValue(out double value) && double.IsFinite(value) ? value
            : throw new CheckpointException($"Checkpoint {source}: evaluation.best_mean_reward must be a finite number or null, but is {best.ToJsonString()}.");
        BestStep = step is JsonValue s && s.TryGetValue(out long stepValue) && stepValue >= -1 ? stepValue
            : throw new CheckpointException($"Checkpoint {source}: evaluation.best_step must be an integer ≥ -1, but is {step?.ToJsonString() ?? "missing"}.");
    }

    /// <summary>Drops evaluation rows logged after <paramref name="timesteps"/> (a resumed run logs them again) and closes the file.</summary>
    internal void DiscardAfter(string directory, long timesteps)
    {
        string path = Path.Combine(directory, FileName);
        if (File.Exists(path))
        {
            using var sink = new CsvMetricsSink(path, append: true);
            sink.DiscardRowsAfter(MetricKeys.TotalTimesteps, timesteps);
        }
    }

    /// <summary>Closes the results file.</summary>
    internal void Close()
    {
        _sink?.Dispose();
        _sink = null;
    }

    private long NextMultiple(long steps) => ((steps / Frequency) + 1) * Frequency;
}
