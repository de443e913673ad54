using System.Globalization;
using SharpRL.Algorithms;
using SharpRL.Training;
using Spectre.Console;

namespace SharpRL.Cli;

/// <summary>A progress bar with steps/s and the recent mean return on a terminal; silent otherwise (or when output goes elsewhere than the console).</summary>
internal static class ProgressReporter
{
    /// <summary>Trains <paramref name="run"/>; returns false when <paramref name="cancellationToken"/> stopped it.</summary>
    public static bool Run(TrainingRun run, bool quiet, TextWriter output, CancellationToken cancellationToken)
    {
        bool interactive = !quiet && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (!interactive)
        {
            return run.Learn(cancellationToken: cancellationToken);
        }

        bool completed = false;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask("training", maxValue: run.TotalTimesteps);
                task.Value = run.Agent.NumTimesteps;
                var started = DateTime.UtcNow;
                long startSteps = run.Agent.NumTimesteps;
                void Report(ILearner agent)
                {
                    double seconds = (DateTime.UtcNow - started).TotalSeconds;
                    double fps = seconds > 0 ? (agent.NumTimesteps - startSteps) / seconds : 0;
                    double meanReturn = agent.RecentMeanReturn;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"{fps,9:N0} steps/s  return {(double.IsNaN(meanReturn) ? "-" : meanReturn.ToString("F1", CultureInfo.InvariantCulture)),8}");
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
}
