using System.Globalization;
using SharpRL.Training;
using Spectre.Console;

namespace SharpRL.Cli;

/// <summary>A progress bar with steps/s and the recent mean return on a terminal; silent otherwise.</summary>
internal static class ProgressReporter
{
    public static void Run(TrainingRun run, bool quiet)
    {
        bool interactive = !quiet && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (!interactive)
        {
            run.Learn();
            return;
        }

        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                ProgressTask task = context.AddTask("training", maxValue: run.TotalTimesteps);
                task.Value = run.Agent.NumTimesteps;
                var started = DateTime.UtcNow;
                long startSteps = run.Agent.NumTimesteps;
                run.Learn(agent =>
                {
                    double seconds = (DateTime.UtcNow - started).TotalSeconds;
                    double fps = seconds > 0 ? (agent.NumTimesteps - startSteps) / seconds : 0;
                    double meanReturn = agent.RecentMeanReturn;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"{fps,9:N0} steps/s  return {(double.IsNaN(meanReturn) ? "-" : meanReturn.ToString("F1", CultureInfo.InvariantCulture)),8}");
                    task.Value = Math.Min(agent.NumTimesteps, run.TotalTimesteps);
                });
                task.Value = run.TotalTimesteps;
            });
    }
}
