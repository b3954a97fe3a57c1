using System.Globalization;
using System.Text;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.IO;
using FaceEmbeddings.Imaging;
using SkiaSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Clustering;

/// <summary>
/// A clustering as an HTML page (<c>contact-sheet.html</c>) to check by eye: one row per cluster of a <see cref="ClusterReport"/>, largest first, each face a thumbnail
/// of its crop (the cluster's central face first, outlined), then the unclustered faces. One self-contained page:
/// styles inline and thumbnails as <c>data:</c> JPEGs, so it opens offline, mailed or moved. Every text is HTML-encoded.
/// </summary>
public static class ClusterContactSheet
{
    /// <summary>The file's name in the output folder.</summary>
    public const string FileName = "contact-sheet.html";

    private const string Style = """
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #222; margin: 0; background: #fafafa; }
        main { padding: 16px 24px; }
        h1 { margin: 0 0 4px; } p.summary { color: #555; margin: 0 0 16px; }
        section { background: #fff; border: 1px solid #e4e4e4; border-radius: 6px; padding: 8px 12px; margin: 10px 0; }
        h2 { font-size: 1.05em; margin: 0 0 6px; } h2 span { color: #666; font-weight: normal; }
        .faces { display: flex; flex-wrap: wrap; gap: 4px; }
        .faces img { width: 96px; height: 96px; border-radius: 4px; border: 2px solid transparent; }
        .faces img.central { border-color: #2a7ae2; }
        """;

    /// <summary>Writes the page to <paramref name="path"/> atomically (no half-written file).</summary>
    /// <param name="path">Where.</param>
    /// <param name="file">The clusters (<see cref="ClusterReport.Of"/> of <paramref name="set"/>).</param>
    /// <param name="set">The faces, every face's crop kept (<see cref="FaceEmbeddingSet.Crops"/>; <see cref="FaceDatasetOptions.KeepCrop"/>).</param>
    /// <param name="cancellationToken">Stops between thumbnails.</param>
    /// <exception cref="ArgumentException"><paramref name="set"/> does not keep every face's crop.</exception>
    public static Task SaveAsync(string path, ClusterReport file, FaceEmbeddingSet set, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(set);
        if (set.Crops is null || set.CropRows.Count != set.Faces.Count)
            throw new ArgumentException($"The contact sheet shows every face's crop; the set keeps {set.CropRows.Count} crops of its {set.Faces.Count} faces "
                + "(keep them all with FaceDatasetOptions.KeepCrop).", nameof(set));
        return AtomicFile.WriteAllBytesAsync(path, System.Text.Encoding.UTF8.GetBytes(Write(file, Thumbnails(set, cancellationToken))), cancellationToken);
    }

    /// <summary>The page, with <paramref name="thumbnails"/>[row] the JPEG of the face in that row.</summary>
    internal static string Write(ClusterReport file, IReadOnlyDictionary<int, byte[]> thumbnails)
    {
        StringBuilder html = HtmlPage.Begin("Faces of " + file.Source, Style);
        html.Append("<h1>Faces of ").Append(Encode(file.Source)).AppendLine("</h1>");
        html.Append("<p class=\"summary\">").Append(Encode(file.Summary)).AppendLine("</p>");
        foreach (ClusterReportEntry cluster in file.Clusters)
        {
            var faces = cluster.Faces.Where(face => face.Row != cluster.Central.Row).Prepend(cluster.Central);
            Row(html, $"cluster-{cluster.Id}", $"Cluster {cluster.Id}", ClusterReport.Count(cluster.Size, "face") + ", " + ClusterReport.Count(cluster.Files.Count, "photo"),
                faces, cluster.Central.Row, thumbnails);
        }
        if (file.Unclustered.Count > 0)
            Row(html, "unclustered", "Unclustered", $"{ClusterReport.Count(file.Unclustered.Count, "face")} in clusters of fewer than {file.MinSize}",
                file.Unclustered, central: null, thumbnails);
        return HtmlPage.End(html);
    }

    private static void Row(StringBuilder html, string id, string title, string detail, IEnumerable<ClusterReportFace> faces, int? central,
        IReadOnlyDictionary<int, byte[]> thumbnails)
    {
        html.Append("<section id=\"").Append(id).Append("\"><h2>").Append(Encode(title)).Append(" <span>").Append(Encode(detail)).AppendLine("</span></h2>");
        html.Append("<div class=\"faces\">");
        foreach (ClusterReportFace face in faces)
        {
            string label = string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(face.File)}, face {face.Face + 1}");
            html.Append("<img src=\"data:image/jpeg;base64,").Append(Convert.ToBase64String(thumbnails[face.Row])).Append('"')
                .Append(face.Row == central ? " class=\"central\"" : "")
                .Append(" alt=\"").Append(Encode(label)).Append("\" title=\"").Append(Encode(face.File)).Append("\">");
        }
        html.AppendLine("</div></section>");
    }

    /// <summary>Each kept crop as a JPEG, by its face's row.</summary>
    private static Dictionary<int, byte[]> Thumbnails(FaceEmbeddingSet set, CancellationToken cancellationToken)
    {
        var thumbnails = new Dictionary<int, byte[]>();
        if (set.Crops is not { } crops)
            return thumbnails;
        for (int crop = 0; crop < set.CropRows.Count; crop++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using Tensor rgb = crops[crop];
            thumbnails[set.CropRows[crop]] = FaceImage.EncodeRgb(rgb, SKEncodedImageFormat.Jpeg);
        }
        return thumbnails;
    }

    private static string Encode(string text) => HtmlPage.Encode(text);
}
