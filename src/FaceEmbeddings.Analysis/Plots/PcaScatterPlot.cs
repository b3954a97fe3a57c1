using System.Globalization;
using FaceEmbeddings.IO;
using FaceEmbeddings.Metrics;
using ScottPlot;
using static TorchSharp.torch;

namespace FaceEmbeddings.Plots;

/// <summary>
/// The embeddings projected on their first two principal components (<see cref="Pca.Fit"/>), one colour
/// and marker per group, with a legend of the groups and their sizes and axis labels giving each
/// component's share of the variance, e.g. "PC1 (12.3%)".
/// </summary>
public static class PcaScatterPlot
{
    /// <summary>The title used when <see cref="PlotOptions.Title"/> is not set.</summary>
    public const string DefaultTitle = "Face embeddings on their first two principal components";

    /// <summary>Renders the scatter plot as PNG.</summary>
    /// <param name="embeddings">N×D embeddings, N ≥ 2 and D ≥ 2, floating point, finite.</param>
    /// <param name="groups">One non-empty group label per row of <paramref name="embeddings"/>; groups are drawn in order of first appearance.</param>
    /// <param name="options">Size (800×600 unless set) and title.</param>
    /// <returns>The PNG file's bytes.</returns>
    /// <exception cref="ArgumentException">An argument is out of its stated range.</exception>
    public static byte[] Render(Tensor embeddings, IReadOnlyList<string> groups, PlotOptions? options = null)
    {
        TensorArguments.RequireMatrix(embeddings, nameof(embeddings));
        if (embeddings.shape[0] < 2 || embeddings.shape[1] < 2)
            throw new ArgumentException($"A PCA scatter plot needs at least two embeddings of at least two dimensions; got {TensorArguments.ShapeOf(embeddings)}.", nameof(embeddings));
        GroupIndex index = GroupIndex.Of(groups, embeddings.shape[0], nameof(groups));
        options ??= new PlotOptions();
        options.Validate(nameof(options));

        double[] first, second, ratio;
        using (var scope = NewDisposeScope())
        using (var noGrad = no_grad())
        using (PcaModel pca = Pca.Fit(embeddings, 2))
        {
            Tensor projected = pca.Transform(embeddings).to(ScalarType.Float64).cpu();   // [N, 2]
            first = projected[TensorIndex.Colon, 0].contiguous().data<double>().ToArray();
            second = projected[TensorIndex.Colon, 1].contiguous().data<double>().ToArray();
            ratio = pca.ExplainedVarianceRatio.to(ScalarType.Float64).cpu().data<double>().ToArray();
        }

        using var plot = new Plot();
        PlotFont.Apply(plot);
        var palette = new ScottPlot.Palettes.Category10();
        for (int g = 0; g < index.Names.Count; g++)
        {
            IReadOnlyList<int> members = index.Members[g];
            double[] xs = members.Select(row => first[row]).ToArray();
            double[] ys = members.Select(row => second[row]).ToArray();
            var points = plot.Add.ScatterPoints(xs, ys, palette.GetColor(g).WithAlpha(0.8));
            points.MarkerShape = GroupMarkers[g % GroupMarkers.Length];
            points.MarkerSize = 7;
            points.LegendText = $"{index.Names[g]} ({members.Count})";
        }
        plot.XLabel(ComponentLabel(1, ratio[0]));
        plot.YLabel(ComponentLabel(2, ratio[1]));
        plot.Title(options.Title ?? DefaultTitle);
        plot.ShowLegend(Edge.Right);
        return plot.GetImageBytes(options.Width, options.Height, ImageFormat.Png);
    }

    /// <summary>Renders the scatter plot and writes it as a PNG file, atomically (a temporary file renamed into place).</summary>
    /// <param name="path">The PNG file to write; its folder is created when missing.</param>
    /// <param name="embeddings">The N×D embeddings.</param>
    /// <param name="groups">One group label per row of <paramref name="embeddings"/>.</param>
    /// <param name="options">Size of the image; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <inheritdoc cref="Render" path="/exception"/>
    public static Task SaveAsync(string path, Tensor embeddings, IReadOnlyList<string> groups, PlotOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return AtomicFile.WriteAllBytesAsync(path, Render(embeddings, groups, options), cancellationToken);
    }

    /// <summary>"PC1 (12.3%)".</summary>
    internal static string ComponentLabel(int component, double varianceRatio) =>
        string.Create(CultureInfo.InvariantCulture, $"PC{component} ({varianceRatio * 100:0.0}%)");

    /// <summary>
    /// Markers cycle with a period (7) prime to the palette's (10), so the first 70 groups all differ in
    /// colour or marker, and neighbouring groups differ in both.
    /// </summary>
    private static readonly MarkerShape[] GroupMarkers =
    {
        MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond,
        MarkerShape.FilledTriangleDown, MarkerShape.OpenCircle, MarkerShape.Eks,
    };
}
