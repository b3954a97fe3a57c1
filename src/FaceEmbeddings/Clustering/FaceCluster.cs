namespace FaceEmbeddings.Clustering;

/// <summary>One cluster of a <see cref="FaceClusterResult"/>: the faces taken for one person.</summary>
/// <param name="Id">Its position in <see cref="FaceClusterResult.Clusters"/>: 0 for the largest.</param>
/// <param name="Members">The rows of its faces in the clustered embeddings, ascending.</param>
/// <param name="Central">The member closest (Euclidean) to the mean of the members' embeddings: the face to show for
/// the cluster.</param>
public sealed record FaceCluster(int Id, IReadOnlyList<int> Members, int Central)
{
    /// <summary>How many faces the cluster holds.</summary>
    public int Count => Members.Count;
}
