using System.Globalization;
using System.Text;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.IO;
using FaceEmbeddings.Plots;
using SkiaSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Cli;

/// <summary>
/// <c>contact-sheet.html</c>: one row per cluster of a <see cref="ClustersFile"/>, largest first, each face a thumbnail
/// of its crop (the cluster's central face first, outlined), then the unclustered faces. One self-contained page:
/// styles inline and thumbnails as <c>data:</c> JPEGs, so it opens offline, mailed or moved. Every text is HTML-encoded.
/// </summary>
internal static class ContactSheet
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

    /// <summary>Writes the page to <paramref name="path"/> atomically.</summary>
    /// <param name="path">Where.</param>
    /// <param name="file">The clusters.</param>
    /// <param name="set">The faces' crops (<see cref="FaceEmbeddingSet.Crops"/>, every face's kept).</param>
    /// <param name="cancellationToken">Stops between thumbnails.</param>
    public static Task SaveAsync(string path, ClustersFile file, FaceEmbeddingSet set, CancellationToken cancellationToken) =>
        AtomicFile.WriteAllBytesAsync(path, System.Text.Encoding.UTF8.GetBytes(Write(file, Thumbnails(set, cancellationToken))), cancellationToken);

    /// <summary>The page, with <paramref name="thumbnails"/>[row] the JPEG of the face in that row.</summary>
    public static string Write(ClustersFile file, IReadOnlyDictionary<int, byte[]> thumbnails)
    {
        StringBuilder html = HtmlPage.Begin("Faces of " + file.Source, Style);
        html.Append("<h1>Faces of ").Append(Encode(file.Source)).AppendLine("</h1>");
        html.Append("<p class=\"summary\">").Append(Encode(Summary(file))).AppendLine("</p>");
        foreach (ClusterEntry cluster in file.Clusters)
        {
            var faces = cluster.Faces.Where(face => face.Row != cluster.Central.Row).Prepend(cluster.Central);
            Row(html, $"cluster-{cluster.Id}", $"Cluster {cluster.Id}", Count(cluster.Size, "face") + ", " + Count(cluster.Files.Count, "photo"),
                faces, cluster.Central.Row, thumbnails);
        }
        if (file.Unclustered.Count > 0)
            Row(html, "unclustered", "Unclustered", $"{Count(file.Unclustered.Count, "face")} in clusters of fewer than {file.MinSize}",
                file.Unclustered, central: null, thumbnails);
        return HtmlPage.End(html);
    }

    /// <summary>"118 faces in 118 photos: 6 clusters of 2 faces or more, 3 faces unclustered (face-api-resnet, euclidean below 0.6)."</summary>
    public static string Summary(ClustersFile file) => string.Create(CultureInfo.InvariantCulture,
        $"{Count(file.FaceCount, "face")} in {Count(file.PhotoCount, "photo")}: {Count(file.Clusters.Count, "cluster")} of {Count(file.MinSize, "face")} or more, "
        + $"{Count(file.Unclustered.Count, "face")} unclustered ({file.Model}, {file.Metric} below {file.Threshold}).");

    private static void Row(StringBuilder html, string id, string title, string detail, IEnumerable<ClusteredFace> faces, int? central,
        IReadOnlyDictionary<int, byte[]> thumbnails)
    {
        html.Append("<section id=\"").Append(id).Append("\"><h2>").Append(Encode(title)).Append(" <span>").Append(Encode(detail)).AppendLine("</span></h2>");
        html.Append("<div class=\"faces\">");
        foreach (ClusteredFace face in faces)
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
            thumbnails[set.CropRows[crop]] = FaceGrid.EncodeRgb(rgb, SKEncodedImageFormat.Jpeg);
        }
        return thumbnails;
    }

    private static string Count(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? "" : "s")}");

    private static string Encode(string text) => HtmlPage.Encode(text);
}
