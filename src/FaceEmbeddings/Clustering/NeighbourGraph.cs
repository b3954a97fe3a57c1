using FaceEmbeddings.Metrics;
using static TorchSharp.torch;

namespace FaceEmbeddings.Clustering;

/// <summary>
/// The undirected graph joining each face to those of its k nearest neighbours closer than a threshold, in compressed
/// rows: face i's neighbours are <c>Targets[Offsets[i] .. Offsets[i + 1]]</c>, ascending, without i itself.
/// </summary>
internal sealed class NeighbourGraph
{
    private NeighbourGraph(int[] offsets, int[] targets)
    {
        Offsets = offsets;
        Targets = targets;
    }

    public int[] Offsets { get; }

    public int[] Targets { get; }

    public int NodeCount => Offsets.Length - 1;

    /// <summary>Pairs of distinct faces joined (each counted once).</summary>
    public long EdgeCount => Targets.Length / 2;

    /// <summary>
    /// Builds the graph of <paramref name="embeddings"/> (N×D, checked by <see cref="Distances.Nearest"/>) from their
    /// <paramref name="neighbours"/> nearest neighbours, found in blocks of at most <paramref name="blockBytes"/>; faces
    /// that <paramref name="joinable"/> (when given) marks false get no edge.
    /// </summary>
    public static NeighbourGraph Build(Tensor embeddings, int neighbours, double threshold, DistanceMetric metric, long blockBytes,
                                       IReadOnlyList<bool>? joinable = null)
    {
        int nodes = checked((int)embeddings.shape[0]);
        int k = (int)Math.Min(nodes, (long)neighbours + 1);   // + 1: each face finds itself
        double[] distances;
        long[] indices;
        using (NewDisposeScope())
        {
            var (nearest, rows) = Distances.Nearest(embeddings, embeddings, k, metric, blockBytes);
            distances = nearest.to(ScalarType.Float64).cpu().data<double>().ToArray();
            indices = rows.cpu().data<long>().ToArray();
        }

        var degrees = new int[nodes + 1];
        ForEachEdge(nodes, k, threshold, distances, indices, joinable, (from, to) =>
        {
            degrees[from]++;
            degrees[to]++;
        });
        var offsets = new int[nodes + 1];
        for (int node = 0; node < nodes; node++)
            offsets[node + 1] = offsets[node] + degrees[node];
        var targets = new int[offsets[nodes]];
        var filled = (int[])offsets.Clone();
        ForEachEdge(nodes, k, threshold, distances, indices, joinable, (from, to) =>
        {
            targets[filled[from]++] = to;
            targets[filled[to]++] = from;
        });
        return Deduplicated(offsets, targets);
    }

    /// <summary>Each neighbour pair (i, j ≠ i) of joinable faces closer than the threshold, once per direction it was
    /// found in.</summary>
    private static void ForEachEdge(int nodes, int k, double threshold, double[] distances, long[] indices, IReadOnlyList<bool>? joinable,
                                    Action<int, int> edge)
    {
        for (int node = 0; node < nodes; node++)
        {
            if (joinable is not null && !joinable[node])
                continue;
            for (int rank = 0; rank < k; rank++)
            {
                int position = node * k + rank;
                if (distances[position] >= threshold)
                    break;   // closest first: the rest are no closer
                int other = (int)indices[position];
                if (other != node && (joinable is null || joinable[other]))
                    edge(node, other);
            }
        }
    }

    /// <summary>Sorts each face's neighbours and drops the repeats of pairs found from both ends.</summary>
    private static NeighbourGraph Deduplicated(int[] offsets, int[] targets)
    {
        int nodes = offsets.Length - 1;
        var compactOffsets = new int[nodes + 1];
        int write = 0;
        for (int node = 0; node < nodes; node++)
        {
            int start = offsets[node], end = offsets[node + 1];
            Array.Sort(targets, start, end - start);
            compactOffsets[node] = write;
            for (int read = start; read < end; read++)
            {
                if (read == start || targets[read] != targets[read - 1])
                    targets[write++] = targets[read];
            }
        }
        compactOffsets[nodes] = write;
        return new NeighbourGraph(compactOffsets, targets[..write]);
    }
}
