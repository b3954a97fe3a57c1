using System.Globalization;
using FaceEmbeddings.Metrics;

namespace FaceEmbeddings.Audit;

/// <summary>
/// An audit as one plain-text table and the sentences that follow it, for a terminal or a log: per group its figures, intervals
/// in brackets, then the ratios and the tests. What <c>faceembed audit</c> prints; the HTML and Markdown reports say the same
/// at length. Cells are plain text (no markup): a renderer escapes them as its medium needs.
/// </summary>
/// <param name="Title">One line: what was audited.</param>
/// <param name="Columns">The column headings; the first column names the group and reads best left-aligned, the rest are
/// figures and read best right-aligned.</param>
/// <param name="Rows">One row per group, each as many cells as <paramref name="Columns"/>.</param>
/// <param name="Notes">The sentences after the table: how the intervals were made, the spread between groups, the tests.</param>
public sealed record AuditTable(string Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows, IReadOnlyList<string> Notes)
{
    /// <summary>The embedding audit: per group its clustering figures and its false-match rate (and with identities, its
    /// false-non-match rate) at each operating point; then the too-small groups, the worst-to-best ratios, the equal-error
    /// rates and the comparisons.</summary>
    /// <param name="result">The audit.</param>
    /// <returns>The table.</returns>
    public static AuditTable Of(BiasAuditResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        bool identities = result.Bootstrap?.Identities == true;
        var columns = new List<string>(identities ? ["Group", "Faces", "People"] : ["Group", "Count"]);
        columns.AddRange(["WSS", "WSS/member", "Mean dist", "Median dist"]);
        foreach (VerificationAtFalseMatchRate view in result.Verification)
        {
            columns.Add($"FMR @ {AuditText.Rate(view.TargetFalseMatchRate)}");
            if (identities) columns.Add($"FNMR @ {AuditText.Rate(view.TargetFalseMatchRate)}");
        }

        var rows = new List<IReadOnlyList<string>>();
        foreach (GroupStatistics group in result.Groups)
        {
            var row = new List<string> { group.Group, group.Count.ToString(CultureInfo.InvariantCulture) };
            if (identities) row.Add(group.People.ToString(CultureInfo.InvariantCulture));
            row.AddRange([
                AuditText.Quantity(group.WithinSumOfSquares),
                AuditText.Quantity(group.WithinSumOfSquaresPerMember) + Compact(group.WithinSumOfSquaresPerMemberInterval, AuditText.Quantity),
                AuditText.Quantity(group.MeanIntraGroupDistance) + Compact(group.MeanIntraGroupDistanceInterval, AuditText.Quantity),
                AuditText.Quantity(group.MedianIntraGroupDistance),
            ]);
            foreach (VerificationAtFalseMatchRate view in result.Verification)
            {
                GroupFalseMatchRate rates = view.Groups.Single(g => g.Group == group.Group);
                row.Add(AuditText.Rate(rates.FalseMatchRate) + Compact(rates.FalseMatchRateInterval, AuditText.Rate));
                if (identities) row.Add(rates.FalseNonMatchRate is { } fnmr ? AuditText.Rate(fnmr) + Compact(rates.FalseNonMatchRateInterval, AuditText.Rate) : "–");
            }
            rows.Add(row);
        }
        foreach (TooSmallGroup group in result.TooSmallGroups)
        {
            var row = new List<string> { group.Group, group.Count.ToString(CultureInfo.InvariantCulture) };
            if (identities) row.Add(group.People.ToString(CultureInfo.InvariantCulture));
            row.Add($"too small ({group.People} < {group.MinimumPeople})");
            row.AddRange(Enumerable.Repeat("", columns.Count - row.Count));
            rows.Add(row);
        }

        var notes = new List<string>();
        if (result.Bootstrap is { Resamples: > 0 } settings)
            notes.Add($"[lower–upper]: {AuditText.Percent(settings.ConfidenceLevel)} bootstrap intervals over {AuditText.Count(settings.Resamples)} resamples "
                + $"of each group's people (seed {settings.Seed}); \"–\" none: no event to resample.");
        foreach (VerificationAtFalseMatchRate view in result.Verification)
        {
            string ratio = AuditText.WorstToBest(view)
                + (view.RatioKind == WorstToBestRatioKind.Finite ? "×" + AuditText.Interval(view.WorstToBestRatioInterval, AuditText.Ratio) : "");
            notes.Add($"At a false-match rate of {AuditText.Rate(view.TargetFalseMatchRate)} (threshold {AuditText.Quantity(view.Threshold)}): "
                + $"worst group {view.WorstGroup}, best {view.BestGroup}, worst/best {ratio}");
            notes.AddRange(AuditText.SpreadSentences(result, view).Where(s => s.Length > 0).Select(s => "  " + s));
        }
        notes.AddRange(result.DetCurves.Select(curve => $"Equal-error rate of {curve.Group}: {AuditText.Rate(curve.EqualErrorRate)}"));
        notes.AddRange(result.Comparisons.Select(AuditText.DifferenceSentence));
        return new AuditTable(
            $"Bias audit: {result.Embeddings} faces, {AuditText.Count(result.DifferentPersonPairs)} different-person pairs ({result.Metric} distance)",
            columns, rows, notes);
    }

    /// <summary>The attribute audit: per group its gender error rate and age errors with their intervals; then the tests.</summary>
    /// <param name="result">The audit.</param>
    /// <returns>The table.</returns>
    public static AuditTable Of(AttributeAuditResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new AuditTable(AttributeAuditText.Summary(result), AttributeAuditText.GroupColumnsOf(result),
            result.Groups.Select(group => (IReadOnlyList<string>)AttributeAuditText.GroupRow(result, group)).ToList(),
            AttributeAuditText.TestSentences(result).ToList());
    }

    /// <summary>A compact interval: " [a–b]", " [a–∞)" unbounded, " [–]" degenerate, "" none.</summary>
    private static string Compact(ConfidenceInterval? interval, Func<double, string> format) => interval switch
    {
        null => "",
        { Kind: IntervalKind.Degenerate } => " [–]",
        { Upper: null } => $" [{format(interval.Lower)}–∞)",
        _ => $" [{format(interval.Lower)}–{format(interval.Upper.Value)}]",
    };
}
