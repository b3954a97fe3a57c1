using FaceEmbeddings.Datasets;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Recognition;
using static TorchSharp.torch;

namespace FaceEmbeddings.Clustering;

/// <summary>
/// The embeddings file beside a <see cref="ClusterReport"/>, opened to enrol named clusters into a gallery without detecting
/// or embedding the photos again: the faces of the clusters given one name become one person.
/// </summary>
public sealed class ClusterEmbeddings : IDisposable
{
    private readonly SafeTensorsFile file;
    private readonly Tensor embeddings;
    private readonly ClusterReport report;

    private ClusterEmbeddings(SafeTensorsFile file, Tensor embeddings, ClusterReport report)
    {
        this.file = file;
        this.embeddings = embeddings;
        this.report = report;
    }

    /// <summary>The length of an embedding.</summary>
    public int EmbeddingSize => (int)embeddings.shape[1];

    /// <summary>Opens the embeddings of <paramref name="report"/>, read from <paramref name="reportPath"/>, and checks that
    /// they cover its faces.</summary>
    /// <param name="reportPath">Where the report was read from; the embeddings file lies beside it.</param>
    /// <param name="report">The report (<see cref="ClusterReport.ReadAsync"/>).</param>
    /// <returns>The embeddings, which the caller disposes.</returns>
    /// <exception cref="ClusterReportException">The embeddings file is missing, or its rows do not cover the report's faces.</exception>
    public static ClusterEmbeddings Open(string reportPath, ClusterReport report)
    {
        ArgumentException.ThrowIfNullOrEmpty(reportPath);
        ArgumentNullException.ThrowIfNull(report);
        string path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(reportPath))!, report.Embeddings);
        if (!File.Exists(path))
            throw new ClusterReportException(reportPath, $"its embeddings file '{path}' is missing; keep it beside the report.");
        SafeTensorsFile file = SafeTensors.Load(path);
        try
        {
            Tensor embeddings = file.Tensors.TryGetValue(FaceEmbeddingSet.EmbeddingsKey, out Tensor? found) ? found
                : throw new ClusterReportException(reportPath, $"'{path}' holds no '{FaceEmbeddingSet.EmbeddingsKey}' tensor; cluster the photos again.");
            var rows = report.Clusters.SelectMany(cluster => cluster.Faces).Concat(report.Unclustered).Select(face => face.Row).ToList();
            int highest = rows.Count == 0 ? -1 : rows.Max();
            if (embeddings.dim() != 2 || highest >= embeddings.shape[0] || rows.Any(row => row < 0))
                throw new ClusterReportException(reportPath, $"'{path}' holds {string.Join("×", embeddings.shape)} embeddings, "
                    + $"which do not cover the clusters' faces (rows up to {highest}); cluster the photos again.");
            return new ClusterEmbeddings(file, embeddings, report);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The gallery these embeddings fit: the report's model and crop geometry, their size, and <paramref name="metric"/>.</summary>
    /// <param name="metric">The gallery's distance.</param>
    /// <returns>The descriptor to open or create the gallery with.</returns>
    public GalleryDescriptor DescriptorFor(DistanceMetric metric) => new(report.Model, EmbeddingSize, metric, report.CropGeometry);

    /// <summary>Enrols the faces of the named clusters into <paramref name="gallery"/>, one identity per distinct name.</summary>
    /// <param name="gallery">The gallery (of <see cref="DescriptorFor"/>'s model).</param>
    /// <param name="names">The clusters' names (<see cref="ClusterNames.Read"/>).</param>
    /// <param name="cancellationToken">Stops between people.</param>
    /// <returns>How many faces were enrolled.</returns>
    /// <exception cref="ArgumentException">A name's cluster is not in the report.</exception>
    public async Task<int> EnrollAsync(IFaceGallery gallery, IReadOnlyList<NamedCluster> names, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gallery);
        ArgumentNullException.ThrowIfNull(names);
        var byId = report.Clusters.ToDictionary(cluster => cluster.Id);
        if (names.FirstOrDefault(name => !byId.ContainsKey(name.Cluster)) is { } unknown)
            throw new ArgumentException($"Cluster {unknown.Cluster} ('{unknown.Name}') is not in the report; its clusters are 1 to {report.Clusters.Count}.", nameof(names));
        var identities = new string?[embeddings.shape[0]];
        foreach (NamedCluster name in names)
        {
            foreach (ClusterReportFace face in byId[name.Cluster].Faces)
                identities[face.Row] = name.Name;
        }
        return await gallery.EnrollRowsAsync(embeddings, identities, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => file.Dispose();
}
