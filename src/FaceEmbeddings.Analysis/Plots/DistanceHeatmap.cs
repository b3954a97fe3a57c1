using FaceEmbeddings.IO;
using FaceEmbeddings.Metrics;
using ScottPlot;
using static TorchSharp.torch;

namespace FaceEmbeddings.Plots;

/// <summary>
/// The matrix of pairwise distances (<see cref="Distances.Pairwise"/>) with the embeddings ordered by group
/// (groups in order of first appearance, members in input order), row 0 at the top: white lines separate
/// the group blocks, each block is labelled with its group on both axes, and a colour bar gives the scale.
/// Above <see cref="DefaultMaxItems"/> embeddings (or the limit given), each group is thinned to evenly spaced
/// members in proportion to its size, and the title says how many are shown.
/// </summary>
public static class DistanceHeatmap
{
    /// <summary>The most embeddings drawn unless told otherwise: a 1000×1000 matrix already exceeds the pixels of a page.</summary>
    public const int DefaultMaxItems = 1000;

    /// <summary>Renders the heatmap as PNG.</summary>
    /// <param name="embeddings">N×D embeddings, floating point, finite.</param>
    /// <param name="groups">One non-empty group label per row of <paramref name="embeddings"/>.</param>
    /// <param name="options">Size (800×600 unless set) and title ("Pairwise Euclidean distances, ordered by group" unless set).</param>
    /// <param name="metric">The distance drawn.</param>
    /// <param name="maxItems">The most embeddings drawn (at least the number of groups).</param>
    /// <returns>The PNG file's bytes.</returns>
    /// <exception cref="ArgumentException">An argument is out of its stated range.</exception>
    public static byte[] Render(Tensor embeddings, IReadOnlyList<string> groups, PlotOptions? options = null,
        DistanceMetric metric = DistanceMetric.Euclidean, int maxItems = DefaultMaxItems)
    {
        TensorArguments.RequireMatrix(embeddings, nameof(embeddings));
        GroupIndex index = GroupIndex.Of(groups, embeddings.shape[0], nameof(groups));
        options ??= new PlotOptions();
        options.Validate(nameof(options));
        if (maxItems < index.Names.Count)
            throw new ArgumentOutOfRangeException(nameof(maxItems), maxItems, $"At least one embedding per group ({index.Names.Count}) must be drawn.");

        int[][] shown = Thin(index, maxItems);
        int count = shown.Sum(members => members.Length);
        double[,] matrix = DistanceMatrix(embeddings, shown.SelectMany(members => members).ToArray(), metric);

        using var plot = new Plot();
        PlotFont.Apply(plot);
        var heatmap = plot.Add.Heatmap(matrix);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        // Cell (row r, column c) covers x ∈ [c, c+1] and y ∈ [count − r − 1, count − r]: row 0 at the top.
        heatmap.Extent = new CoordinateRect(0, count, 0, count);
        // The zero diagonal would stretch the scale down to 0 and flatten the contrast between groups:
        // the scale spans the distances between different faces, and the diagonal takes its lowest colour.
        if (count > 1) heatmap.ManualRange = OffDiagonalRange(matrix);
        // No label on the colour bar: ScottPlot sizes its panel without the tick labels, so a label would
        // overlap them; the title names the metric instead.
        plot.Add.ColorBar(heatmap);

        var centres = new double[shown.Length];
        double boundary = 0;
        for (int g = 0; g < shown.Length; g++)
        {
            centres[g] = boundary + shown[g].Length / 2.0;
            boundary += shown[g].Length;
            if (g == shown.Length - 1) break;
            plot.Add.VerticalLine(boundary, 1.5f, Colors.White);
            plot.Add.HorizontalLine(count - boundary, 1.5f, Colors.White);
        }
        string[] labels = index.Names.Select(Shorten).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(centres, labels);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(centres.Select(c => count - c).ToArray(), labels);
        SlantCrowdedLabels(plot, labels, options.Width * shown.Min(members => members.Length) / (double)count);
        plot.Axes.SetLimits(0, count, 0, count);
        plot.HideGrid();

        string title = options.Title ?? $"Pairwise {MetricNames.InText(metric)} distances, ordered by group";
        if (count < embeddings.shape[0]) title += $" ({count} of {embeddings.shape[0]} faces shown)";
        plot.Title(title);
        return plot.GetImageBytes(options.Width, options.Height, ImageFormat.Png);
    }

    /// <summary>Renders the heatmap and writes it as a PNG file, atomically (a temporary file renamed into place).</summary>
    /// <param name="path">The PNG file to write; its folder is created when missing.</param>
    /// <param name="embeddings">The N×D embeddings.</param>
    /// <param name="groups">One group label per row of <paramref name="embeddings"/>.</param>
    /// <param name="options">Size of the image; defaults when null.</param>
    /// <param name="metric">The distance to plot.</param>
    /// <param name="maxItems">Above this many faces each group is thinned evenly.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <inheritdoc cref="Render" path="/exception"/>
    public static Task SaveAsync(string path, Tensor embeddings, IReadOnlyList<string> groups, PlotOptions? options = null,
        DistanceMetric metric = DistanceMetric.Euclidean, int maxItems = DefaultMaxItems, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return AtomicFile.WriteAllBytesAsync(path, Render(embeddings, groups, options, metric, maxItems), cancellationToken);
    }

    /// <summary>
    /// Each group's rows to draw: all of them when the total fits <paramref name="maxItems"/>; otherwise
    /// max(1, ⌊maxItems · size / N⌋) evenly spaced members of each group.
    /// </summary>
    internal static int[][] Thin(GroupIndex index, int maxItems)
    {
        int total = index.Codes.Count;
        if (total <= maxItems) return index.Members.Select(members => members.ToArray()).ToArray();
        return index.Members.Select(members =>
        {
            int keep = Math.Max(1, (int)((long)maxItems * members.Count / total));
            return Enumerable.Range(0, keep).Select(i => members[(int)((long)i * members.Count / keep)]).ToArray();
        }).ToArray();
    }

    /// <summary>Group names longer than this are cut, with an ellipsis, on the axes (the report tables keep them whole).</summary>
    private const int MaxLabelLength = 24;

    private static string Shorten(string label) => label.Length <= MaxLabelLength ? label : label[..(MaxLabelLength - 1)] + "…";

    /// <summary>
    /// Slants the bottom labels by 45° when the widest would overrun the narrowest block (of about
    /// <paramref name="narrowestBlockPixels"/>), and makes room for them below the axis.
    /// </summary>
    private static void SlantCrowdedLabels(Plot plot, string[] labels, double narrowestBlockPixels)
    {
        LabelStyle style = plot.Axes.Bottom.TickLabelStyle;
        using Paint paint = Paint.NewDisposablePaint();
        float widest = labels.Max(label => style.Measure(label, paint).Size.Width);
        // About 70% of the image width is data area, the rest axes, title margins and colour bar.
        if (widest <= 0.7 * narrowestBlockPixels) return;
        style.Rotation = 45;
        style.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = widest * 0.75f + 20;
    }

    private static ScottPlot.Range OffDiagonalRange(double[,] matrix)
    {
        double low = double.PositiveInfinity, high = double.NegativeInfinity;
        int size = matrix.GetLength(0);
        for (int row = 0; row < size; row++)
        {
            for (int column = 0; column < size; column++)
            {
                if (row == column) continue;
                low = Math.Min(low, matrix[row, column]);
                high = Math.Max(high, matrix[row, column]);
            }
        }
        return new ScottPlot.Range(low, high > low ? high : low + 1);
    }

    private static double[,] DistanceMatrix(Tensor embeddings, int[] rows, DistanceMetric metric)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor ordered = embeddings.index_select(0, tensor(rows.Select(r => (long)r).ToArray(), device: embeddings.device));
        double[] flat = Distances.Pairwise(ordered, metric: metric).to(ScalarType.Float64).cpu().data<double>().ToArray();
        var matrix = new double[rows.Length, rows.Length];
        Buffer.BlockCopy(flat, 0, matrix, 0, flat.Length * sizeof(double));
        return matrix;
    }
}
