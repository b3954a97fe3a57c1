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
        return $"Worst to best: {view.WorstGroup} ({Rate(worst.FalseMatchRate)}) / {view.BestGroup} ({Rate(best.FalseMatchRate)}) = {WorstToBest(view)}{Interval(view.WorstToBestRatioInterval, Ratio)}";
    }

    /// <summary>The worst-to-best ratio of false-match rates, or why there is none.</summary>
    public static string WorstToBest(VerificationAtFalseMatchRate view) => view.RatioKind switch
    {
        WorstToBestRatioKind.Finite => Ratio(view.WorstToBestRatio!.Value),
        WorstToBestRatioKind.Infinite => "∞ (the best group has no false match)",
        _ => "undefined (no group has a false match)",
    };

    /// <summary>Groups with fewer people than this get a warning that their intervals are wide and rough.</summary>
    public const int FewPeople = 20;

    public const string ComparisonsHeading = "Differences between groups";

    public const string DetHeading = "Detection error trade-off per group";

    public const string DetExplanation =
        "Each group's own false-match rate (its different-person pairs below the threshold) against its false non-match rate " +
        "(its same-person pairs at or above it) as the threshold sweeps; the equal-error rate is where the two meet.";

    /// <summary>The columns of the groups table: with a People column when faces carry identities.</summary>
    public static string[] GroupColumnsOf(BiasAuditResult result) => Identities(result)
        ? [GroupColumns[0], GroupColumns[1], "People", .. GroupColumns[2..]]
        : GroupColumns;

    /// <summary>The columns of a verification table: with false non-matches when faces carry identities.</summary>
    public static string[] FalseMatchColumnsOf(BiasAuditResult result) => Identities(result)
        ? [.. FalseMatchColumns, "Same-person pairs", "False non-matches", "False non-match rate"]
        : FalseMatchColumns;

    private static bool Identities(BiasAuditResult result) => result.Bootstrap?.Identities == true;

    /// <summary>The cells of a group's row in the groups table; intervals follow their figures.</summary>
    public static string[] GroupRow(GroupStatistics group) => GroupRow(group, identities: false);

    /// <summary>The cells of a group's row in the groups table of <paramref name="result"/>.</summary>
    public static string[] GroupRow(BiasAuditResult result, GroupStatistics group) => GroupRow(group, Identities(result));

    private static string[] GroupRow(GroupStatistics group, bool identities)
    {
        var cells = new List<string> { group.Group, Count(group.Count) };
        if (identities) cells.Add(Count(group.People));
        cells.AddRange([
            Quantity(group.WithinSumOfSquares),
            Quantity(group.WithinSumOfSquaresPerMember) + Interval(group.WithinSumOfSquaresPerMemberInterval, Quantity),
            Quantity(group.MeanIntraGroupDistance) + Interval(group.MeanIntraGroupDistanceInterval, Quantity),
            Quantity(group.MedianIntraGroupDistance),
        ]);
        return cells.ToArray();
    }

    /// <summary>The cells of a group's row in a verification table.</summary>
    public static string[] FalseMatchRow(GroupFalseMatchRate group) => FalseMatchRow(group, identities: false);

    /// <summary>The cells of a group's row in a verification table of <paramref name="result"/>.</summary>
    public static string[] FalseMatchRow(BiasAuditResult result, GroupFalseMatchRate group) => FalseMatchRow(group, Identities(result));

    private static string[] FalseMatchRow(GroupFalseMatchRate group, bool identities)
    {
        var cells = new List<string> { group.Group, Count(group.Pairs), Count(group.FalseMatches), Rate(group.FalseMatchRate) + Interval(group.FalseMatchRateInterval, Rate) };
        if (identities)
        {
            cells.Add(Count(group.SamePersonPairs));
            cells.Add(group.FalseNonMatches is { } misses ? Count(misses) : "–");
            cells.Add(group.FalseNonMatchRate is { } rate ? Rate(rate) + Interval(group.FalseNonMatchRateInterval, Rate) : "–");
        }
        return cells.ToArray();
    }

    /// <summary>" [lower, upper]" after a figure; " [lower, ∞)" unbounded; " (no interval: no events)" degenerate; empty when there is none.</summary>
    public static string Interval(ConfidenceInterval? interval, Func<double, string> format) => interval switch
    {
        null => "",
        { Kind: IntervalKind.Degenerate } => " (no interval: nothing to resample)",
        { Kind: IntervalKind.UnboundedAbove } => $" [{format(interval.Lower)}, no upper bound]",
        _ => $" [{format(interval.Lower)}, {format(interval.Upper!.Value)}]",
    };

    /// <summary>How the intervals were made, and which groups are too small for trustworthy ones; null without intervals.</summary>
    public static string? IntervalsExplanation(BiasAuditResult result)
    {
        if (result.Bootstrap is not { Resamples: > 0 } settings) return null;
        string[] few = result.Groups.Where(g => g.People < FewPeople).Select(g => g.Group).ToArray();
        return $"Brackets hold {Percent(settings.ConfidenceLevel)} confidence intervals from a bootstrap over {Count(settings.Resamples)} " +
            $"resamples of each group's people (seed {settings.Seed.ToString(CultureInfo.InvariantCulture)}; " +
            (settings.Identities ? "all of a person's faces travel together" : "every face is its own person") +
            "), thresholds held at their values on the whole sample: a group's own figures get bias-corrected and accelerated (BCa) " +
            "percentile intervals, widened for small groups, as do the differences tested between two groups; ratios between groups get plain percentile ones. A rate with no event (or only events) has no interval: no resample of the same people can change it." +
            (few.Length == 0 ? "" : $" Groups with fewer than {FewPeople} people have wide, rough intervals: {string.Join("; ", few)}.");
    }

    /// <summary>The sentence on the groups too small to audit; null when there are none.</summary>
    public static string? TooSmallSentence(BiasAuditResult result) => result.TooSmallGroups.Count == 0 ? null
        : $"Too small to audit (fewer than {result.TooSmallGroups[0].MinimumPeople} people), left out of the tables but counted in the thresholds: " +
          string.Join("; ", result.TooSmallGroups.Select(g => $"{g.Group} ({Count(g.Count)} {(g.Count == 1 ? "face" : "faces")}, {Count(g.People)} {(g.People == 1 ? "person" : "people")})")) + ".";

    /// <summary>The plain sentence of a test of a difference, naming the test the p-value comes from.</summary>
    public static string DifferenceSentence(GroupDifference difference)
    {
        Func<double, string> format = Quantity;
        string figure = difference.Figure == ComparedFigure.WithinSumOfSquaresPerMember ? "WSS per member" : "Mean intra-group distance";
        string level = Percent(difference.SignificanceLevel);
        string values = $"{figure}: {difference.First} {format(difference.FirstValue)}, {difference.Second} {format(difference.SecondValue)}";
        string interval = difference.DifferenceInterval is null ? "" : $" ({Percent(1 - difference.SignificanceLevel)} CI{Interval(difference.DifferenceInterval, format)})";
        string test = difference.Test == DifferenceTest.Bootstrap
            ? $"bootstrap test read from the interval's resamples, p = {PValue(difference.PValue)}"
            : $"permutation test, p = {PValue(difference.PValue)}, {Count(difference.Permutations)} permutations";
        return difference.Significant
            ? $"{values}. The difference, {Signed(difference.Difference)}{interval}, is significant at the {level} level ({test})."
            : $"{values}: no significant difference at the {level} level ({test}); the difference is {Signed(difference.Difference)}{interval}.";
    }

    /// <summary>The sentences on a spread summary of one rate, or on its absence.</summary>
    public static string SpreadSentence(string rateName, RateSpread? spread, bool anyTrials) => spread switch
    {
        null when !anyTrials => "",
        null => $"{rateName} spread: undefined (no group has an error).",
        _ => $"{rateName} spread across groups: max/min {Ratio(spread.MaxToMin)}{Interval(spread.MaxToMinInterval, Ratio)} " +
             $"({spread.HighestGroup} / {spread.LowestGroup}), max/geometric mean {Ratio(spread.MaxToGeometricMean)}{Interval(spread.MaxToGeometricMeanInterval, Ratio)}" +
             (spread.ZeroRateGroups.Count == 0 ? "." : $"; zero-rate rule ({RateSpread.ZeroRateRule}) applied to {string.Join("; ", spread.ZeroRateGroups)}."),
    };

    /// <summary>Ratios: two decimals.</summary>
    public static string Ratio(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>p-values: "&lt; 0.0001" below, else up to four significant digits.</summary>
    public static string PValue(double value) => value < 1e-4 ? "< 0.0001" : value.ToString("G3", CultureInfo.InvariantCulture);

    /// <summary>"95 %".</summary>
    public static string Percent(double share) => (share * 100).ToString("0.##", CultureInfo.InvariantCulture) + " %";

    private static string Signed(double value) => (value >= 0 ? "+" : "") + Quantity(value);

    /// <summary>The spread sentences of a verification view: false matches, then false non-matches when faces carry identities.</summary>
    public static IEnumerable<string> SpreadSentences(BiasAuditResult result, VerificationAtFalseMatchRate view)
    {
        yield return SpreadSentence("False-match rate", view.FalseMatchSpread, anyTrials: true);
        if (Identities(result))
            yield return SpreadSentence("False non-match rate", view.FalseNonMatchSpread, view.Groups.Any(g => g.SamePersonPairs > 0));
    }

    public static readonly string[] DetColumns = { "Group", "Same-person pairs", "Different-person pairs", "Equal-error rate" };

    public static string[] DetRow(GroupDetCurve curve) =>
        [curve.Group, Count(curve.SamePersonPairs), Count(curve.DifferentPersonPairs), Rate(curve.EqualErrorRate)];

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
