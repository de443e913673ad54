using System.Xml.Linq;

namespace SharpRL.Experiments;

/// <summary>One line of a plot, with an optional shaded band (e.g. min–max over seeds) around it.</summary>
/// <param name="Label">Legend text.</param>
/// <param name="X">x of each point.</param>
/// <param name="Y">y of each point; NaN points are left out (the line breaks there).</param>
/// <param name="Lower">Lower edge of the band, or null for no band.</param>
/// <param name="Upper">Upper edge of the band, or null for no band.</param>
public sealed record PlotSeries(string Label, IReadOnlyList<double> X, IReadOnlyList<double> Y, IReadOnlyList<double>? Lower = null, IReadOnlyList<double>? Upper = null);

/// <summary>A dashed horizontal line across the plot (e.g. an env's reward threshold).</summary>
/// <param name="Y">Where.</param>
/// <param name="Label">Text written above its right end.</param>
public sealed record PlotReferenceLine(double Y, string Label);

/// <summary>
/// Draws line plots as standalone SVG: axes with ticks, grid lines and labels, one coloured line per
/// series with a translucent band, a legend to the right of the plot area, and a title.
/// </summary>
public static class SvgPlot
{
    /// <summary>Default width in pixels.</summary>
    public const int DefaultWidth = 800;

    /// <summary>Default height in pixels.</summary>
    public const int DefaultHeight = 500;

    /// <summary>The SVG namespace.</summary>
    public static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    // Tableau 10, the matplotlib default cycle: distinct hues that read well on white.
    private static readonly string[] Palette =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    private const double MarginLeft = 72;
    private const double MarginRight = 170;
    private const double MarginTop = 48;
    private const double MarginBottom = 58;
    private const string FontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif";

    /// <summary>The colour of the series at <paramref name="index"/> (the palette repeats after 10).</summary>
    public static string Colour(int index) => Palette[index % Palette.Length];

    /// <summary>Renders <paramref name="series"/> as an SVG document.</summary>
    /// <param name="title">Title above the plot.</param>
    /// <param name="xLabel">x-axis label.</param>
    /// <param name="yLabel">y-axis label.</param>
    /// <param name="series">Lines to draw, in legend order.</param>
    /// <param name="reference">Optional dashed horizontal line.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static XDocument Lines(
        string title,
        string xLabel,
        string yLabel,
        IReadOnlyList<PlotSeries> series,
        PlotReferenceLine? reference = null,
        int width = DefaultWidth,
        int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(xLabel);
        ArgumentNullException.ThrowIfNull(yLabel);
        ArgumentNullException.ThrowIfNull(series);
        if (width < MarginLeft + MarginRight + 100 || height < MarginTop + MarginBottom + 100)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"{width}×{height}", $"The plot needs at least {MarginLeft + MarginRight + 100}×{MarginTop + MarginBottom + 100} pixels.");
        }

        foreach (PlotSeries s in series)
        {
            if (s.X.Count != s.Y.Count || (s.Lower is not null && s.Lower.Count != s.X.Count) || (s.Upper is not null && s.Upper.Count != s.X.Count))
            {
                throw new ArgumentException($"Series '{s.Label}' has {s.X.Count} x values but {s.Y.Count} y values (and band edges of {s.Lower?.Count} / {s.Upper?.Count}); they must all have the same length.", nameof(series));
            }
        }

        var area = new Area(MarginLeft, MarginTop, width - MarginLeft - MarginRight, height - MarginTop - MarginBottom);
        (double xMin, double xMax) = DataRange(series.SelectMany(s => s.X), includeZero: true);
        IEnumerable<double> ys = series.SelectMany(s => s.Y.Concat(s.Lower ?? []).Concat(s.Upper ?? []));
        if (reference is not null)
        {
            ys = ys.Append(reference.Y);
        }

        (double yDataMin, double yDataMax) = DataRange(ys, includeZero: false);
        double xStep = NiceStep((xMax - xMin) / 8);
        double yStep = NiceStep((yDataMax - yDataMin) / 6);
        // The y axis ends on ticks; the x axis spans exactly the data (it starts at 0 steps).
        double yMin = Math.Floor(yDataMin / yStep) * yStep;
        double yMax = Math.Ceiling(yDataMax / yStep) * yStep;
        var scale = new Scale(area, xMin, xMax, yMin, yMax);

        var svg = new XElement(Svg + "svg",
            new XAttribute("width", width),
            new XAttribute("height", height),
            new XAttribute("viewBox", $"0 0 {width} {height}"),
            new XAttribute("font-family", FontFamily),
            new XElement(Svg + "title", title),
            new XElement(Svg + "defs",
                // A few pixels of slack so a line running along the top or bottom edge keeps its full stroke.
                new XElement(Svg + "clipPath", new XAttribute("id", "plot-area"),
                    Rect(area.Left - 3, area.Top - 3, area.Width + 6, area.Height + 6))),
            Rect(0, 0, width, height, new XAttribute("fill", "white")));

        svg.Add(Axes(area, scale, xMin, xMax, xStep, yMin, yMax, yStep));
        svg.Add(Text(width / 2.0, 28, title, 18, "middle", new XAttribute("font-weight", "bold")));
        svg.Add(Text(area.Left + (area.Width / 2), height - 14, xLabel, 14, "middle"));
        double yLabelX = 18, yLabelY = area.Top + (area.Height / 2);
        svg.Add(Text(yLabelX, yLabelY, yLabel, 14, "middle", new XAttribute("transform", $"rotate(-90 {Format(yLabelX)} {Format(yLabelY)})")));

        var data = new XElement(Svg + "g", new XAttribute("clip-path", "url(#plot-area)"));
        if (reference is not null)
        {
            double y = scale.Y(reference.Y);
            data.Add(new XElement(Svg + "line",
                new XAttribute("class", "reference"),
                new XAttribute("x1", Format(area.Left)), new XAttribute("x2", Format(area.Right)),
                new XAttribute("y1", Format(y)), new XAttribute("y2", Format(y)),
                new XAttribute("stroke", "#555555"), new XAttribute("stroke-width", 1.2), new XAttribute("stroke-dasharray", "6 4")));
            // Written at the left end, where learning curves are usually still low, with a white halo over grid lines.
            data.Add(Text(area.Left + 6, y - 6, reference.Label, 12, "start",
                new XAttribute("fill", "#555555"), new XAttribute("stroke", "white"), new XAttribute("stroke-width", 3), new XAttribute("paint-order", "stroke")));
        }

        for (int i = 0; i < series.Count; i++)
        {
            PlotSeries s = series[i];
            if (s.Lower is not null && s.Upper is not null && BandPath(s, scale) is { Length: > 0 } band)
            {
                data.Add(new XElement(Svg + "path",
                    new XAttribute("class", "band"),
                    new XAttribute("data-series", s.Label),
                    new XAttribute("d", band),
                    new XAttribute("fill", Colour(i)), new XAttribute("fill-opacity", 0.18), new XAttribute("stroke", "none")));
            }
        }

        for (int i = 0; i < series.Count; i++)
        {
            PlotSeries s = series[i];
            data.Add(new XElement(Svg + "path",
                new XAttribute("class", "mean"),
                new XAttribute("data-series", s.Label),
                new XAttribute("d", LinePath(s, scale)),
                new XAttribute("fill", "none"), new XAttribute("stroke", Colour(i)), new XAttribute("stroke-width", 2),
                new XAttribute("stroke-linejoin", "round")));
        }

        svg.Add(data);
        svg.Add(Legend(series, area));
        return new XDocument(new XDeclaration("1.0", "utf-8", null), svg);
    }

    /// <summary>The document as text, with its XML declaration.</summary>
    public static string ToText(XDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return document.Declaration + "\n" + document.ToString(SaveOptions.None) + "\n";
    }

    /// <summary>
    /// A "nice" tick spacing near <paramref name="rough"/>: 1, 2, 2.5 or 5 times a power of ten,
    /// so tick labels are round numbers.
    /// </summary>
    public static double NiceStep(double rough)
    {
        if (!(rough > 0) || double.IsInfinity(rough))
        {
            return 1;
        }

        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double fraction = rough / magnitude;
        double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    /// <summary>Tick label: 20k / 1.5M for large round values, otherwise as many decimals as the spacing needs.</summary>
    public static string FormatTick(double value, double step, double largest)
    {
        if (Math.Abs(value) < step * 1e-9)
        {
            return "0";
        }

        if (largest >= 1e6 && step >= 1e5)
        {
            return (value / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M";
        }

        if (largest >= 1e4 && step >= 1e3)
        {
            return (value / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + "k";
        }

        int decimals = Math.Max(0, (int)-Math.Floor(Math.Log10(step) + 1e-9));
        return value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private static IEnumerable<XElement> Axes(Area area, Scale scale, double xMin, double xMax, double xStep, double yMin, double yMax, double yStep)
    {
        const string gridColour = "#e5e5e5";
        const string axisColour = "#333333";
        double largestX = Math.Max(Math.Abs(xMin), Math.Abs(xMax));
        for (double x = Math.Ceiling(xMin / xStep) * xStep; x <= xMax + (xStep * 1e-9); x += xStep)
        {
            double px = scale.X(x);
            yield return Line(px, area.Top, px, area.Bottom, gridColour, "grid");
            yield return Line(px, area.Bottom, px, area.Bottom + 5, axisColour, "tick");
            yield return Text(px, area.Bottom + 20, FormatTick(x, xStep, largestX), 12, "middle");
        }

        double largestY = Math.Max(Math.Abs(yMin), Math.Abs(yMax));
        for (double y = yMin; y <= yMax + (yStep * 1e-9); y += yStep)
        {
            double py = scale.Y(y);
            yield return Line(area.Left, py, area.Right, py, gridColour, "grid");
            yield return Line(area.Left - 5, py, area.Left, py, axisColour, "tick");
            yield return Text(area.Left - 8, py + 4, FormatTick(y, yStep, largestY), 12, "end");
        }

        yield return Line(area.Left, area.Bottom, area.Right, area.Bottom, axisColour, "axis");
        yield return Line(area.Left, area.Top, area.Left, area.Bottom, axisColour, "axis");
    }

    private static XElement Legend(IReadOnlyList<PlotSeries> series, Area area)
    {
        const double rowHeight = 22;
        double left = area.Right + 18;
        double top = area.Top + 4;
        var legend = new XElement(Svg + "g", new XAttribute("class", "legend"));
        legend.Add(Rect(left - 8, top - 6, MarginRight - 22, (series.Count * rowHeight) + 8,
            new XAttribute("fill", "white"), new XAttribute("stroke", "#cccccc")));
        for (int i = 0; i < series.Count; i++)
        {
            double y = top + (i * rowHeight) + (rowHeight / 2) - 2;
            legend.Add(Rect(left, y - 6, 26, 12, new XAttribute("fill", Colour(i)), new XAttribute("fill-opacity", 0.18)));
            legend.Add(Line(left, y, left + 26, y, Colour(i), "legend-line", strokeWidth: 2));
            legend.Add(Text(left + 34, y + 4.5, series[i].Label, 13, "start"));
        }

        return legend;
    }

    private static string LinePath(PlotSeries s, Scale scale)
    {
        var d = new StringBuilder();
        bool drawing = false;
        for (int i = 0; i < s.X.Count; i++)
        {
            if (!double.IsFinite(s.X[i]) || !double.IsFinite(s.Y[i]))
            {
                drawing = false;
                continue;
            }

            d.Append(drawing ? " L" : (d.Length == 0 ? "M" : " M"))
                .Append(Format(scale.X(s.X[i]))).Append(',').Append(Format(scale.Y(s.Y[i])));
            drawing = true;
        }

        return d.ToString();
    }

    // One closed outline per run of points where both edges are known: along the lower edge, back along the upper.
    private static string BandPath(PlotSeries s, Scale scale)
    {
        var d = new StringBuilder();
        int i = 0;
        while (i < s.X.Count)
        {
            if (!IsBandPoint(s, i))
            {
                i++;
                continue;
            }

            int start = i;
            while (i < s.X.Count && IsBandPoint(s, i))
            {
                i++;
            }

            d.Append(d.Length == 0 ? "M" : " M");
            for (int k = start; k < i; k++)
            {
                d.Append(k == start ? "" : " L").Append(Format(scale.X(s.X[k]))).Append(',').Append(Format(scale.Y(s.Lower![k])));
            }

            for (int k = i - 1; k >= start; k--)
            {
                d.Append(" L").Append(Format(scale.X(s.X[k]))).Append(',').Append(Format(scale.Y(s.Upper![k])));
            }

            d.Append(" Z");
        }

        return d.ToString();
    }

    private static bool IsBandPoint(PlotSeries s, int i) =>
        double.IsFinite(s.X[i]) && double.IsFinite(s.Lower![i]) && double.IsFinite(s.Upper![i]);

    private static (double Min, double Max) DataRange(IEnumerable<double> values, bool includeZero)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in values)
        {
            if (double.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        if (double.IsInfinity(min))
        {
            (min, max) = (0, 1);
        }

        if (includeZero)
        {
            min = Math.Min(min, 0);
            max = Math.Max(max, 0);
        }

        if (max - min < 1e-12 * Math.Max(1, Math.Abs(max)))
        {
            // A flat curve still needs a visible range around it.
            double pad = Math.Max(1, Math.Abs(max) * 0.1);
            (min, max) = (min - pad, max + pad);
        }

        return (min, max);
    }

    private static XElement Rect(double x, double y, double width, double height, params object[] attributes) =>
        new(Svg + "rect",
            new XAttribute("x", Format(x)), new XAttribute("y", Format(y)),
            new XAttribute("width", Format(width)), new XAttribute("height", Format(height)),
            attributes);

    private static XElement Line(double x1, double y1, double x2, double y2, string colour, string cssClass, double strokeWidth = 1) =>
        new(Svg + "line",
            new XAttribute("class", cssClass),
            new XAttribute("x1", Format(x1)), new XAttribute("y1", Format(y1)),
            new XAttribute("x2", Format(x2)), new XAttribute("y2", Format(y2)),
            new XAttribute("stroke", colour), new XAttribute("stroke-width", Format(strokeWidth)));

    private static XElement Text(double x, double y, string text, double size, string anchor, params object[] attributes) =>
        new(Svg + "text",
            new XAttribute("x", Format(x)), new XAttribute("y", Format(y)),
            new XAttribute("font-size", Format(size)), new XAttribute("text-anchor", anchor),
            attributes,
            text);

    private static string Format(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private readonly record struct Area(double Left, double Top, double Width, double Height)
    {
        public double Right => Left + Width;

        public double Bottom => Top + Height;
    }

    private readonly record struct Scale(Area Area, double XMin, double XMax, double YMin, double YMax)
    {
        public double X(double x) => Area.Left + ((x - XMin) / (XMax - XMin) * Area.Width);

        public double Y(double y) => Area.Bottom - ((y - YMin) / (YMax - YMin) * Area.Height);
    }
}
