namespace SharpRL.Experiments;

/// <summary>The spread over seeds of a learning curve at one grid step.</summary>
/// <param name="Timesteps">Grid step.</param>
/// <param name="Mean">Mean over the seeds that have a value at this step (NaN if none has).</param>
/// <param name="Std">Population standard deviation over those seeds.</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
/// <param name="Seeds">How many seeds have a value at this step.</param>
public readonly record struct AggregatePoint(long Timesteps, double Mean, double Std, double Min, double Max, int Seeds);

/// <summary>Puts learning curves recorded at different steps on a common grid and aggregates them over seeds.</summary>
public static class ComparisonCurves
{
    /// <summary><paramref name="points"/> evenly spaced steps from total/points to total (step 0 carries no information).</summary>
    public static IReadOnlyList<long> Grid(long totalTimesteps, int points)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalTimesteps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(points);
        var grid = new long[points];
        for (int k = 1; k <= points; k++)
        {
            grid[k - 1] = (long)Math.Round((double)totalTimesteps * k / points);
        }

        return grid;
    }

    /// <summary>
    /// The curve's value at <paramref name="timesteps"/> as a step function: the last sample recorded
    /// at or before that step (a training curve only changes when an iteration ends), NaN before the first.
    /// </summary>
    /// <param name="curve">Samples in increasing order of steps.</param>
    /// <param name="timesteps">Where to read the curve.</param>
    public static double ValueAt(IReadOnlyList<CurvePoint> curve, long timesteps)
    {
        ArgumentNullException.ThrowIfNull(curve);
        int lo = 0, hi = curve.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) / 2);
            if (curve[mid].Timesteps <= timesteps)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found < 0 ? double.NaN : curve[found].Return;
    }

    /// <summary>At each grid step, the mean, population std, min and max over the curves that have a value there.</summary>
    /// <param name="curves">One curve per seed, each in increasing order of steps.</param>
    /// <param name="grid">Steps to aggregate at.</param>
    public static IReadOnlyList<AggregatePoint> Aggregate(IReadOnlyList<IReadOnlyList<CurvePoint>> curves, IReadOnlyList<long> grid)
    {
        ArgumentNullException.ThrowIfNull(curves);
        ArgumentNullException.ThrowIfNull(grid);
        var result = new AggregatePoint[grid.Count];
        var values = new List<double>(curves.Count);
        for (int g = 0; g < grid.Count; g++)
        {
            values.Clear();
            foreach (IReadOnlyList<CurvePoint> curve in curves)
            {
                double value = ValueAt(curve, grid[g]);
                if (!double.IsNaN(value))
                {
                    values.Add(value);
                }
            }

            result[g] = values.Count == 0
                ? new AggregatePoint(grid[g], double.NaN, double.NaN, double.NaN, double.NaN, 0)
                : new AggregatePoint(grid[g], values.Average(), PopulationStd(values), values.Min(), values.Max(), values.Count);
        }

        return result;
    }

    /// <summary>sqrt(mean((x − mean)²)), as numpy.std with ddof = 0; NaN for no values.</summary>
    public static double PopulationStd(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }

        double mean = values.Average();
        double sum = 0;
        foreach (double v in values)
        {
            sum += (v - mean) * (v - mean);
        }

        return Math.Sqrt(sum / values.Count);
    }
}
