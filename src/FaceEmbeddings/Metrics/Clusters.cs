using FaceEmbeddings.Runtime;
using static TorchSharp.torch;

namespace FaceEmbeddings.Metrics;

/// <summary>
/// How tightly embeddings cluster: centroids, within sum of squares and per-group summaries, computed on the
/// input's device and returned in its dtype. (Torch's cascaded summation keeps float32 sums within about 1e-7
/// relative, so no float64 copy of the data is made.)
/// </summary>
public static class Clusters
{
    /// <summary>The mean of the rows of <paramref name="x"/>.</summary>
    /// <param name="x">N×D embeddings, floating point, finite.</param>
    /// <returns>D values on the device and in the dtype of <paramref name="x"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not a non-empty 2-D floating-point matrix of finite values.</exception>
    public static Tensor Centroid(Tensor x)
    {
        TensorArguments.RequireMatrix(x, nameof(x));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return x.mean([0]).MoveToOuterDisposeScope();
    }

    /// <summary>The within sum of squares Σᵢ‖xᵢ − μ‖², μ the centroid of the rows of <paramref name="x"/>.</summary>
    /// <param name="x">N×D embeddings, floating point, finite.</param>
    /// <returns>A 0-dimensional tensor on the device and in the dtype of <paramref name="x"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not a non-empty 2-D floating-point matrix of finite values.</exception>
    public static Tensor WithinSumOfSquares(Tensor x)
    {
        TensorArguments.RequireMatrix(x, nameof(x));
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return SumOfSquaredDeviations(x, x.mean([0])).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Summarizes the groups of embeddings labelled by <paramref name="groups"/>: count, centroid, within sum of
    /// squares (total and per member), mean and median intra-group distance, and the distances between centroids.
    /// Centroids stay on the device; the scalar figures are read back as <see cref="double"/>.
    /// </summary>
    /// <remarks>The median holds the n(n − 1)/2 distances of the largest group at once.</remarks>
    /// <param name="x">N×D embeddings, floating point, finite.</param>
    /// <param name="groups">N labels, one per row of <paramref name="x"/>; none null or empty.</param>
    /// <param name="metric">The distance for the intra-group and centroid distances.</param>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not a non-empty 2-D floating-point matrix of finite
    /// values, or <paramref name="groups"/> does not hold one non-empty label per row.</exception>
    public static ClusterSummary Summarize(Tensor x, IReadOnlyList<string> groups, DistanceMetric metric = DistanceMetric.Euclidean)
    {
        TensorArguments.RequireMatrix(x, nameof(x));
        GroupIndex index = GroupIndex.Of(groups, x.shape[0], nameof(groups));

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var summaries = new List<GroupSummary>(index.Names.Count);
        var centroids = new List<Tensor>(index.Names.Count);
        try
        {
            for (int group = 0; group < index.Names.Count; group++)
            {
                using var groupScope = NewDisposeScope();
                string label = index.Names[group];
                var rows = x.index_select(0, tensor(index.Members[group].Select(row => (long)row).ToArray(), device: x.device));
                var centroid = rows.mean([0]);
                double wss = SumOfSquaredDeviations(rows, centroid).ToDoubleValue();
                var (mean, median) = PairDistanceStatistics(rows, metric, label);
                centroids.Add(centroid.MoveToOuterDisposeScope());
                summaries.Add(new GroupSummary(label, (int)rows.shape[0], centroid.clone(), wss, mean, median));
            }
            // The summaries detach their tensors; the scope frees the rest.
            return new ClusterSummary(summaries, Distances.Pairwise(stack(centroids), metric: metric));
        }
        catch
        {
            foreach (var summary in summaries)
                summary.Dispose();
            throw;
        }
    }

    private static Tensor SumOfSquaredDeviations(Tensor x, Tensor centroid)
    {
        Tensor deviations = x - centroid;
        return deviations.mul_(deviations).sum();
    }

    /// <summary>Mean and median of the distances between distinct members; nulls for a group of one.</summary>
    private static (double? Mean, double? Median) PairDistanceStatistics(Tensor rows, DistanceMetric metric, string label)
    {
        if (rows.shape[0] < 2)
            return (null, null);
        var distances = Distances.UpperTriangle(rows, metric, $"x (group '{label}')");
        long pairs = distances.shape[0];
        double mean = distances.sum(type: ScalarType.Float64).ToDoubleValue() / pairs;
        double lowerMiddle = distances.kthvalue((pairs + 1) / 2, 0).Item1.ToDoubleValue();
        double median = pairs % 2 == 1 ? lowerMiddle : (lowerMiddle + distances.kthvalue(pairs / 2 + 1, 0).Item1.ToDoubleValue()) / 2;
        return (mean, median);
    }
}
