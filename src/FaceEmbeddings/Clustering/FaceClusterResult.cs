namespace FaceEmbeddings.Clustering;

/// <summary>
/// The clusters <see cref="FaceClustering"/> found: every face has one (<see cref="Labels"/>); clusters are numbered
/// largest first (ties: the cluster whose first face comes first), and faces alone in theirs are listed as
/// <see cref="Singletons"/>.
/// </summary>
public sealed class FaceClusterResult
{
    internal FaceClusterResult(IReadOnlyList<int> labels, IReadOnlyList<FaceCluster> clusters, long edges, int passes)
    {
        Labels = labels;
        Clusters = clusters;
        Singletons = clusters.Where(cluster => cluster.Count == 1).Select(cluster => cluster.Members[0]).Order().ToList();
        Edges = edges;
        Passes = passes;
    }

    /// <summary>Face i's cluster: an index into <see cref="Clusters"/>.</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>The clusters, largest first.</summary>
    public IReadOnlyList<FaceCluster> Clusters { get; }

    /// <summary>The faces alone in their cluster (no other face closer than the threshold), ascending.</summary>
    public IReadOnlyList<int> Singletons { get; }

    /// <summary>How many pairs of distinct faces the graph joined.</summary>
    public long Edges { get; }

    /// <summary>How many passes Chinese Whispers made before no label changed or the iterations ran out.</summary>
    public int Passes { get; }
}
