using FaceEmbeddings.Datasets;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.IO;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Plots;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Audit;

/// <summary>
/// Writes a bias audit as files a person can read: <c>audit.json</c>, <c>audit.md</c>, a self-contained
/// <c>report.html</c> (plots embedded as <c>data:</c> URIs: it references no other file and reads offline),
/// and the plots beside them as PNG: <c>pca.png</c>, <c>distances.png</c> and, when crops are given,
/// <c>faces.png</c>. Every file is written to a temporary name and renamed into place.
/// </summary>
public static class BiasAuditReport
{
    /// <summary>File name of the JSON result.</summary>
    public const string JsonFileName = "audit.json";

    /// <summary>File name of the Markdown result.</summary>
    public const string MarkdownFileName = "audit.md";

    /// <summary>File name of the HTML report.</summary>
    public const string HtmlFileName = "report.html";

    /// <summary>File name of the PCA scatter plot.</summary>
    public const string PcaPlotFileName = "pca.png";

    /// <summary>File name of the distance heatmap.</summary>
    public const string DistancePlotFileName = "distances.png";

    /// <summary>File name of the chart of each group's WSS per member with its interval.</summary>
    public const string WssIntervalsPlotFileName = "wss-intervals.png";

    /// <summary>File name of the chart of each group's false-match rates with their intervals (log axis).</summary>
    public const string FalseMatchPlotFileName = "false-match-rates.png";

    /// <summary>File name of the chart of each group's false non-match rates with their intervals (log axis), with identities.</summary>
    public const string FalseNonMatchPlotFileName = "false-non-match-rates.png";

    /// <summary>File name of the per-group DET curves, with identities.</summary>
    public const string DetPlotFileName = "det.png";

    /// <summary>File name of the face grid.</summary>
    public const string FaceGridFileName = "faces.png";

    /// <summary>Writes the report of an audit of <paramref name="set"/> (<see cref="BiasAudit.Run(FaceEmbeddingSet, AuditGrouping, BiasAuditOptions?, CancellationToken)"/>):
    /// its embeddings, its groups as <paramref name="grouping"/> makes them, and the crops it kept for the face grid.</summary>
    /// <param name="directory">The report's folder, created when missing.</param>
    /// <param name="result">The audit of <paramref name="set"/>.</param>
    /// <param name="set">The embedded faces the audit ran on.</param>
    /// <param name="grouping">The grouping the audit ran with.</param>
    /// <param name="options">The report's settings; the defaults when null.</param>
    /// <param name="cancellationToken">Cancels the writing.</param>
    public static Task<BiasAuditReportFiles> SaveAsync(string directory, BiasAuditResult result, FaceEmbeddingSet set, AuditGrouping grouping,
        BiasAuditReportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(grouping);
        return SaveAsync(directory, result, set.Embeddings, grouping.GroupsOf(set), set.Crops, set.CropRows, options, cancellationToken);
    }

    /// <summary>Writes the report of <paramref name="result"/> into <paramref name="directory"/> (created when missing).</summary>
    /// <param name="directory">The folder to write into; existing report files there are replaced.</param>
    /// <param name="result">The audit of <paramref name="embeddings"/> by <paramref name="groups"/> (<see cref="BiasAudit"/>.Run).</param>
    /// <param name="embeddings">The N×D embeddings that were audited, for the plots.</param>
    /// <param name="groups">Their N group labels, as audited.</param>
    /// <param name="faces">Optional M×3×S×S face crops for the face grid (uint8, or float as
    /// <see cref="BiasAuditReportOptions.FacesStandardized"/> says): row for row with <paramref name="embeddings"/>
    /// (M = N) when <paramref name="faceRows"/> is null.</param>
    /// <param name="faceRows">For each of <paramref name="faces"/>, the row of <paramref name="embeddings"/> it is the
    /// crop of (as <c>FaceEmbeddingSet.CropRows</c>), so that only the crops the grid shows need be kept.</param>
    /// <param name="options">Plot sizes and face grid settings.</param>
    /// <param name="cancellationToken">Checked between files.</param>
    /// <returns>The paths written.</returns>
    /// <exception cref="ArgumentException">An argument is malformed, or <paramref name="result"/> does not belong to these embeddings and groups.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; files already written stay complete.</exception>
    public static async Task<BiasAuditReportFiles> SaveAsync(string directory, BiasAuditResult result, Tensor embeddings,
        IReadOnlyList<string> groups, Tensor? faces = null, IReadOnlyList<int>? faceRows = null, BiasAuditReportOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(result);
        TensorArguments.RequireMatrix(embeddings, nameof(embeddings));
        GroupIndex index = GroupIndex.Of(groups, embeddings.shape[0], nameof(groups));
        var described = result.Groups.Select(g => (g.Group, g.Count)).Concat(result.TooSmallGroups.Select(g => (g.Group, g.Count)))
            .ToDictionary(g => g.Group, g => g.Count, StringComparer.Ordinal);
        if (result.Embeddings != embeddings.shape[0] || result.Dimensions != embeddings.shape[1] || described.Count != index.Names.Count
            || index.Names.Select((name, g) => described.TryGetValue(name, out int count) && count == index.Members[g].Count).Contains(false))
            throw new ArgumentException(
                $"The result describes {result.Embeddings}×{result.Dimensions} embeddings in groups {string.Join(", ", result.Groups.Select(g => $"'{g.Group}' ({g.Count})"))}, " +
                $"not the {TensorArguments.ShapeOf(embeddings)} embeddings and groups given.", nameof(result));
        int[]? rowOfFace = faces is null ? null : FaceRowsOf(faces, faceRows, embeddings.shape[0]);
        options ??= new BiasAuditReportOptions();
        options.Validate(nameof(options));
        if (faces is not null && faces.dtype == ScalarType.Byte && options.FacesStandardized)
            throw new ArgumentException("uint8 faces hold 0..255 values; set FacesStandardized to false for them.", nameof(options));

        string folder = Path.GetFullPath(directory);
        Directory.CreateDirectory(folder);
        var files = new BiasAuditReportFiles(
            Path.Combine(folder, JsonFileName), Path.Combine(folder, MarkdownFileName), Path.Combine(folder, HtmlFileName),
            Path.Combine(folder, PcaPlotFileName), Path.Combine(folder, DistancePlotFileName), faces is null ? null : Path.Combine(folder, FaceGridFileName));

        // The figures are independent of one another: they are drawn at once (PNG encoding and plotting are
        // single-threaded), then written one after the other in the report's order.
        PlotOptions plotOptions = options.PlotOptions;
        cancellationToken.ThrowIfCancellationRequested();
        Task<byte[]> pcaDrawing = Task.Run(() => PcaScatterPlot.Render(embeddings, groups, plotOptions), cancellationToken);
        Task<byte[]> heatmapDrawing = Task.Run(
            () => DistanceHeatmap.Render(embeddings, groups, plotOptions, result.Metric, options.HeatmapMaxItems), cancellationToken);
        Task<(string File, string Caption, byte[] Png)[]> chartDrawings = Task.Run(() => Charts(result, plotOptions).ToArray(), cancellationToken);
        Task<(byte[] Png, int Width, int Height)>? gridDrawing = faces is null ? null
            : Task.Run(() => FaceRows(faces, rowOfFace!, index, options), cancellationToken);
        await Task.WhenAll(gridDrawing is null ? [pcaDrawing, heatmapDrawing, chartDrawings] : [pcaDrawing, heatmapDrawing, chartDrawings, gridDrawing])
            .ConfigureAwait(false);

        var figures = new List<(string File, BiasAuditHtml.Figure Figure)>();
        byte[] pca = await pcaDrawing.ConfigureAwait(false);
        figures.Add((PcaPlotFileName, new BiasAuditHtml.Figure(
            "The embeddings on their first two principal components, one colour and marker per group.", pca, options.PlotWidth, options.PlotHeight)));
        await AtomicFile.WriteAllBytesAsync(files.PcaPlot, pca, cancellationToken).ConfigureAwait(false);

        cancellationToken.ThrowIfCancellationRequested();
        byte[] heatmap = await heatmapDrawing.ConfigureAwait(false);
        figures.Add((DistancePlotFileName, new BiasAuditHtml.Figure(
            $"Pairwise {MetricNames.InText(result.Metric)} distances between all faces, ordered by group; lines separate the groups.", heatmap, options.PlotWidth, options.PlotHeight)));
        await AtomicFile.WriteAllBytesAsync(files.DistancePlot, heatmap, cancellationToken).ConfigureAwait(false);

        var charts = new List<string>();
        foreach (var (file, caption, png) in await chartDrawings.ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            figures.Add((file, new BiasAuditHtml.Figure(caption, png, options.PlotWidth, options.PlotHeight)));
            string path = Path.Combine(folder, file);
            await AtomicFile.WriteAllBytesAsync(path, png, cancellationToken).ConfigureAwait(false);
            charts.Add(path);
        }

        if (gridDrawing is not null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            (byte[] grid, int width, int height) = await gridDrawing.ConfigureAwait(false);
            figures.Add((FaceGridFileName, new BiasAuditHtml.Figure(
                $"The first faces of each group, one row per group, top to bottom: {string.Join("; ", index.Names)}.", grid, width, height)));
            await AtomicFile.WriteAllBytesAsync(files.FaceGrid!, grid, cancellationToken).ConfigureAwait(false);
        }

        await AtomicFile.WriteAllBytesAsync(files.Json, System.Text.Encoding.UTF8.GetBytes(result.ToJson()), cancellationToken).ConfigureAwait(false);
        string markdown = BiasAuditMarkdown.Write(result, figures.Select(f => (f.File, f.Figure.Caption)).ToArray());
        await AtomicFile.WriteAllBytesAsync(files.Markdown, System.Text.Encoding.UTF8.GetBytes(markdown), cancellationToken).ConfigureAwait(false);
        string html = BiasAuditHtml.Write(result, figures.Select(f => f.Figure).ToArray());
        await AtomicFile.WriteAllBytesAsync(files.Html, System.Text.Encoding.UTF8.GetBytes(html), cancellationToken).ConfigureAwait(false);
        return files with { Charts = charts };
    }

    /// <summary>The charts of the figures with their intervals, and the DET curves when there are any.</summary>
    private static IEnumerable<(string File, string Caption, byte[] Png)> Charts(BiasAuditResult result, PlotOptions plotOptions)
    {
        string level = result.Bootstrap is { Resamples: > 0 } settings ? AuditText.Percent(settings.ConfidenceLevel) + " confidence intervals" : "no intervals";
        yield return (WssIntervalsPlotFileName, $"WSS per member of each group with its {level}.",
            IntervalChart.Render("WSS per member", "WSS per member",
                result.Groups.Select(g => new IntervalChart.Row(g.Group, g.WithinSumOfSquaresPerMember, g.WithinSumOfSquaresPerMemberInterval)).ToArray(),
                logarithmic: false, plotOptions));
        if (result.Verification.Count > 0)
        {
            yield return (FalseMatchPlotFileName,
                $"False-match rate of each group at each threshold (log axis) with its {level}; groups with no false match cannot sit on a log axis and are left out, and a lower bound of 0 runs to the left edge.",
                IntervalChart.Render("False-match rate per group", "False-match rate (log)",
                    result.Verification.SelectMany(view => view.Groups.Select(g => new IntervalChart.Row(
                        $"{g.Group} @ FMR {AuditText.Rate(view.TargetFalseMatchRate)}", g.FalseMatchRate, g.FalseMatchRateInterval))).ToArray(),
                    logarithmic: true, plotOptions));
            if (result.Verification.Any(view => view.Groups.Any(g => g.FalseNonMatchRate is not null)))
                yield return (FalseNonMatchPlotFileName,
                    $"False non-match rate of each group at each threshold (log axis) with its {level}; groups with no false non-match are left out.",
                    IntervalChart.Render("False non-match rate per group", "False non-match rate (log)",
                        result.Verification.SelectMany(view => view.Groups.Where(g => g.FalseNonMatchRate is not null).Select(g => new IntervalChart.Row(
                            $"{g.Group} @ FMR {AuditText.Rate(view.TargetFalseMatchRate)}", g.FalseNonMatchRate!.Value, g.FalseNonMatchRateInterval))).ToArray(),
                        logarithmic: true, plotOptions));
        }
        if (result.DetCurves.Count > 0)
            yield return (DetPlotFileName, DetPlot.Title + ": each group's false-match against false non-match rate (log–log), its equal-error rate in the legend.",
                DetPlot.Render(result.DetCurves, plotOptions));
    }

    /// <summary>The embedding row of each face, checked: <paramref name="faceRows"/>, or 0…N−1 when it is null.</summary>
    private static int[] FaceRowsOf(Tensor faces, IReadOnlyList<int>? faceRows, long embeddingCount)
    {
        if (faces.dim() != 4 || faces.shape[0] < 1)
            throw new ArgumentException($"Faces must be M×3×S×S with M ≥ 1; got [{string.Join(", ", faces.shape)}].", nameof(faces));
        if (faceRows is null)
        {
            if (faces.shape[0] != embeddingCount)
                throw new ArgumentException(
                    $"Without faceRows, faces must hold one crop per embedding ({embeddingCount}); got [{string.Join(", ", faces.shape)}].", nameof(faces));
            return Enumerable.Range(0, (int)embeddingCount).ToArray();
        }
        if (faceRows.Count != faces.shape[0])
            throw new ArgumentException($"faceRows must give the row of each of the {faces.shape[0]} faces; got {faceRows.Count} rows.", nameof(faceRows));
        int outside = faceRows.ToList().FindIndex(row => row < 0 || row >= embeddingCount);
        if (outside >= 0)
            throw new ArgumentException($"faceRows[{outside}] is {faceRows[outside]}, not a row of the {embeddingCount} embeddings.", nameof(faceRows));
        return faceRows.ToArray();
    }

    /// <summary>
    /// A face grid with one row per group: its first <see cref="BiasAuditReportOptions.FacesPerGroup"/> faces,
    /// black tiles where a group has fewer.
    /// </summary>
    private static (byte[] Png, int Width, int Height) FaceRows(Tensor faces, int[] rowOfFace, GroupIndex index, BiasAuditReportOptions options)
    {
        using var scope = NewDisposeScope();
        var shown = index.Names.Select(_ => new List<long>()).ToArray();
        for (int face = 0; face < rowOfFace.Length; face++)
        {
            List<long> ofGroup = shown[index.Codes[rowOfFace[face]]];
            if (ofGroup.Count < options.FacesPerGroup) ofGroup.Add(face);
        }
        int perRow = Math.Max(1, shown.Max(ofGroup => ofGroup.Count));
        var tiles = new List<Tensor>();
        // Black in the faces' own scale: 0, or 0 standardized.
        using Scalar black = (options.FacesStandardized ? PixelNormalization.Standardized.Apply(0f) : 0f).ToScalar();
        foreach (List<long> ofGroup in shown)
        {
            if (ofGroup.Count > 0)
                tiles.Add(faces.index_select(0, tensor(ofGroup.ToArray(), device: faces.device)));
            if (ofGroup.Count < perRow)
                tiles.Add(full(new[] { perRow - ofGroup.Count, faces.shape[1], faces.shape[2], faces.shape[3] }, black, faces.dtype, faces.device));
        }
        Tensor grid = FaceGrid.Make(cat(tiles, 0), options.FacesStandardized, new FaceGridOptions { ImagesPerRow = perRow }); // [3, H, W]
        return (FaceImage.EncodeRgb(grid), (int)grid.shape[2], (int)grid.shape[1]);
    }
}
