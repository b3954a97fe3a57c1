using System.Globalization;
using FaceEmbeddings.Metrics;
using ScottPlot;

namespace FaceEmbeddings.Plots;

/// <summary>
/// Per-group DET curves on log–log axes: false-match rate across, false non-match rate up, one line per group with its
/// equal-error rate in the legend. Zero rates cannot sit on a log axis: they are drawn at the floor, a decade below the
/// smallest non-zero rate.
/// </summary>
internal static class DetPlot
{
    public const string Title = "DET curves per group";

    public static byte[] Render(IReadOnlyList<GroupDetCurve> curves, PlotOptions options)
    {
        double smallest = curves.SelectMany(c => c.Points).SelectMany(p => new[] { p.FalseMatchRate, p.FalseNonMatchRate })
            .Where(rate => rate > 0).DefaultIfEmpty(1e-3).Min();
        double floor = Math.Log10(smallest) - 1;
        double Place(double rate) => rate > 0 ? Math.Log10(rate) : floor;

        using var plot = new Plot();
        PlotFont.Apply(plot);
        var palette = new ScottPlot.Palettes.Category10();
        for (int g = 0; g < curves.Count; g++)
        {
            GroupDetCurve curve = curves[g];
            var line = plot.Add.Scatter(curve.Points.Select(p => Place(p.FalseMatchRate)).ToArray(), curve.Points.Select(p => Place(p.FalseNonMatchRate)).ToArray(), palette.GetColor(g));
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"{curve.Group} (EER {curve.EqualErrorRate:G3})");
        }
        double[] decades = Enumerable.Range((int)Math.Floor(floor), (int)(-Math.Floor(floor)) + 1).Select(d => (double)d).ToArray();
        string[] labels = decades.Select(d => Math.Pow(10, d).ToString("G3", CultureInfo.InvariantCulture)).ToArray();
        plot.Axes.Bottom.SetTicks(decades, labels);
        plot.Axes.Left.SetTicks(decades, labels);
        plot.XLabel("False-match rate (log)");
        plot.YLabel("False non-match rate (log)");
        plot.Title(Title);
        plot.ShowLegend(Edge.Right);
        return plot.GetImageBytes(options.Width, options.Height, ImageFormat.Png);
    }
}
