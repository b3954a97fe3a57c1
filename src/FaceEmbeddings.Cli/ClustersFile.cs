using System.Text.Json;
using FaceEmbeddings.Clustering;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.IO;

namespace FaceEmbeddings.Cli;

/// <summary>
/// <c>clusters.json</c>, what <c>faceembed cluster</c> found and <c>faceembed gallery add --from-clusters</c> reads: the
/// clusters of at least <c>minSize</c> faces (numbered from 1, largest first) with their photos, faces and most central
/// face, the faces left unclustered, the files skipped, and the embeddings file beside it (row for row with the faces'
/// <c>row</c>).
/// </summary>
internal sealed record ClustersFile(
    string Source,
    string Model,
    string CropGeometry,
    string Metric,
    double Threshold,
    int MinSize,
    string Embeddings,
    int FaceCount,
    int PhotoCount,
    IReadOnlyList<ClusterEntry> Clusters,
    IReadOnlyList<ClusteredFace> Unclustered,
    IReadOnlyList<SkippedFile> Skipped)
{
    /// <summary>The file's name in the output folder.</summary>
    public const string FileName = "clusters.json";

    /// <summary>The embeddings' file name in the output folder.</summary>
    public const string EmbeddingsFileName = "embeddings.safetensors";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>What <paramref name="result"/> says of <paramref name="set"/>'s faces.</summary>
    public static ClustersFile Of(FaceEmbeddingSet set, FaceClusterResult result, FaceClusteringOptions options, string model, string cropGeometry, int minSize)
    {
        ClusteredFace FaceOf(int row)
        {
            EmbeddedFace face = set.Faces[row];
            var box = face.Face.Box;
            return new ClusteredFace(row, face.Item.Path, face.FaceIndex, [box.X1, box.Y1, box.X2, box.Y2], face.Face.Probability);
        }

        var kept = result.Clusters.Where(cluster => cluster.Count >= minSize).ToList();
        var clusters = kept.Select(cluster => new ClusterEntry(
            cluster.Id + 1,
            cluster.Count,
            FaceOf(cluster.Central),
            cluster.Members.Select(row => set.Faces[row].Item.Path).Distinct(StringComparer.Ordinal).ToList(),
            cluster.Members.Select(FaceOf).ToList())).ToList();
        var unclustered = result.Clusters.Where(cluster => cluster.Count < minSize)
            .SelectMany(cluster => cluster.Members).Order().Select(FaceOf).ToList();
        return new ClustersFile(set.Source, model, cropGeometry, options.Threshold.Metric.ToString().ToLowerInvariant(), options.Threshold.Distance, minSize,
            EmbeddingsFileName, set.Faces.Count, set.Faces.Select(face => face.Item.Path).Distinct(StringComparer.Ordinal).Count(),
            clusters, unclustered, set.Skipped.Select(skipped => new SkippedFile(skipped.Path, skipped.Reason.ToString(), skipped.Message)).ToList());
    }

    /// <summary>Writes the file to <paramref name="path"/> atomically.</summary>
    public Task SaveAsync(string path, CancellationToken cancellationToken) =>
        AtomicFile.WriteAllBytesAsync(path, JsonSerializer.SerializeToUtf8Bytes(this, Json), cancellationToken);

    /// <summary>Reads and checks <paramref name="path"/>.</summary>
    /// <exception cref="UsageException">The file is missing or is not a clusters file.</exception>
    public static async Task<ClustersFile> ReadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
            throw new UsageException($"--from-clusters {path}: no such file (write one with 'faceembed cluster <folder> --out <dir>').");
        ClustersFile? file;
        try
        {
            await using var stream = File.OpenRead(path);
            file = await JsonSerializer.DeserializeAsync<ClustersFile>(stream, Json, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException problem)
        {
            throw new UsageException($"--from-clusters {path}: not a clusters file written by 'faceembed cluster' ({problem.Message}).");
        }
        if (file is null || file.Clusters is null || string.IsNullOrEmpty(file.Model) || string.IsNullOrEmpty(file.CropGeometry) || string.IsNullOrEmpty(file.Embeddings)
            || file.Clusters.Any(cluster => cluster?.Faces is null || cluster.Faces.Count == 0)
            || file.Clusters.Select(cluster => cluster.Id).Distinct().Count() != file.Clusters.Count)
            throw new UsageException($"--from-clusters {path}: not a clusters file written by 'faceembed cluster' (model, crop geometry, embeddings or clusters missing, or a cluster id repeated).");
        return file;
    }
}

/// <summary>One cluster of <see cref="ClustersFile"/>.</summary>
/// <param name="Id">1 for the largest.</param>
/// <param name="Size">Its faces.</param>
/// <param name="Central">The face nearest the mean of the cluster's embeddings.</param>
/// <param name="Files">The photos its faces come from, each once.</param>
/// <param name="Faces">Its faces, in dataset order.</param>
internal sealed record ClusterEntry(int Id, int Size, ClusteredFace Central, IReadOnlyList<string> Files, IReadOnlyList<ClusteredFace> Faces);

/// <summary>One face of <see cref="ClustersFile"/>.</summary>
/// <param name="Row">Its row in the embeddings file.</param>
/// <param name="File">The photo.</param>
/// <param name="Face">Which face of the photo (0 for the largest).</param>
/// <param name="Box">x1, y1, x2, y2 in the photo's pixels.</param>
/// <param name="Probability">The detector's probability.</param>
internal sealed record ClusteredFace(int Row, string File, int Face, IReadOnlyList<float> Box, float Probability);

/// <summary>A file the clustering skipped, and why.</summary>
internal sealed record SkippedFile(string File, string Reason, string Message);
