using System.Diagnostics;
using FaceEmbeddings.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Audit;

/// <summary>
/// Measures whether a face model packs one demographic group tighter than another, and what that costs.
/// Over labelled embeddings of different people (one face per person, as in UTKFace) it reports, per group,
/// the clustering figures of <see cref="Clusters.Summarize"/> (count, WSS, WSS per member, mean and median
/// intra-group distance) and the distances between group centroids; and the verification view: for each
/// target false-match rate, the threshold that gives that rate over all different-person pairs, and the
/// rate each group's own pairs get at it, with the ratio of the worst group's rate to the best's.
/// </summary>
/// <remarks>
/// Pair distances are computed in chunks on the embeddings' device, never as a whole N×N matrix; the
/// thresholds are exact at any N (see <see cref="BiasAuditOptions.ExactQuantileMaxPairs"/>). The per-group
/// figures hold one group's pair distances at once (as <see cref="Clusters.Summarize"/> does).
/// </remarks>
public static class BiasAudit
{
    /// <summary>Audits <paramref name="embeddings"/> grouped by <paramref name="groups"/>.</summary>
    /// <param name="embeddings">N×D embeddings of N different people, N ≥ 2, floating point, finite.</param>
    /// <param name="groups">One non-empty group label per row; every group needs at least two members (one pair).</param>
    /// <param name="options">False-match rates, metric and memory bounds; defaults as documented there.</param>
    /// <param name="cancellationToken">Checked between chunks of pair distances.</param>
    /// <returns>The per-group figures (groups in order of first appearance) and the verification views.</returns>
    /// <exception cref="ArgumentException">An argument breaks one of the rules above; the message names it and what was wrong.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static BiasAuditResult Run(Tensor embeddings, IReadOnlyList<string> groups, BiasAuditOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        TensorArguments.RequireMatrix(embeddings, nameof(embeddings));
        if (embeddings.shape[0] < 2)
            throw new ArgumentException($"A bias audit needs at least two embeddings; got {TensorArguments.ShapeOf(embeddings)}.", nameof(embeddings));
        GroupIndex index = GroupIndex.Of(groups, embeddings.shape[0], nameof(groups));
        string[] tooSmall = index.Names.Where((_, g) => index.Members[g].Count < 2).ToArray();
        if (tooSmall.Length > 0)
            throw new ArgumentException(
                $"Every group needs at least two members for intra-group figures; these have one: {string.Join(", ", tooSmall.Select(n => $"'{n}'"))}.", nameof(groups));
        options ??= new BiasAuditOptions();
        options.Validate(nameof(options));

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using ClusterSummary summary = Clusters.Summarize(embeddings, groups, options.Metric);
        GroupStatistics[] statistics = summary.Groups.Select(group => new GroupStatistics
        {
            Group = group.Name,
            Count = group.Count,
            WithinSumOfSquares = group.WithinSumOfSquares,
            WithinSumOfSquaresPerMember = group.WithinSumOfSquaresPerMember,
            // Every group has two members or more (checked above), so these are never null.
            MeanIntraGroupDistance = group.MeanPairwiseDistance!.Value,
            MedianIntraGroupDistance = group.MedianPairwiseDistance!.Value,
        }).ToArray();

        Debug.Assert(statistics.Select(g => g.Group).SequenceEqual(index.Names), "Clusters.Summarize orders groups by first appearance, as GroupIndex does.");

        var pairs = new DifferentPersonPairs(
            embeddings,
            tensor(index.Codes.Select(code => (long)code).ToArray(), device: embeddings.device),
            (rows, columns) => Distances.Pairwise(rows, columns, options.Metric),
            options.MaxChunkDistances);
        return new BiasAuditResult
        {
            Embeddings = (int)embeddings.shape[0],
            Dimensions = (int)embeddings.shape[1],
            Metric = options.Metric,
            DifferentPersonPairs = pairs.Count,
            Groups = statistics,
            CentroidDistances = CentroidPairs(summary),
            Verification = options.FalseMatchRates.Count == 0 ? [] : Verify(pairs, options.FalseMatchRates, statistics, options.ExactQuantileMaxPairs, cancellationToken),
        };
    }

    /// <summary>⌊f·M⌋, the 0-based rank of the threshold among M pair distances (decimal arithmetic, so 1e-3 · 10⁶ is 1000, not 999).</summary>
    internal static long ThresholdRank(double rate, long pairs) => (long)Math.Floor((decimal)rate * pairs);

    /// <summary>One verification view per rate. Pairs few enough to hold are gathered with their groups in one pass,
    /// and thresholds and false matches read from memory; otherwise the thresholds take refinement passes and the
    /// false matches at all of them one more.</summary>
    private static VerificationAtFalseMatchRate[] Verify(DifferentPersonPairs pairs, IReadOnlyList<double> rates,
        GroupStatistics[] groups, long exactLimit, CancellationToken cancellationToken)
    {
        long[] ranks = rates.Select(rate => ThresholdRank(rate, pairs.Count)).ToArray();
        double[] thresholds;
        FalseMatchCounts counts;
        using (NewDisposeScope())
        {
            if (pairs.Count <= exactLimit)
            {
                (Tensor all, Tensor pairGroups) = PairDistanceQuantiles.Gather(pairs, withGroups: true, cancellationToken);
                thresholds = PairDistanceQuantiles.SelectIn(all, ranks);
                counts = FalseMatchCounts.Count(all, pairGroups, thresholds, groups.Length);
            }
            else
            {
                thresholds = PairDistanceQuantiles.Select(pairs, ranks, exactLimit, cancellationToken);
                counts = FalseMatchCounts.Count(pairs, thresholds, groups.Length, cancellationToken);
            }
        }
        return thresholds.Select((threshold, t) => View(rates[t], threshold, counts.Overall[t], pairs.Count, counts.PerGroup[t], groups)).ToArray();
    }

    private static CentroidDistance[] CentroidPairs(ClusterSummary summary)
    {
        int groupCount = summary.Groups.Count;
        double[] distances = summary.CentroidDistances.to(ScalarType.Float64).cpu().data<double>().ToArray(); // [G·G]
        var result = new List<CentroidDistance>();
        for (int i = 0; i < groupCount; i++)
            for (int j = i + 1; j < groupCount; j++)
                result.Add(new CentroidDistance { First = summary.Groups[i].Name, Second = summary.Groups[j].Name, Distance = distances[i * groupCount + j] });
        return result.ToArray();
    }

    private static VerificationAtFalseMatchRate View(double target, double threshold, long falseMatches, long pairs,
        IReadOnlyList<long> groupFalseMatches, IReadOnlyList<GroupStatistics> groups)
    {
        GroupFalseMatchRate[] rates = groups.Select((group, g) =>
        {
            long groupPairs = (long)group.Count * (group.Count - 1) / 2;
            return new GroupFalseMatchRate
            {
                Group = group.Group,
                Pairs = groupPairs,
                FalseMatches = groupFalseMatches[g],
                FalseMatchRate = (double)groupFalseMatches[g] / groupPairs,
            };
        }).ToArray();
        // First group on ties, for both ends.
        GroupFalseMatchRate worst = rates.Aggregate((a, b) => b.FalseMatchRate > a.FalseMatchRate ? b : a);
        GroupFalseMatchRate best = rates.Aggregate((a, b) => b.FalseMatchRate < a.FalseMatchRate ? b : a);
        return new VerificationAtFalseMatchRate
        {
            TargetFalseMatchRate = target,
            Threshold = threshold,
            FalseMatches = falseMatches,
            FalseMatchRate = (double)falseMatches / pairs,
            Groups = rates,
            WorstGroup = worst.Group,
            BestGroup = best.Group,
            WorstToBestRatio = best.FalseMatchRate > 0 ? worst.FalseMatchRate / best.FalseMatchRate : null,
        };
    }
}
