using FaceEmbeddings.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Metrics;

/// <summary>
/// False matches among different-person pairs at given distance thresholds: a pair matches when its distance
/// is strictly below the threshold. Counted for all pairs and for the pairs within each group, in one pass.
/// </summary>
internal sealed class FalseMatchCounts
{
    private FalseMatchCounts(long[] overall, long[][] perGroup)
    {
        Overall = overall;
        PerGroup = perGroup;
    }

    /// <summary>For each threshold, how many of all pairs fall strictly below it.</summary>
    public IReadOnlyList<long> Overall { get; }

    /// <summary>For each threshold, per group index, how many of the group's own pairs fall strictly below it.</summary>
    public IReadOnlyList<IReadOnlyList<long>> PerGroup { get; }

    /// <summary>Counts pairs below each of <paramref name="thresholds"/> in one pass over <paramref name="pairs"/>.</summary>
    public static FalseMatchCounts Count(DifferentPersonPairs pairs, IReadOnlyList<double> thresholds, int groupCount, CancellationToken cancellationToken) =>
        Count(visit => pairs.Visit(visit, withGroups: true, cancellationToken), thresholds, groupCount);

    /// <summary>Counts pairs below each of <paramref name="thresholds"/> among distances already gathered, with each
    /// pair's group as <see cref="DifferentPersonPairs.Visit"/> gives it (−1 across groups).</summary>
    public static FalseMatchCounts Count(Tensor distances, Tensor pairGroups, IReadOnlyList<double> thresholds, int groupCount) =>
        Count(visit => visit(distances, pairGroups), thresholds, groupCount);

    /// <summary>Counts over the (distances, pair groups) chunks that <paramref name="chunks"/> hands to its argument.</summary>
    private static FalseMatchCounts Count(Action<Action<Tensor, Tensor>> chunks, IReadOnlyList<double> thresholds, int groupCount)
    {
        using var scope = NewDisposeScope();
        var overall = new Tensor?[thresholds.Count];
        var perGroup = new Tensor?[thresholds.Count];
        chunks((distances, pairGroups) =>
        {
            Tensor values = distances.to(ScalarType.Float64);
            using Scalar noGroup = 0;
            Tensor within = pairGroups.ge(noGroup);
            for (int t = 0; t < thresholds.Count; t++)
            {
                using Scalar threshold = thresholds[t];
                Tensor below = values.lt(threshold);
                Tensor overallHere = below.sum();
                Tensor perGroupHere = pairGroups.masked_select(below.logical_and(within)).bincount(null, groupCount);
                if (overall[t] is null)
                {
                    overall[t] = overallHere.MoveToOuterDisposeScope();
                    perGroup[t] = perGroupHere.MoveToOuterDisposeScope();
                }
                else
                {
                    overall[t]!.PlusInPlace(overallHere);
                    perGroup[t]!.PlusInPlace(perGroupHere);
                }
            }
        });

        return new FalseMatchCounts(
            overall.Select(count => count?.item<long>() ?? 0L).ToArray(),
            perGroup.Select(counts => counts is null ? new long[groupCount] : counts.cpu().data<long>().ToArray()).ToArray());
    }
}
