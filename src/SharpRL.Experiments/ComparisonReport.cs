using System.Xml.Linq;

namespace SharpRL.Experiments;

/// <summary>Turns a <see cref="ComparisonResult"/> into its table, plots and files.</summary>
public static class ComparisonReport
{
    /// <summary>Return-vs-steps curves of the training episodes (CSV).</summary>
    public const string TrainingCurvesFile = "returns.csv";

    /// <summary>Plot of <see cref="TrainingCurvesFile"/>.</summary>
    public const string TrainingPlotFile = "returns.svg";

    /// <summary>Curves of the periodic deterministic evaluations (CSV), when they were run.</summary>
    public const string EvaluationCurvesFile = "eval_returns.csv";

    /// <summary>Plot of <see cref="EvaluationCurvesFile"/>.</summary>
    public const string EvaluationPlotFile = "eval_returns.svg";

    /// <summary>Every seed's raw samples.</summary>
    public const string RunsFile = "runs.csv";

    /// <summary>The table, as CSV.</summary>
    public const string SummaryFile = "summary.csv";

    private const string Never = "—";

    /// <summary>The plot of the training curves: mean over seeds as a line, min–max as a band, the reward threshold dashed.</summary>
    public static XDocument TrainingPlot(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Plot(result, result.Algorithms.Select(a => (a.Algorithm, a.TrainingCurve)), "recent mean training return (last 100 episodes)", "");
    }

    /// <summary>The plot of the periodic deterministic evaluations, or null when none were run.</summary>
    public static XDocument? EvaluationPlot(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var curves = result.Algorithms.Where(a => a.EvaluationCurve is not null).Select(a => (a.Algorithm, a.EvaluationCurve!)).ToList();
        return curves.Count == 0
            ? null
            : Plot(result, curves, $"deterministic evaluation return ({result.EvalEpisodes} episodes)", " (evaluation)");
    }

    /// <summary>
    /// The table printed after a comparison: per algorithm, the final deterministic return (mean ± std
    /// over seeds), the mean step at which the recent mean training return first reached the env's
    /// threshold (with how many seeds did; "—" if none), and the mean wall time of a run.
    /// </summary>
    public static string FormatTable(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        string thresholdHeader = result.RewardThreshold is double t
            ? string.Create(CultureInfo.InvariantCulture, $"steps to {t:0.##}")
            : "steps to threshold";
        var rows = new List<string[]>
        {
            new[] { "algorithm", "final return", thresholdHeader, "wall time/run" },
        };
        foreach (AlgorithmComparison a in result.Algorithms)
        {
            string steps = result.RewardThreshold is null
                ? "n/a (no threshold)"
                : a.MeanStepsToThreshold is double mean
                    ? string.Create(CultureInfo.InvariantCulture, $"{mean:N0} ({a.SeedsReachingThreshold}/{a.Runs.Count})")
                    : Never;
            rows.Add(
            [
                a.Algorithm,
                string.Create(CultureInfo.InvariantCulture, $"{a.FinalReturnMean:F1} ± {a.FinalReturnStd:F1}"),
                steps,
                string.Create(CultureInfo.InvariantCulture, $"{a.MeanWallTime.TotalSeconds:F1} s"),
            ]);
        }

        int[] widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var table = new StringBuilder();
        table.Append(CultureInfo.InvariantCulture,
            $"{result.EnvId}: {result.Seeds} seed(s) × {result.TotalTimesteps:N0} env steps per algorithm; final return = deterministic evaluation of each seed's final policy over {result.EvalEpisodes} episodes, mean ± std over seeds.\n");
        for (int r = 0; r < rows.Count; r++)
        {
            table.Append(string.Join("  ", rows[r].Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd()).Append('\n');
            if (r == 0)
            {
                table.Append(string.Join("  ", widths.Select(w => new string('-', w)))).Append('\n');
            }
        }

        return table.ToString();
    }

    /// <summary>Writes the CSVs and SVG plots into <paramref name="directory"/> (created if needed) and returns their paths.</summary>
    public static IReadOnlyList<string> WriteFiles(ComparisonResult result, string directory)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        void Write(string name, string content)
        {
            string path = Path.Combine(directory, name);
            SharpRL.IO.AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(content));
            written.Add(path);
        }

        Write(TrainingCurvesFile, ComparisonCsv.TrainingCurves(result));
        Write(TrainingPlotFile, SvgPlot.ToText(TrainingPlot(result)));
        if (EvaluationPlot(result) is { } evaluationPlot)
        {
            Write(EvaluationCurvesFile, ComparisonCsv.EvaluationCurves(result));
            Write(EvaluationPlotFile, SvgPlot.ToText(evaluationPlot));
        }

        Write(RunsFile, ComparisonCsv.Runs(result));
        Write(SummaryFile, ComparisonCsv.Summary(result));
        return written;
    }

    private static XDocument Plot(ComparisonResult result, IEnumerable<(string Algorithm, IReadOnlyList<AggregatePoint> Curve)> curves, string yLabel, string titleSuffix)
    {
        var series = curves.Select(c => new PlotSeries(
            c.Algorithm,
            c.Curve.Select(p => (double)p.Timesteps).ToArray(),
            c.Curve.Select(p => p.Mean).ToArray(),
            c.Curve.Select(p => p.Min).ToArray(),
            c.Curve.Select(p => p.Max).ToArray())).ToList();
        PlotReferenceLine? threshold = result.RewardThreshold is double t
            ? new PlotReferenceLine(t, string.Create(CultureInfo.InvariantCulture, $"threshold {t:0.##}"))
            : null;
        string seeds = result.Seeds == 1 ? "1 seed" : string.Create(CultureInfo.InvariantCulture, $"{result.Seeds} seeds: mean, band min–max");
        return SvgPlot.Lines($"{result.EnvId}: return vs env steps{titleSuffix}", $"env steps ({seeds})", yLabel, series, threshold);
    }
}
