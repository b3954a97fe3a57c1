using System.Globalization;
using FaceEmbeddings.Metrics;
using ScottPlot;

namespace FaceEmbeddings.Plots;

/// <summary>
/// A forest plot: one row per group (top to bottom in the order given), its figure as a dot and its confidence interval as a
/// horizontal bar. On a log axis, rows whose figure is zero cannot be placed and are left out (the caller says so).
/// </summary>
internal static class IntervalChart
{
    /// <summary>One row: a label, the figure and its interval (none: a dot alone).</summary>
    public sealed record Row(string Label, double Value, ConfidenceInterval? Interval);

    public static byte[] Render(string title, string axisLabel, IReadOnlyList<Row> rows, bool logarithmic, PlotOptions options)
    {
        Row[] shown = logarithmic ? rows.Where(row => row.Value > 0).ToArray() : rows.ToArray();
        using var plot = new Plot();
        PlotFont.Apply(plot);
        var color = new ScottPlot.Palettes.Category10().GetColor(0);
        double smallest = shown.Length == 0 ? 1 : shown.Min(row => Math.Min(row.Value, row.Interval is { Lower: > 0 } i ? i.Lower : row.Value));
        double Place(double value) => logarithmic ? Math.Log10(Math.Max(value, smallest / 10)) : value;
        double largestPlaced = shown.Length == 0 ? 1 : shown.Max(row => Place(row.Interval?.Upper ?? row.Value));
        for (int r = 0; r < shown.Length; r++)
        {
            Row row = shown[r];
            double y = shown.Length - 1 - r;
            if (row.Interval is { Kind: not IntervalKind.Degenerate } interval)
            {
                // An interval without an upper bound runs to the right edge.
                double upper = interval.Upper is { } u ? Place(u) : largestPlaced + 1;
                var bar = plot.Add.Line(Place(interval.Lower), y, upper, y);
                bar.LineWidth = 2;
                bar.Color = color;
            }
            var dot = plot.Add.ScatterPoints(new[] { Place(row.Value) }, new[] { y }, color);
            dot.MarkerSize = 8;
        }
        plot.Axes.Left.SetTicks(Enumerable.Range(0, shown.Length).Select(r => (double)(shown.Length - 1 - r)).ToArray(), shown.Select(row => row.Label).ToArray());
        if (logarithmic && shown.Length > 0)
        {
            int low = (int)Math.Floor(shown.Min(row => Place(row.Interval?.Lower ?? row.Value)));
            int high = (int)Math.Ceiling(largestPlaced);
            double[] decades = Enumerable.Range(low, Math.Max(1, high - low + 1)).Select(d => (double)d).ToArray();
            plot.Axes.Bottom.SetTicks(decades, decades.Select(d => Math.Pow(10, d).ToString("G3", CultureInfo.InvariantCulture)).ToArray());
        }
        plot.XLabel(axisLabel);
        plot.Title(title);
        return plot.GetImageBytes(options.Width, options.Height, ImageFormat.Png);
    }
}
