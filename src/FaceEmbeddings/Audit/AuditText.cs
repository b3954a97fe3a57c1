using System.Globalization;
using FaceEmbeddings.Metrics;

namespace FaceEmbeddings.Audit;

/// <summary>
/// The words and number formats the Markdown and HTML reports share, so that both say the same thing the
/// same way (invariant culture: a report reads the same on every machine).
/// </summary>
internal static class AuditText
{
    public const string Title = "Bias audit";

    public const string GroupsHeading = "Groups";

    public const string CentroidsHeading = "Distances between group centroids";

    public static readonly string[] GroupColumns =
        { "Group", "Count", "WSS", "WSS per member", "Mean intra-group distance", "Median intra-group distance" };

    public static readonly string[] FalseMatchColumns = { "Group", "Pairs", "False matches", "False-match rate" };

    public const string GroupsExplanation =
        "WSS is the within sum of squares Σ‖x − μ‖² of a group's embeddings about their centroid μ; per member it " +
        "is the mean squared distance to the centroid, comparable across groups of different sizes. A smaller " +
        "value means the model packs the group's faces closer together: harder to tell apart.";

    public const string VerificationExplanation =
        "Every two images show different people, so every pair the model puts closer than a threshold is a false " +
        "match. The threshold is the (⌊f·M⌋ + 1)-th smallest of all M pair distances, the largest threshold at " +
        "which the overall false-match rate stays at or below the target f; each group's rate counts its own pairs.";

    public static string Summary(BiasAuditResult result) =>
        $"{Count(result.Embeddings)} embeddings of {Count(result.Dimensions)} dimensions in {Count(result.Groups.Count)} groups; " +
        $"{MetricNames.InText(result.Metric)} distance; {Count(result.DifferentPersonPairs)} different-person pairs.";

    public static string VerificationHeading(VerificationAtFalseMatchRate view) =>
        $"Verification at a false-match rate of {Rate(view.TargetFalseMatchRate)}";

    public static string ThresholdSentence(VerificationAtFalseMatchRate view, long pairs) =>
        $"Threshold {Quantity(view.Threshold)}: {Count(view.FalseMatches)} of {Count(pairs)} pairs lie closer " +
        $"(false-match rate {Rate(view.FalseMatchRate)}).";

    public static string RatioSentence(VerificationAtFalseMatchRate view)
    {
        GroupFalseMatchRate worst = view.Groups.First(g => g.Group == view.WorstGroup);
        GroupFalseMatchRate best = view.Groups.First(g => g.Group == view.BestGroup);
        string ratio = view.RatioKind switch
        {
            WorstToBestRatioKind.Finite => view.WorstToBestRatio!.Value.ToString("0.00", CultureInfo.InvariantCulture),
            WorstToBestRatioKind.Infinite => "∞ (the best group has no false match)",
            _ => "undefined (no group has a false match)",
        };
        return $"Worst to best: {view.WorstGroup} ({Rate(worst.FalseMatchRate)}) / {view.BestGroup} ({Rate(best.FalseMatchRate)}) = {ratio}";
    }

    /// <summary>The cells of a group's row in the groups table.</summary>
    public static string[] GroupRow(GroupStatistics group) =>
    [
        group.Group, Count(group.Count), Quantity(group.WithinSumOfSquares), Quantity(group.WithinSumOfSquaresPerMember),
        Quantity(group.MeanIntraGroupDistance), Quantity(group.MedianIntraGroupDistance),
    ];

    /// <summary>The cells of a group's row in a verification table.</summary>
    public static string[] FalseMatchRow(GroupFalseMatchRate group) =>
        [group.Group, Count(group.Pairs), Count(group.FalseMatches), Rate(group.FalseMatchRate)];

    /// <summary>The header of the centroid distance matrix: an empty corner, then the groups.</summary>
    public static string[] CentroidHeader(BiasAuditResult result) => [string.Empty, .. result.Groups.Select(g => g.Group)];

    /// <summary>The centroid distance matrix as rows of cells (group name, then one distance per group; 0 on the diagonal).</summary>
    public static string[][] CentroidRows(BiasAuditResult result)
    {
        var distance = new Dictionary<(string, string), double>();
        foreach (CentroidDistance d in result.CentroidDistances)
        {
            distance[(d.First, d.Second)] = d.Distance;
            distance[(d.Second, d.First)] = d.Distance;
        }
        return result.Groups.Select(row => new[] { row.Group }
            .Concat(result.Groups.Select(column => row.Group == column.Group ? Quantity(0)
                : distance.TryGetValue((row.Group, column.Group), out double value) ? Quantity(value) : "–"))
            .ToArray()).ToArray();
    }

    /// <summary>Distances, sums of squares, thresholds: four decimals.</summary>
    public static string Quantity(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    /// <summary>Rates: four significant digits.</summary>
    public static string Rate(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>Counts, with thousands separators.</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
