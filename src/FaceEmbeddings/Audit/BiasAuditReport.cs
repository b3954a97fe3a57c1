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

    /// <summary>File name of the face grid.</summary>
    public const string FaceGridFileName = "faces.png";

    /// <summary>Writes the report of <paramref name="result"/> into <paramref name="directory"/> (created when missing).</summary>
    /// <param name="directory">The folder to write into; existing report files there are replaced.</param>
    /// <param name="result">The audit of <paramref name="embeddings"/> by <paramref name="groups"/> (<see cref="BiasAudit.Run"/>).</param>
    /// <param name="embeddings">The N×D embeddings that were audited, for the plots.</param>
    /// <param name="groups">Their N group labels, as audited.</param>
    /// <param name="faces">Optional N×3×S×S face crops, row for row with <paramref name="embeddings"/>, for the face grid.</param>
    /// <param name="options">Plot sizes and face grid settings.</param>
    /// <param name="cancellationToken">Checked between files.</param>
    /// <returns>The paths written.</returns>
    /// <exception cref="ArgumentException">An argument is malformed, or <paramref name="result"/> does not belong to these embeddings and groups.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; files already written stay complete.</exception>
    public static async Task<BiasAuditReportFiles> WriteAsync(string directory, BiasAuditResult result, Tensor embeddings,
        IReadOnlyList<string> groups, Tensor? faces = null, BiasAuditReportOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(result);
        TensorArguments.RequireMatrix(embeddings, nameof(embeddings));
        GroupIndex index = GroupIndex.Of(groups, embeddings.shape[0], nameof(groups));
        if (result.Embeddings != embeddings.shape[0] || result.Dimensions != embeddings.shape[1]
            || !result.Groups.Select(g => (g.Group, g.Count)).SequenceEqual(index.Names.Select((name, g) => (name, index.Members[g].Count))))
            throw new ArgumentException(
                $"The result describes {result.Embeddings}×{result.Dimensions} embeddings in groups {string.Join(", ", result.Groups.Select(g => $"'{g.Group}' ({g.Count})"))}, " +
                $"not the {TensorArguments.ShapeOf(embeddings)} embeddings and groups given.", nameof(result));
        if (faces is not null && (faces.dim() != 4 || faces.shape[0] != embeddings.shape[0]))
            throw new ArgumentException($"Faces must be N×3×S×S with one crop per embedding ({embeddings.shape[0]}); got [{string.Join(", ", faces.shape)}].", nameof(faces));
        options ??= new BiasAuditReportOptions();
        options.Validate(nameof(options));
        if (faces is not null && faces.dtype == ScalarType.Byte && options.FacesStandardized)
            throw new ArgumentException("uint8 faces hold 0..255 values; set FacesStandardized to false for them.", nameof(options));

        string folder = Path.GetFullPath(directory);
        Directory.CreateDirectory(folder);
        var files = new BiasAuditReportFiles(
            Path.Combine(folder, JsonFileName), Path.Combine(folder, MarkdownFileName), Path.Combine(folder, HtmlFileName),
            Path.Combine(folder, PcaPlotFileName), Path.Combine(folder, DistancePlotFileName), faces is null ? null : Path.Combine(folder, FaceGridFileName));

        var figures = new List<(string File, BiasAuditHtml.Figure Figure)>();
        PlotOptions plotOptions = options.PlotOptions;
        cancellationToken.ThrowIfCancellationRequested();
        byte[] pca = PcaScatterPlot.Render(embeddings, groups, plotOptions);
        figures.Add((PcaPlotFileName, new BiasAuditHtml.Figure(
            "The embeddings on their first two principal components, one colour and marker per group.", pca, options.PlotWidth, options.PlotHeight)));
        await AtomicFile.WriteAllBytesAsync(files.PcaPlot, pca, cancellationToken).ConfigureAwait(false);

        cancellationToken.ThrowIfCancellationRequested();
        byte[] heatmap = DistanceHeatmap.Render(embeddings, groups, plotOptions, result.Metric, options.HeatmapMaxItems);
        figures.Add((DistancePlotFileName, new BiasAuditHtml.Figure(
            $"Pairwise {MetricNames.InText(result.Metric)} distances between all faces, ordered by group; lines separate the groups.", heatmap, options.PlotWidth, options.PlotHeight)));
        await AtomicFile.WriteAllBytesAsync(files.DistancePlot, heatmap, cancellationToken).ConfigureAwait(false);

        if (faces is not null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            (byte[] grid, int width, int height) = FaceRows(faces, index, options);
            figures.Add((FaceGridFileName, new BiasAuditHtml.Figure(
                $"The first faces of each group, one row per group, top to bottom: {string.Join("; ", index.Names)}.", grid, width, height)));
            await AtomicFile.WriteAllBytesAsync(files.FaceGrid!, grid, cancellationToken).ConfigureAwait(false);
        }

        await AtomicFile.WriteAllBytesAsync(files.Json, System.Text.Encoding.UTF8.GetBytes(result.ToJson()), cancellationToken).ConfigureAwait(false);
        string markdown = BiasAuditMarkdown.Write(result, figures.Select(f => (f.File, f.Figure.Caption)).ToArray());
        await AtomicFile.WriteAllBytesAsync(files.Markdown, System.Text.Encoding.UTF8.GetBytes(markdown), cancellationToken).ConfigureAwait(false);
        string html = BiasAuditHtml.Write(result, figures.Select(f => f.Figure).ToArray());
        await AtomicFile.WriteAllBytesAsync(files.Html, System.Text.Encoding.UTF8.GetBytes(html), cancellationToken).ConfigureAwait(false);
        return files;
    }

    /// <summary>
    /// A face grid with one row per group: its first <see cref="BiasAuditReportOptions.FacesPerGroup"/> members,
    /// black tiles where a group has fewer.
    /// </summary>
    private static (byte[] Png, int Width, int Height) FaceRows(Tensor faces, GroupIndex index, BiasAuditReportOptions options)
    {
        using var scope = NewDisposeScope();
        int perRow = Math.Min(options.FacesPerGroup, index.Members.Max(members => members.Count));
        var tiles = new List<Tensor>();
        // Black in the faces' own scale: 0, or (0 − 127.5) / 128 standardized.
        using Scalar black = options.FacesStandardized ? -127.5 / 128 : 0.0;
        foreach (IReadOnlyList<int> members in index.Members)
        {
            Tensor shown = faces.index_select(0, tensor(members.Take(perRow).Select(row => (long)row).ToArray(), device: faces.device));
            tiles.Add(shown);
            if (shown.shape[0] < perRow)
                tiles.Add(full(new[] { perRow - shown.shape[0], faces.shape[1], faces.shape[2], faces.shape[3] }, black, faces.dtype, faces.device));
        }
        Tensor grid = FaceGrid.Make(cat(tiles, 0), options.FacesStandardized, new FaceGridOptions { ImagesPerRow = perRow }); // [3, H, W]
        return (FaceGrid.EncodeRgb(grid), (int)grid.shape[2], (int)grid.shape[1]);
    }
}
