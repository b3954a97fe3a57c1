using static TorchSharp.torch;

namespace FaceEmbeddings.Metrics;

/// <summary>
/// How one group of embeddings clusters: its size, centroid, within sum of squares and intra-group distances.
/// Owns <see cref="Centroid"/> (detached from any dispose scope); disposing the <see cref="ClusterSummary"/> holding it
/// disposes it.
/// </summary>
public sealed class GroupSummary : IDisposable
{
    internal GroupSummary(string name, int count, Tensor centroid, double withinSumOfSquares, double? meanDistance, double? medianDistance)
    {
        Name = name;
        Count = count;
        Centroid = centroid.DetachFromDisposeScope();
        WithinSumOfSquares = withinSumOfSquares;
        MeanPairwiseDistance = meanDistance;
        MedianPairwiseDistance = medianDistance;
    }

    /// <summary>The group's label.</summary>
    public string Name { get; }

    /// <summary>How many embeddings belong to the group.</summary>
    public int Count { get; }

    /// <summary>The group's mean embedding (D values), on the input's device and in its dtype.</summary>
    public Tensor Centroid { get; }

    /// <summary>Σ‖x − μ‖² over the group's members (see <see cref="Clusters.WithinSumOfSquares"/>).</summary>
    public double WithinSumOfSquares { get; }

    /// <summary><see cref="WithinSumOfSquares"/> divided by <see cref="Count"/>: the mean squared distance to the centroid.</summary>
    public double WithinSumOfSquaresPerMember => WithinSumOfSquares / Count;

    /// <summary>Mean distance over the group's distinct pairs (i &lt; j); null for a group of one.</summary>
    public double? MeanPairwiseDistance { get; }

    /// <summary>
    /// Median distance over the group's distinct pairs (i &lt; j), the mean of the two middle values for an even
    /// number of pairs (as <c>numpy.median</c>); null for a group of one.
    /// </summary>
    public double? MedianPairwiseDistance { get; }

    /// <summary>Frees <see cref="Centroid"/>.</summary>
    public void Dispose() => Centroid.Dispose();
}
