using System.Xml.Linq;
using SharpRL.Experiments;
using SharpRL.Training;

namespace SharpRL.Tests.Experiments;

public class ComparisonPlotTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void TrainingPlot_ConstructedResult_WellFormedSvgWithOneMeanPathPerAlgorithmAndLegend()
    {
        string text = SvgPlot.ToText(ComparisonReport.TrainingPlot(ComparisonCsvTests.ConstructedResult()));

        XDocument document = XDocument.Parse(text);
        XElement root = document.Root!;
        Assert.Equal(Svg + "svg", root.Name);
        Assert.Equal("800", root.Attribute("width")!.Value);
        Assert.Equal("500", root.Attribute("height")!.Value);
        var means = root.Descendants(Svg + "path").Where(p => p.Attribute("class")?.Value == "mean").ToList();
        Assert.Equal(["ppo", "a2c"], means.Select(p => p.Attribute("data-series")!.Value));
        Assert.All(means, p => Assert.StartsWith("M", p.Attribute("d")!.Value, StringComparison.Ordinal));
        XElement legend = root.Descendants(Svg + "g").Single(g => g.Attribute("class")?.Value == "legend");
        Assert.Equal(["ppo", "a2c"], legend.Descendants(Svg + "text").Select(t => t.Value));
        var texts = root.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("CartPole-v1: return vs env steps", texts);
        Assert.Contains("threshold 475", texts);
    }

    [Fact]
    public void Lines_SeriesStartingWithNaN_PathSkipsTheMissingPoints()
    {
        var series = new PlotSeries("s", [1.0, 2.0, 3.0], [double.NaN, 5.0, 6.0], [double.NaN, 4.0, 5.0], [double.NaN, 6.0, 7.0]);

        XDocument document = SvgPlot.Lines("t", "x", "y", [series]);

        string mean = document.Descendants(Svg + "path").Single(p => p.Attribute("class")?.Value == "mean").Attribute("d")!.Value;
        Assert.Equal(1, mean.Count(c => c == 'M'));
        Assert.Equal(1, mean.Count(c => c == 'L'));
        string band = document.Descendants(Svg + "path").Single(p => p.Attribute("class")?.Value == "band").Attribute("d")!.Value;
        Assert.EndsWith("Z", band, StringComparison.Ordinal);
        Assert.DoesNotContain("NaN", band, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.7, 1)]
    [InlineData(1.5, 2)]
    [InlineData(2.2, 2.5)]
    [InlineData(3, 5)]
    [InlineData(12_500, 20_000)]
    [InlineData(0.03, 0.05)]
    public void NiceStep_RoughSpacing_RoundedUpTo1_2_2point5_5TimesPowerOf10(double rough, double expected)
    {
        Assert.Equal(expected, SvgPlot.NiceStep(rough), 12);
    }

    [Theory]
    [InlineData(0, 20_000, 100_000, "0")]
    [InlineData(20_000, 20_000, 100_000, "20k")]
    [InlineData(1_500_000, 250_000, 2_000_000, "1.5M")]
    [InlineData(-250, 50, 1500, "-250")]
    [InlineData(0.25, 0.05, 1, "0.25")]
    public void FormatTick_Values_ShortRoundLabels(double value, double step, double largest, string expected)
    {
        Assert.Equal(expected, SvgPlot.FormatTick(value, step, largest));
    }
}
