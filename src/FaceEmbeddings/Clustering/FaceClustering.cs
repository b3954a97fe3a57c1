using FaceEmbeddings.Datasets;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Clustering;

/// <summary>
/// Groups faces by person without labels: Chinese Whispers (dlib's face clustering) on the graph that joins faces
/// closer than a threshold. Each face's neighbours come from <see cref="Distances.Nearest"/> on the embeddings' device,
/// in blocks bounded by <see cref="FaceClusteringOptions.BlockBytes"/>, so memory grows with N × k, never N × N;
/// the graph walk itself runs on the CPU.
/// </summary>
public static class FaceClustering
{
    /// <summary>Clusters the faces of <paramref name="set"/>; face i of <see cref="FaceEmbeddingSet.Faces"/> gets
    /// <see cref="FaceClusterResult.Labels"/>[i]. A doubtful detection (see <see cref="FaceClusteringOptions.IsDoubtful"/>)
    /// is joined to no other face: it stays a singleton.</summary>
    /// <inheritdoc cref="Cluster(Tensor, FaceClusteringOptions)"/>
    public static FaceClusterResult Cluster(FaceEmbeddingSet set, FaceClusteringOptions options)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(options);
        return Cluster(set.Embeddings, options, set.Faces.Select(face => !options.IsDoubtful(face.Face)).ToArray());
    }

    /// <summary>Clusters the rows of <paramref name="embeddings"/> (one face each).</summary>
    /// <param name="embeddings">N×D embeddings, floating point, finite, on any device; read, not kept.</param>
    /// <param name="options">The threshold and the search and walk settings.</param>
    /// <returns>A cluster for every face; the same for the same embeddings and seed.</returns>
    /// <exception cref="ArgumentException"><paramref name="embeddings"/> is not a non-empty N×D floating-point matrix of
    /// finite values (with no all-zero row under the cosine distance), or the options are invalid.</exception>
    public static FaceClusterResult Cluster(Tensor embeddings, FaceClusteringOptions options) => Cluster(embeddings, options, joinable: null);

    private static FaceClusterResult Cluster(Tensor embeddings, FaceClusteringOptions options, IReadOnlyList<bool>? joinable)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        TensorArguments.RequireMatrix(embeddings, nameof(embeddings));
        if (embeddings.shape[0] > int.MaxValue)
            throw new ArgumentException($"'{nameof(embeddings)}' has {embeddings.shape[0]} rows; at most {int.MaxValue} faces can be clustered.", nameof(embeddings));

        var graph = NeighbourGraph.Build(embeddings, options.Neighbours, options.Threshold.Distance, options.Threshold.Metric, options.BlockBytes, joinable);
        var (walkLabels, passes) = ChineseWhispers.Run(graph, options.Iterations, options.Seed);
        int[][] members = MembersLargestFirst(walkLabels);
        var labels = new int[walkLabels.Length];
        for (int cluster = 0; cluster < members.Length; cluster++)
            foreach (int face in members[cluster])
                labels[face] = cluster;
        int[] central = CentralMembers(embeddings, labels, members);
        var clusters = members.Select((faces, cluster) => new FaceCluster(cluster, faces, central[cluster])).ToList();
        return new FaceClusterResult(labels, clusters, graph.EdgeCount, passes);
    }

    /// <summary>The faces of each label, ascending, the clusters ordered largest first, then by their first face.</summary>
    private static int[][] MembersLargestFirst(int[] labels) =>
        Enumerable.Range(0, labels.Length)
            .GroupBy(face => labels[face])
            .Select(group => group.ToArray())   // faces ascending: the range is
            .OrderByDescending(faces => faces.Length)
            .ThenBy(faces => faces[0])
            .ToArray();

    /// <summary>Each cluster's member closest to the cluster's mean embedding (ties: the lower row).</summary>
    private static int[] CentralMembers(Tensor embeddings, int[] labels, int[][] members)
    {
        double[] distances;
        using (NewDisposeScope())
        using (no_grad())
        {
            var rows = embeddings.to(ScalarType.Float64);
            var index = tensor(labels.Select(label => (long)label).ToArray(), device: embeddings.device);
            var counts = tensor(members.Select(faces => (double)faces.Length).ToArray(), device: embeddings.device);
            var means = zeros(members.Length, rows.shape[1], dtype: ScalarType.Float64, device: embeddings.device)
                .index_add_(0, index, rows, TorchScalars.One)
                .div_(counts.unsqueeze(1));
            using Scalar minusOne = -1;
            distances = rows.add_(means.index_select(0, index), minusOne).norm(1).cpu().data<double>().ToArray();
        }
        return members.Select(faces => faces.MinBy(face => distances[face])).ToArray();
    }
}
