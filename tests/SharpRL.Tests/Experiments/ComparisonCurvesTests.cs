using SharpRL.Experiments;
using SharpRL.Training;

namespace SharpRL.Tests.Experiments;

public class ComparisonCurvesTests
{
    private static readonly CurvePoint[] SeedA = [new(100, 10), new(300, 30), new(500, 50)];
    private static readonly CurvePoint[] SeedB = [new(200, 20), new(400, 60)];

    [Fact]
    public void Grid_FivePointsOf1000_EvenlySpacedEndingAtTheBudget()
    {
        Assert.Equal([200L, 400, 600, 800, 1000], ComparisonCurves.Grid(1000, 5));
    }

    [Fact]
    public void Grid_BudgetNotDivisible_RoundsToNearestStep()
    {
        Assert.Equal([333L, 667, 1000], ComparisonCurves.Grid(1000, 3));
    }

    [Theory]
    [InlineData(99, double.NaN)]
    [InlineData(100, 10)]
    [InlineData(299, 10)]
    [InlineData(300, 30)]
    [InlineData(450, 30)]
    [InlineData(10_000, 50)]
    public void ValueAt_StepFunction_LastSampleAtOrBeforeTheStep(long timesteps, double expected)
    {
        Assert.Equal(expected, ComparisonCurves.ValueAt(SeedA, timesteps));
    }

    [Fact]
    public void Aggregate_TwoSeeds_MeanStdMinMaxOfTheStepValues()
    {
        IReadOnlyList<AggregatePoint> points = ComparisonCurves.Aggregate([SeedA, SeedB], [150L, 250, 450]);

        // At 150 only seed A has a value (10): seed B's first sample is at 200.
        Assert.Equal(new AggregatePoint(150, 10, 0, 10, 10, 1), points[0]);
        // At 250: A = 10, B = 20 → mean 15, population std 5.
        Assert.Equal(new AggregatePoint(250, 15, 5, 10, 20, 2), points[1]);
        // At 450: A = 30, B = 60 → mean 45, std 15.
        Assert.Equal(new AggregatePoint(450, 45, 15, 30, 60, 2), points[2]);
    }

    [Fact]
    public void Aggregate_BeforeAnySample_NaNWithZeroSeeds()
    {
        AggregatePoint point = ComparisonCurves.Aggregate([SeedA, SeedB], [50L])[0];

        Assert.Equal(0, point.Seeds);
        Assert.True(double.IsNaN(point.Mean) && double.IsNaN(point.Std) && double.IsNaN(point.Min) && double.IsNaN(point.Max));
    }

    [Fact]
    public void PopulationStd_ThreeValues_MatchesNumpyStdWithDdof0()
    {
        // numpy.std([1, 2, 6]) = sqrt(((1−3)² + (2−3)² + (6−3)²) / 3) = sqrt(14/3).
        Assert.Equal(Math.Sqrt(14.0 / 3.0), ComparisonCurves.PopulationStd([1.0, 2.0, 6.0]), 12);
    }
}
