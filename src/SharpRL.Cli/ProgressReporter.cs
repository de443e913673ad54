using Spectre.Console;

namespace SharpRL.Cli;

/// <summary>
/// A progress line on a terminal: steps done / total, steps/s, elapsed time, ETA and the recent mean return,
/// with a bar when the terminal is wide enough; nothing when the output is not a terminal (the command prints
/// its final summary either way).
/// </summary>
internal static class ProgressReporter
{
    // Below this width the bar is dropped and the text shortened; below NarrowWidth only the essentials remain.
    private const int BarWidth = 100;
    private const int NarrowWidth = 60;

    /// <summary>Trains <paramref name="run"/>; returns false when <paramref name="cancellationToken"/> stopped it.</summary>
    public static bool Run(TrainingRun run, bool quiet, TextWriter output, CancellationToken cancellationToken)
    {
        bool interactive = !quiet && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (!interactive)
        {
            return run.Learn(cancellationToken: cancellationToken);
        }

        int width = AnsiConsole.Profile.Width;
        ProgressColumn[] columns = width >= BarWidth
            ? [new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn()]
            : [new TaskDescriptionColumn { Alignment = Justify.Left }];
        bool completed = false;
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(columns)
            .Start(context =>
            {
                ProgressTask task = context.AddTask(Describe(run, run.Agent, TimeSpan.Zero, width), maxValue: run.TotalTimesteps);
                task.Value = run.Agent.NumTimesteps;
                var clock = System.Diagnostics.Stopwatch.StartNew();
                void Report(ILearner agent)
                {
                    task.Description = Describe(run, agent, clock.Elapsed, width);
                    task.Value = Math.Min(agent.NumTimesteps, run.TotalTimesteps);
                }

                completed = run.Learn(Report, cancellationToken);
                if (completed)
                {
                    task.Value = run.TotalTimesteps;
                }
            });
        return completed;
    }

    /// <summary>The progress text for a terminal <paramref name="width"/> columns wide (markup-escaped).</summary>
    internal static string Describe(TrainingRun run, ILearner agent, TimeSpan elapsed, int width)
    {
        long done = agent.NumTimesteps, total = run.TotalTimesteps;
        long ranNow = done - run.StartTimesteps;
        double rate = elapsed.TotalSeconds > 0 ? ranNow / elapsed.TotalSeconds : 0;
        string eta = rate > 0 ? Clock(TimeSpan.FromSeconds(Math.Max(0, total - done) / rate)) : "?";
        double meanReturn = agent.RecentMeanReturn;
        string recent = double.IsNaN(meanReturn) ? "-" : meanReturn.ToString("F1", CultureInfo.InvariantCulture);
        string text = width >= NarrowWidth
            ? string.Create(CultureInfo.InvariantCulture,
                $"{done:N0}/{total:N0} steps  {rate:N0}/s  elapsed {Clock(elapsed)}  ETA {eta}  return {recent}")
            : string.Create(CultureInfo.InvariantCulture,
                $"{Short(done)}/{Short(total)} {100.0 * Math.Min(done, total) / total:F0}% ETA {eta} R {recent}");
        return Markup.Escape(text.Length < width ? text : text[..Math.Max(1, width - 1)]);
    }

    private static string Clock(TimeSpan time) =>
        time.TotalHours >= 1 ? time.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : time.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    private static string Short(long steps) => steps switch
    {
        >= 1_000_000 => (steps / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + "M",
        >= 1_000 => (steps / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        _ => steps.ToString(CultureInfo.InvariantCulture),
    };
}
