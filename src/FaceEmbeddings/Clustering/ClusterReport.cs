using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.IO;

namespace FaceEmbeddings.Clustering;

/// <summary>
/// What a clustering of a photo collection found, as a JSON file (<c>clusters.json</c>, written by <c>faceembed cluster</c>):
/// the clusters of at least <c>minSize</c> faces (numbered from 1, largest first) with their photos, faces and most central
/// face, the faces left unclustered, the files skipped, and the name of the embeddings file beside it (row for row with the
/// faces' <c>row</c>; <see cref="ClusterEmbeddings"/> reads it back for enrolment).
/// </summary>
/// <param name="Source">The collection (folder or pattern).</param>
/// <param name="Model">The encoder's model name, as a gallery records it (<see cref="Recognition.GalleryDescriptor.Model"/>).</param>
/// <param name="CropGeometry">The crop geometry the embeddings were made with.</param>
/// <param name="Metric">The distance that joined faces, lower case.</param>
/// <param name="Threshold">Faces closer than this were joined.</param>
/// <param name="MinSize">Clusters with fewer faces are listed under <paramref name="Unclustered"/>.</param>
/// <param name="Embeddings">The embeddings file's name, beside the report.</param>
/// <param name="FaceCount">Every face found.</param>
/// <param name="PhotoCount">The photos with a face.</param>
/// <param name="Clusters">The clusters of at least <paramref name="MinSize"/> faces, largest first.</param>
/// <param name="Unclustered">The faces of smaller clusters, in dataset order.</param>
/// <param name="Skipped">The files the clustering skipped, and why.</param>
public sealed record ClusterReport(
    string Source,
    string Model,
    string CropGeometry,
    string Metric,
    double Threshold,
    int MinSize,
    string Embeddings,
    int FaceCount,
    int PhotoCount,
    IReadOnlyList<ClusterReportEntry> Clusters,
    IReadOnlyList<ClusterReportFace> Unclustered,
    IReadOnlyList<ClusterReportSkip> Skipped)
{
    /// <summary>The report's file name in the folder <c>faceembed cluster</c> writes.</summary>
    public const string FileName = "clusters.json";

    /// <summary>The embeddings' file name in that folder (<see cref="Embeddings"/> of the reports it writes).</summary>
    public const string EmbeddingsFileName = "embeddings.safetensors";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>What <paramref name="result"/> says of <paramref name="set"/>'s faces.</summary>
    /// <param name="set">The faces clustered.</param>
    /// <param name="result">Their clusters (<see cref="FaceClustering.Cluster(FaceEmbeddingSet, FaceClusteringOptions)"/>).</param>
    /// <param name="options">The clustering's options.</param>
    /// <param name="model">The encoder's model name.</param>
    /// <param name="cropGeometry">The crops' geometry name.</param>
    /// <param name="minSize">Clusters with fewer faces are listed as unclustered; at least 1.</param>
    /// <returns>The report.</returns>
    public static ClusterReport Of(FaceEmbeddingSet set, FaceClusterResult result, FaceClusteringOptions options, string model, string cropGeometry, int minSize)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentException.ThrowIfNullOrEmpty(cropGeometry);
        ArgumentOutOfRangeException.ThrowIfLessThan(minSize, 1);
        ClusterReportFace FaceOf(int row)
        {
            EmbeddedFace face = set.Faces[row];
            var box = face.Face.Box;
            return new ClusterReportFace(row, face.Item.Path, face.FaceIndex, [box.X1, box.Y1, box.X2, box.Y2], face.Face.Probability);
        }

        var kept = result.Clusters.Where(cluster => cluster.Count >= minSize).ToList();
        var clusters = kept.Select(cluster => new ClusterReportEntry(
            cluster.Id + 1,
            cluster.Count,
            FaceOf(cluster.Central),
            cluster.Members.Select(row => set.Faces[row].Item.Path).Distinct(StringComparer.Ordinal).ToList(),
            cluster.Members.Select(FaceOf).ToList())).ToList();
        var unclustered = result.Clusters.Where(cluster => cluster.Count < minSize)
            .SelectMany(cluster => cluster.Members).Order().Select(FaceOf).ToList();
        return new ClusterReport(set.Source, model, cropGeometry, options.Threshold.Metric.ToString().ToLowerInvariant(), options.Threshold.Distance, minSize,
            EmbeddingsFileName, set.Faces.Count, set.Faces.Select(face => face.Item.Path).Distinct(StringComparer.Ordinal).Count(),
            clusters, unclustered, set.Skipped.Select(skipped => new ClusterReportSkip(skipped.Path, skipped.Reason.ToString(), skipped.Message)).ToList());
    }

    /// <summary>"118 faces in 118 photos: 6 clusters of 2 faces or more, 3 faces unclustered (face-api-resnet, euclidean below 0.6)."</summary>
    [JsonIgnore]
    public string Summary => string.Create(CultureInfo.InvariantCulture,
        $"{Count(FaceCount, "face")} in {Count(PhotoCount, "photo")}: {Count(Clusters.Count, "cluster")} of {Count(MinSize, "face")} or more, "
        + $"{Count(Unclustered.Count, "face")} unclustered ({Model}, {Metric} below {Threshold}).");

    /// <summary>Writes the report to <paramref name="path"/> as JSON, atomically (no half-written file).</summary>
    /// <param name="path">Where.</param>
    /// <param name="cancellationToken">Stops before the file is in place.</param>
    public Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return AtomicFile.WriteAllBytesAsync(path, JsonSerializer.SerializeToUtf8Bytes(this, Json), cancellationToken);
    }

    /// <summary>Reads and checks a report that <see cref="SaveAsync"/> wrote.</summary>
    /// <param name="path">The report.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ClusterReportException">The file is missing or is not a cluster report.</exception>
    public static async Task<ClusterReport> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new ClusterReportException(path, "no such file.");
        ClusterReport? file;
        try
        {
            await using var stream = File.OpenRead(path);
            file = await JsonSerializer.DeserializeAsync<ClusterReport>(stream, Json, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException problem)
        {
            throw new ClusterReportException(path, $"not a cluster report ({problem.Message}).");
        }
        if (file is null || file.Clusters is null || string.IsNullOrEmpty(file.Model) || string.IsNullOrEmpty(file.CropGeometry) || string.IsNullOrEmpty(file.Embeddings)
            || file.Clusters.Any(cluster => cluster?.Faces is null || cluster.Faces.Count == 0)
            || file.Clusters.Select(cluster => cluster.Id).Distinct().Count() != file.Clusters.Count)
            throw new ClusterReportException(path, "not a cluster report (model, crop geometry, embeddings or clusters missing, or a cluster id repeated).");
        return file;
    }

    internal static string Count(int count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? "" : "s")}");
}

/// <summary>One cluster of a <see cref="ClusterReport"/>.</summary>
/// <param name="Id">1 for the largest.</param>
/// <param name="Size">Its faces.</param>
/// <param name="Central">The face nearest the mean of the cluster's embeddings.</param>
/// <param name="Files">The photos its faces come from, each once.</param>
/// <param name="Faces">Its faces, in dataset order.</param>
public sealed record ClusterReportEntry(int Id, int Size, ClusterReportFace Central, IReadOnlyList<string> Files, IReadOnlyList<ClusterReportFace> Faces);

/// <summary>One face of a <see cref="ClusterReport"/>.</summary>
/// <param name="Row">Its row in the embeddings file.</param>
/// <param name="File">The photo.</param>
/// <param name="Face">Which face of the photo (0 for the largest).</param>
/// <param name="Box">x1, y1, x2, y2 in the photo's pixels.</param>
/// <param name="Probability">The detector's probability.</param>
public sealed record ClusterReportFace(int Row, string File, int Face, IReadOnlyList<float> Box, float Probability);

/// <summary>A file the clustering skipped, and why.</summary>
/// <param name="File">The file.</param>
/// <param name="Reason">Why (<see cref="Datasets.SkipReason"/>'s name).</param>
/// <param name="Message">What went wrong, in a sentence.</param>
public sealed record ClusterReportSkip(string File, string Reason, string Message);
