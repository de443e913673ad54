namespace SharpRL.Algorithms.Common;

/// <summary>
/// One <c>Learn</c> call's budget and clock, shared by the learners that train step by step or iteration
/// by iteration: the budget counts the steps of earlier calls (a resumed run continues where it stopped),
/// and the clock with the step count at the start gives SB3's fps over this call.
/// </summary>
internal readonly struct LearnBudget
{
    private readonly long _started;
    private readonly long _startTimesteps;

    /// <summary>Starts the clock of a call that trains until <paramref name="totalTimesteps"/> env steps in all.</summary>
    public LearnBudget(long totalTimesteps, long numTimesteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalTimesteps);
        Total = totalTimesteps;
        _startTimesteps = numTimesteps;
        _started = Stopwatch.GetTimestamp();
    }

    /// <summary>Total env-step budget of the run.</summary>
    public long Total { get; }

    /// <summary>Seconds since the call started.</summary>
    public double ElapsedSeconds => Stopwatch.GetElapsedTime(_started).TotalSeconds;

    /// <summary>
    /// Whether another iteration runs: the budget is not spent and no cancellation was requested. Checked
    /// before each iteration, never inside one, so a cancelled learner is consistent and can be checkpointed.
    /// </summary>
    public bool Continues(long numTimesteps, CancellationToken cancellationToken)
        => numTimesteps < Total && !cancellationToken.IsCancellationRequested;

    /// <summary>SB3's "progress remaining": 1 at the start, 0 when the budget is spent; schedules read it.</summary>
    public double ProgressRemaining(long numTimesteps) => 1.0 - ((double)numTimesteps / Total);

    /// <summary>Env steps per second over this call.</summary>
    public double Fps(long numTimesteps, double elapsed) => elapsed > 0 ? Math.Floor((numTimesteps - _startTimesteps) / elapsed) : 0;

    /// <summary>
    /// SB3's <c>time/</c> block of one iteration: fps over this call, iterations, seconds elapsed and the env
    /// steps taken so far.
    /// </summary>
    public void RecordTime(MetricsLogger logger, long iterations, long numTimesteps)
    {
        double elapsed = ElapsedSeconds;
        logger.Record(MetricKeys.Fps, Fps(numTimesteps, elapsed));
        logger.Record(MetricKeys.Iterations, iterations);
        logger.Record(MetricKeys.TimeElapsed, elapsed);
        logger.Record(MetricKeys.TotalTimesteps, numTimesteps);
    }
}
