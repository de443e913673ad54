namespace SharpRL.Experiments;

/// <summary>CSV renderings of a <see cref="ComparisonResult"/> (invariant culture; an empty cell where no seed has a value yet).</summary>
public static class ComparisonCsv
{
    /// <summary>Header of <see cref="Curves"/>.</summary>
    public const string CurvesHeader = "algorithm,timesteps,mean_return,std_return,min_return,max_return,seeds";

    /// <summary>One row per algorithm and grid step: mean, population std, min and max over seeds, and how many seeds had a value.</summary>
    public static string Curves(IEnumerable<(string Algorithm, IReadOnlyList<AggregatePoint> Curve)> curves)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var csv = new StringBuilder().Append(CurvesHeader).Append('\n');
        foreach ((string algorithm, IReadOnlyList<AggregatePoint> curve) in curves)
        {
            foreach (AggregatePoint p in curve)
            {
                csv.Append(Quote(algorithm)).Append(',')
                    .Append(p.Timesteps.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(Number(p.Mean)).Append(',')
                    .Append(Number(p.Std)).Append(',')
                    .Append(Number(p.Min)).Append(',')
                    .Append(Number(p.Max)).Append(',')
                    .Append(p.Seeds.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        return csv.ToString();
    }

    /// <summary>The training curves of every algorithm.</summary>
    public static string TrainingCurves(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Curves(result.Algorithms.Select(a => (a.Algorithm, a.TrainingCurve)));
    }

    /// <summary>The periodic-evaluation curves of the algorithms that have them.</summary>
    public static string EvaluationCurves(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Curves(result.Algorithms.Where(a => a.EvaluationCurve is not null).Select(a => (a.Algorithm, a.EvaluationCurve!)));
    }

    /// <summary>Every seed's raw samples: algorithm, seed, curve ("train" or "eval"), timesteps, return.</summary>
    public static string Runs(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var csv = new StringBuilder("algorithm,seed,curve,timesteps,return\n");
        foreach (AlgorithmComparison algorithm in result.Algorithms)
        {
            foreach (ComparisonSeedRun run in algorithm.Runs)
            {
                AppendSamples(csv, algorithm.Algorithm, run.Seed, "train", run.TrainingCurve);
                AppendSamples(csv, algorithm.Algorithm, run.Seed, "eval", run.EvaluationCurve);
            }
        }

        return csv.ToString();
    }

    /// <summary>One row per algorithm: final deterministic return over seeds, steps to the threshold, wall time, preset.</summary>
    public static string Summary(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var csv = new StringBuilder("algorithm,seeds,final_return_mean,final_return_std,seeds_reaching_threshold,mean_steps_to_threshold,mean_wall_time_s,preset\n");
        foreach (AlgorithmComparison a in result.Algorithms)
        {
            csv.Append(Quote(a.Algorithm)).Append(',')
                .Append(a.Runs.Count.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Number(a.FinalReturnMean)).Append(',')
                .Append(Number(a.FinalReturnStd)).Append(',')
                .Append(result.RewardThreshold is null ? "" : a.SeedsReachingThreshold.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(a.MeanStepsToThreshold is double steps ? Number(steps) : "").Append(',')
                .Append(Number(a.MeanWallTime.TotalSeconds)).Append(',')
                .Append(Quote(a.PresetSource)).Append('\n');
        }

        return csv.ToString();
    }

    private static void AppendSamples(StringBuilder csv, string algorithm, int seed, string curve, IReadOnlyList<CurvePoint> samples)
    {
        foreach (CurvePoint p in samples)
        {
            csv.Append(Quote(algorithm)).Append(',')
                .Append(seed.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(curve).Append(',')
                .Append(p.Timesteps.ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(Number(p.Return)).Append('\n');
        }
    }

    private static string Number(double value) =>
        double.IsNaN(value) ? "" : value.ToString("0.####", CultureInfo.InvariantCulture);

    // RFC 4180: a field holding a comma, quote or line break is quoted, with quotes doubled.
    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\n\r") < 0 ? field : $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
