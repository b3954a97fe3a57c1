using System.Diagnostics;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.Metrics;
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
    /// <summary>
    /// Audits the faces of <paramref name="set"/>, grouped and (with a people table) identified as
    /// <paramref name="grouping"/> says: the one call behind <c>faceembed audit</c>.
    /// </summary>
    /// <param name="set">The embedded faces.</param>
    /// <param name="grouping">How faces are grouped.</param>
    /// <param name="options">As for <see cref="Run(Tensor, IReadOnlyList{string}, IReadOnlyList{string}?, BiasAuditOptions?, CancellationToken)"/>.</param>
    /// <param name="cancellationToken">Checked between chunks of pair distances and between groups.</param>
    /// <exception cref="PeopleAttributesException">A face's person is not in the grouping's people table.</exception>
    /// <exception cref="AuditGroupsException">No group has enough people, or a comparison names a missing or too-small group.</exception>
    public static BiasAuditResult Run(FaceEmbeddingSet set, AuditGrouping grouping, BiasAuditOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(grouping);
        return Run(set.Embeddings, grouping.GroupsOf(set), grouping.IdentitiesOf(set), options, cancellationToken);
    }

    /// <summary>Audits <paramref name="embeddings"/> grouped by <paramref name="groups"/>, every face its own person.</summary>
    /// <param name="embeddings">N×D embeddings of N different people, N ≥ 2, floating point, finite.</param>
    /// <param name="groups">One non-empty group label per row.</param>
    /// <param name="options">False-match rates, metric, intervals, tests and memory bounds; defaults as documented there.</param>
    /// <param name="cancellationToken">Checked between chunks of pair distances and between groups.</param>
    /// <returns>The per-group figures (groups in order of first appearance) and the verification views.</returns>
    /// <exception cref="ArgumentException">An argument breaks one of the rules above, no group has <see cref="BiasAuditOptions.MinimumGroupSize"/>
    /// people, or a comparison names a group that is missing or too small; the message names it and what was wrong.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static BiasAuditResult Run(Tensor embeddings, IReadOnlyList<string> groups, BiasAuditOptions? options = null,
        CancellationToken cancellationToken = default) =>
        Run(embeddings, groups, identities: null, options, cancellationToken);

    /// <summary>
    /// Audits <paramref name="embeddings"/> grouped by <paramref name="groups"/>, with the person each face shows: pairs of
    /// two faces of one person are same-person pairs (counted for false non-matches and DET curves, never as false
    /// matches), intervals resample people, and a group's size is its number of people.
    /// </summary>
    /// <param name="embeddings">N×D embeddings, N ≥ 2, floating point, finite.</param>
    /// <param name="groups">One non-empty group label per row.</param>
    /// <param name="identities">One non-empty person label per row (all of a person's faces in one group), or null when
    /// every face is its own person.</param>
    /// <param name="options">False-match rates, metric, intervals, tests and memory bounds; defaults as documented there.</param>
    /// <param name="cancellationToken">Checked between chunks of pair distances and between groups.</param>
    /// <returns>The per-group figures (groups in order of first appearance), the verification views, the tests and DET curves.</returns>
    /// <exception cref="ArgumentException">An argument breaks one of the rules above, no group has <see cref="BiasAuditOptions.MinimumGroupSize"/>
    /// people, all faces show one person, or a comparison names a group that is missing or too small.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static BiasAuditResult Run(Tensor embeddings, IReadOnlyList<string> groups, IReadOnlyList<string>? identities,
        BiasAuditOptions? options = null, CancellationToken cancellationToken = default)
    {
        TensorArguments.RequireMatrix(embeddings, nameof(embeddings));
        if (embeddings.shape[0] < 2)
            throw new ArgumentException($"A bias audit needs at least two embeddings; got {TensorArguments.ShapeOf(embeddings)}.", nameof(embeddings));
        GroupIndex index = GroupIndex.Of(groups, embeddings.shape[0], nameof(groups));
        options ??= new BiasAuditOptions();
        options.Validate(nameof(options));
        AuditPeople people = AuditPeople.Of(identities, index, nameof(identities));
        if (people.Count < 2)
            throw new ArgumentException("All faces show one person, so there is no different-person pair to audit.", nameof(identities));

        int[] peoplePerGroup = Enumerable.Range(0, index.Names.Count).Select(g => people.InGroup(g).Length).ToArray();
        int[] audited = Enumerable.Range(0, index.Names.Count).Where(g => peoplePerGroup[g] >= options.MinimumGroupSize).ToArray();
        TooSmallGroup[] tooSmall = Enumerable.Range(0, index.Names.Count).Where(g => peoplePerGroup[g] < options.MinimumGroupSize)
            .Select(g => new TooSmallGroup { Group = index.Names[g], Count = index.Members[g].Count, People = peoplePerGroup[g], MinimumPeople = options.MinimumGroupSize })
            .ToArray();
        if (audited.Length == 0)
            throw new AuditGroupsException(
                $"No group has at least {options.MinimumGroupSize} people; the groups have {string.Join(", ", tooSmall.Select(t => $"'{t.Group}' {t.People}"))}.", nameof(groups));
        foreach (GroupComparison comparison in options.Comparisons)
        {
            foreach (string name in new[] { comparison.First, comparison.Second })
            {
                int g = index.Names.ToList().IndexOf(name);
                if (g < 0)
                    throw new AuditGroupsException($"Cannot compare group '{name}': there is no such group; the groups are {string.Join(", ", index.Names.Select(n => $"'{n}'"))}.", nameof(options));
                if (!audited.Contains(g))
                    throw new AuditGroupsException($"Cannot compare group '{name}': it has {peoplePerGroup[g]} people, fewer than the {options.MinimumGroupSize} the audit needs.", nameof(options));
            }
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using ClusterSummary summary = Clusters.Summarize(embeddings, groups, options.Metric);
        Debug.Assert(summary.Groups.Select(g => g.Name).SequenceEqual(index.Names), "Clusters.Summarize orders groups by first appearance, as GroupIndex does.");

        Tensor? personCodes = people.HasIdentities ? tensor(people.PersonOfFace.Select(p => (long)p).ToArray(), device: embeddings.device) : null;
        var pairs = new DifferentPersonPairs(
            embeddings,
            tensor(index.Codes.Select(code => (long)code).ToArray(), device: embeddings.device),
            (rows, columns) => Distances.Pairwise(rows, columns, options.Metric),
            options.MaxChunkDistances,
            personCodes);
        (double[] thresholds, FalseMatchCounts? counts) = options.FalseMatchRates.Count == 0 ? ([], null)
            : Thresholds(pairs, options.FalseMatchRates, index.Names.Count, options.ExactQuantileMaxPairs, cancellationToken);

        AuditUncertainty uncertainty = AuditUncertainty.Compute(embeddings, index, people, audited, thresholds, options, cancellationToken);
        GroupStatistics[] statistics = audited.Select(g =>
        {
            GroupSummary group = summary.Groups[g];
            AuditUncertainty.Group figures = uncertainty.Groups[g];
            return new GroupStatistics
            {
                Group = group.Name,
                Count = group.Count,
                People = figures.People,
                WithinSumOfSquares = group.WithinSumOfSquares,
                WithinSumOfSquaresPerMember = group.WithinSumOfSquaresPerMember,
                // Every audited group has two faces or more, so these are never null.
                MeanIntraGroupDistance = group.MeanPairwiseDistance!.Value,
                MedianIntraGroupDistance = group.MedianPairwiseDistance!.Value,
                WithinSumOfSquaresPerMemberInterval = figures.WithinSumOfSquaresPerMember,
                MeanIntraGroupDistanceInterval = figures.MeanIntraGroupDistance,
            };
        }).ToArray();

        var differences = new List<GroupDifference>();
        for (int c = 0; c < options.Comparisons.Count; c++)
            differences.AddRange(uncertainty.Compare(embeddings, index, people, options.Comparisons[c], c, options, cancellationToken));

        return new BiasAuditResult
        {
            Embeddings = (int)embeddings.shape[0],
            Dimensions = (int)embeddings.shape[1],
            Metric = options.Metric,
            DifferentPersonPairs = pairs.Count,
            People = people.Count,
            SamePersonPairs = pairs.SamePersonPairs,
            Groups = statistics,
            CentroidDistances = CentroidPairs(summary, audited),
            Verification = counts is null ? []
                : thresholds.Select((threshold, t) => View(t, options.FalseMatchRates[t], threshold, counts, pairs.Count, audited, index, uncertainty, options.ConfidenceLevel)).ToArray(),
            Bootstrap = new BootstrapSettings
            {
                Resamples = options.Resamples,
                ConfidenceLevel = options.ConfidenceLevel,
                Seed = options.Seed,
                Permutations = options.Permutations,
                Identities = people.HasIdentities,
            },
            TooSmallGroups = tooSmall,
            Comparisons = differences,
            DetCurves = uncertainty.DetCurves,
        };
    }

    /// <summary>The threshold of each rate, and the false matches at each. Pairs few enough to hold are gathered with their
    /// groups in one pass, and thresholds and false matches read from memory; otherwise the thresholds take refinement passes
    /// and the false matches at all of them one more.</summary>
    private static (double[] Thresholds, FalseMatchCounts Counts) Thresholds(DifferentPersonPairs pairs, IReadOnlyList<double> rates,
        int groupCount, long exactLimit, CancellationToken cancellationToken)
    {
        long[] ranks = rates.Select(rate => PairDistanceQuantiles.ThresholdRank(rate, pairs.Count)).ToArray();
        using (NewDisposeScope())
        {
            if (pairs.Count <= exactLimit)
            {
                (Tensor all, Tensor pairGroups) = PairDistanceQuantiles.Gather(pairs, withGroups: true, cancellationToken);
                double[] thresholds = PairDistanceQuantiles.SelectIn(all, ranks);
                return (thresholds, FalseMatchCounts.Count(all, pairGroups, thresholds, groupCount));
            }
            double[] refined = PairDistanceQuantiles.Select(pairs, ranks, exactLimit, cancellationToken);
            return (refined, FalseMatchCounts.Count(pairs, refined, groupCount, cancellationToken));
        }
    }

    private static CentroidDistance[] CentroidPairs(ClusterSummary summary, IReadOnlyList<int> audited)
    {
        int groupCount = summary.Groups.Count;
        double[] distances = summary.CentroidDistances.to(ScalarType.Float64).cpu().data<double>().ToArray(); // [G·G]
        var result = new List<CentroidDistance>();
        foreach (int i in audited)
            foreach (int j in audited.Where(j => j > i))
                result.Add(new CentroidDistance { First = summary.Groups[i].Name, Second = summary.Groups[j].Name, Distance = distances[i * groupCount + j] });
        return result.ToArray();
    }

    private static VerificationAtFalseMatchRate View(int t, double target, double threshold, FalseMatchCounts counts, long pairs,
        IReadOnlyList<int> audited, GroupIndex index, AuditUncertainty uncertainty, double level)
    {
        GroupFalseMatchRate[] rates = audited.Select(g =>
        {
            AuditUncertainty.Group figures = uncertainty.Groups[g];
            long falseMatches = counts.PerGroup[t][g];
            long samePersonPairs = figures.SamePersonPairs;
            long? falseNonMatches = samePersonPairs == 0 ? null : (long)Math.Round(figures.Point.FalseNonMatches(0, t));
            return new GroupFalseMatchRate
            {
                Group = index.Names[g],
                Pairs = figures.DifferentPersonPairs,
                FalseMatches = falseMatches,
                FalseMatchRate = (double)falseMatches / figures.DifferentPersonPairs,
                FalseMatchRateInterval = figures.RateInterval((s, b) => s.FalseMatches(b, t), (s, b) => s.DifferentPersonPairs(b)),
                SamePersonPairs = samePersonPairs,
                FalseNonMatches = falseNonMatches,
                FalseNonMatchRate = falseNonMatches is { } fnm ? (double)fnm / samePersonPairs : null,
                FalseNonMatchRateInterval = falseNonMatches is null ? null
                    : figures.RateInterval((s, b) => s.FalseNonMatches(b, t), (s, b) => s.SamePersonPairs(b)),
            };
        }).ToArray();
        // First group on ties, for both ends.
        GroupFalseMatchRate worst = rates.Aggregate((a, b) => b.FalseMatchRate > a.FalseMatchRate ? b : a);
        GroupFalseMatchRate best = rates.Aggregate((a, b) => b.FalseMatchRate < a.FalseMatchRate ? b : a);
        double? ratio = best.FalseMatchRate > 0 ? worst.FalseMatchRate / best.FalseMatchRate : null;

        string[] names = audited.Select(g => index.Names[g]).ToArray();
        AuditUncertainty.Group[] groups = audited.Select(g => uncertainty.Groups[g]).ToArray();
        int resampleCount = groups[0].Resamples?.Count ?? 0;
        IReadOnlyList<IReadOnlyList<(double, double)>>? Resampled(Func<GroupFigureSamples, int, (double, double)> count) =>
            groups.Any(g => g.Resamples is null) ? null
            : Enumerable.Range(0, resampleCount).Select(b => (IReadOnlyList<(double, double)>)groups.Select(g => count(g.Resamples!, b)).ToArray()).ToArray();
        var falseMatchResamples = Resampled((s, b) => (s.FalseMatches(b, t), s.DifferentPersonPairs(b)));

        return new VerificationAtFalseMatchRate
        {
            TargetFalseMatchRate = target,
            Threshold = threshold,
            FalseMatches = counts.Overall[t],
            FalseMatchRate = (double)counts.Overall[t] / pairs,
            Groups = rates,
            WorstGroup = worst.Group,
            BestGroup = best.Group,
            WorstToBestRatio = ratio,
            FalseMatchSpread = AuditUncertainty.Spread(names, rates.Select(r => ((double)r.FalseMatches, (double)r.Pairs)).ToArray(), falseMatchResamples, level),
            FalseNonMatchSpread = uncertainty.DetCurves.Count == 0 && groups.All(g => g.SamePersonPairs == 0) ? null
                : AuditUncertainty.Spread(names, rates.Select(r => ((double)(r.FalseNonMatches ?? 0), (double)r.SamePersonPairs)).ToArray(),
                    Resampled((s, b) => (s.FalseNonMatches(b, t), s.SamePersonPairs(b))), level),
        };
    }
}
