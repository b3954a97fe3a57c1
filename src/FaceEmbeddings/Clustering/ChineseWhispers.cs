namespace FaceEmbeddings.Clustering;

/// <summary>
/// Chinese Whispers (Biemann 2006), as dlib's <c>chinese_whispers</c> runs it for face clustering: every face starts
/// in its own cluster; in each pass, in a random order, a face takes the label most common among itself and its
/// neighbours (all edges weigh 1, and the face's own label counts once, as the self-pair of dlib's example does).
/// Ties go to the lowest label, as dlib's (the first of its ordered map), so a seed fixes the result.
/// </summary>
internal static class ChineseWhispers
{
    /// <summary>The label of each node (one of the node indices) and the passes made.</summary>
    public static (int[] Labels, int Passes) Run(NeighbourGraph graph, int iterations, int seed)
    {
        int nodes = graph.NodeCount;
        var labels = new int[nodes];
        var order = new int[nodes];
        for (int node = 0; node < nodes; node++)
            labels[node] = order[node] = node;
        var votes = new int[nodes];
        var seen = new List<int>();
        var random = new Random(seed);
        int passes = 0;
        while (passes < iterations)
        {
            passes++;
            random.Shuffle(order);
            bool changed = false;
            foreach (int node in order)
            {
                int current = labels[node];
                votes[current] = 1;
                seen.Add(current);
                for (int edge = graph.Offsets[node]; edge < graph.Offsets[node + 1]; edge++)
                {
                    int label = labels[graph.Targets[edge]];
                    if (votes[label]++ == 0)
                        seen.Add(label);
                }
                int best = current;
                foreach (int label in seen)
                {
                    if (votes[label] > votes[best] || (votes[label] == votes[best] && label < best))
                        best = label;
                }
                foreach (int label in seen)
                    votes[label] = 0;
                seen.Clear();
                if (best != current)
                {
                    labels[node] = best;
                    changed = true;
                }
            }
            if (!changed)
                break;
        }
        return (labels, passes);
    }
}
