using FaceEmbeddings.Runtime;
using static TorchSharp.torch;

namespace FaceEmbeddings.Metrics;

/// <summary>
/// The result of <see cref="Clusters.Summarize"/>: one <see cref="GroupSummary"/> per group, in order of first
/// appearance, and the distances between the group centroids. Owns its tensors (detached from any dispose scope, so the
/// summary outlives the scope it was made in): dispose it to free them.
/// </summary>
public sealed class ClusterSummary : IDisposable
{
    private readonly Dictionary<string, int> positions;

    internal ClusterSummary(IReadOnlyList<GroupSummary> groups, Tensor centroidDistances)
    {
        Groups = groups;
        CentroidDistances = centroidDistances.DetachFromDisposeScope();
        positions = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < groups.Count; i++)
            positions[groups[i].Name] = i;
    }

    /// <summary>The groups in order of their first appearance in the labels.</summary>
    public IReadOnlyList<GroupSummary> Groups { get; }

    /// <summary>
    /// G×G distances between the centroids of <see cref="Groups"/> (same order), on the input's device and in its
    /// dtype; the diagonal is exactly 0.
    /// </summary>
    public Tensor CentroidDistances { get; }

    /// <summary>The summary of the group labelled <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No group has that label.</exception>
    public GroupSummary this[string name] => Groups[PositionOf(name)];

    /// <summary>The distance between the centroids of two groups, read back from <see cref="CentroidDistances"/>.</summary>
    /// <exception cref="KeyNotFoundException">No group has one of the labels.</exception>
    public double CentroidDistance(string first, string second)
    {
        using var value = CentroidDistances[PositionOf(first), PositionOf(second)];
        return value.ToDoubleValue();
    }

    /// <summary>Frees the centroids and <see cref="CentroidDistances"/>.</summary>
    public void Dispose()
    {
        foreach (var group in Groups)
            group.Dispose();
        CentroidDistances.Dispose();
    }

    private int PositionOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return positions.TryGetValue(name, out int position)
            ? position
            : throw new KeyNotFoundException($"No group is labelled '{name}'; the groups are {string.Join(", ", positions.Keys.Select(k => $"'{k}'"))}.");
    }
}
