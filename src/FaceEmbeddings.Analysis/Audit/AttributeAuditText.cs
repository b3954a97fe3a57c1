using System.Globalization;

namespace FaceEmbeddings.Audit;

/// <summary>The words and number formats the Markdown and HTML attribute reports share (invariant culture).</summary>
internal static class AttributeAuditText
{
    public const string Title = "Attribute audit";

    public const string GroupsHeading = "Apparent gender and age per group";

    public const string ConfusionHeading = "Gender confusion per group (labelled → predicted)";

    public const string TestsHeading = "Spread across groups";

    public static readonly string[] ConfusionColumns = ["Group", "male → male", "male → female", "female → male", "female → female"];

    public const string Limits =
        "Labels are binary apparent-gender labels and ages that annotators assigned from photographs; the predictions are " +
        "apparent gender and apparent age. An error rate here measures disagreement with annotators, not with anyone's gender " +
        "identity or real age. These predictions must not be used to make decisions about people.";

    public static string Summary(AttributeAuditResult result) =>
        $"{AuditText.Count(result.Faces)} faces in {AuditText.Count(result.Groups.Count + result.TooSmallGroups.Count)} groups: the predicted gender " +
        $"differs from the label on {Rate(result.GenderErrorRate)} of them; the predicted age is off by {Years(result.AgeMeanAbsoluteError)} years " +
        $"on average (mean signed error {Signed(result.AgeMeanSignedError)} years).";

    public static string[] GroupColumnsOf(AttributeAuditResult result) => result.Bootstrap.Identities
        ? ["Group", "Faces", "People", "Gender errors", "Gender error rate", "Age MAE (years)", "Age mean signed error (years)"]
        : ["Group", "Faces", "Gender errors", "Gender error rate", "Age MAE (years)", "Age mean signed error (years)"];

    public static string[] GroupRow(AttributeAuditResult result, AttributeGroupStatistics group)
    {
        var cells = new List<string> { group.Group, AuditText.Count(group.Faces) };
        if (result.Bootstrap.Identities) cells.Add(AuditText.Count(group.People));
        cells.AddRange([
            AuditText.Count(group.GenderErrors),
            Rate(group.GenderErrorRate) + AuditText.Interval(group.GenderErrorRateInterval, Rate),
            Years(group.AgeMeanAbsoluteError) + AuditText.Interval(group.AgeMeanAbsoluteErrorInterval, Years),
            Signed(group.AgeMeanSignedError) + AuditText.Interval(group.AgeMeanSignedErrorInterval, Signed),
        ]);
        return cells.ToArray();
    }

    public static string[] ConfusionRow(AttributeGroupStatistics group) =>
    [
        group.Group, AuditText.Count(group.Confusion.MaleAsMale), AuditText.Count(group.Confusion.MaleAsFemale),
        AuditText.Count(group.Confusion.FemaleAsMale), AuditText.Count(group.Confusion.FemaleAsFemale),
    ];

    /// <summary>The sentences under the groups table: intervals, and the groups too small to audit.</summary>
    public static IEnumerable<string> GroupNotes(AttributeAuditResult result)
    {
        BootstrapSettings settings = result.Bootstrap;
        if (settings.Resamples > 0)
            yield return $"Brackets hold {AuditText.Percent(settings.ConfidenceLevel)} confidence intervals from {AuditText.Count(settings.Resamples)} " +
                $"bootstrap resamples of each group's people (seed {settings.Seed.ToString(CultureInfo.InvariantCulture)}; " +
                (settings.Identities ? "all of a person's faces travel together" : "every face is its own person") +
                "): bias-corrected and accelerated for a group's own figures, plain percentile for ratios and gaps. A rate with no error " +
                "(or only errors) has no interval: no resample of the same people can change it.";
        if (result.TooSmallGroups.Count > 0)
            yield return $"Too small to audit (fewer than {result.TooSmallGroups[0].MinimumPeople} people), counted only overall: " +
                string.Join("; ", result.TooSmallGroups.Select(g => $"{g.Group} ({AuditText.Count(g.Count)} {(g.Count == 1 ? "face" : "faces")})")) + ".";
        yield return "The mean signed error is predicted − labelled age: above zero, the network makes the group look older.";
    }

    /// <summary>The worst to best ratio, the two gap tests and the Gender Shades comparison.</summary>
    public static IEnumerable<string> TestSentences(AttributeAuditResult result)
    {
        if (result.GenderErrorSpread is { } spread)
            yield return $"Gender error rate, worst group to best: {spread.HighestGroup} / {spread.LowestGroup} = {AuditText.Ratio(spread.MaxToMin)}" +
                AuditText.Interval(spread.MaxToMinInterval, AuditText.Ratio) +
                $"; worst to the geometric mean of all groups {AuditText.Ratio(spread.MaxToGeometricMean)}{AuditText.Interval(spread.MaxToGeometricMeanInterval, AuditText.Ratio)}" +
                (spread.ZeroRateGroups.Count == 0 ? "." : $" (a group without error counts as half an error: {string.Join("; ", spread.ZeroRateGroups)}).");
        else if (result.Groups.Count > 0)
            yield return "Gender error rate, worst group to best: undefined (no group has an error).";
        if (result.GenderErrorGap is { } genderGap) yield return GapSentence(genderGap);
        if (result.AgeErrorGap is { } ageGap) yield return GapSentence(ageGap);
        yield return GenderShadesSentence(result);
    }

    /// <summary>
    /// The gap, its interval and its test. The p-value is the permutation test's over all groups, the interval the two
    /// groups' alone: where one calls the gap significant and the other does not, the sentence says so and why.
    /// </summary>
    public static string GapSentence(AttributeGap gap)
    {
        Func<double, string> format = gap.Figure == AttributeFigure.GenderErrorRate ? Rate : Years;
        string figure = gap.Figure == AttributeFigure.GenderErrorRate ? "gender error rate" : "age MAE (years)";
        string level = AuditText.Percent(gap.SignificanceLevel);
        string test = $"permutation test of the largest gap over all groups, p = {AuditText.PValue(gap.PValue)}, {AuditText.Count(gap.Permutations)} permutations";
        string sentence = $"Largest gap in {figure}: {gap.HighestGroup} {format(gap.HighestValue)} − {gap.LowestGroup} {format(gap.LowestValue)} = " +
            $"{format(gap.Gap)}{AuditText.Interval(gap.GapInterval, format)}; " +
            (gap.Significant ? $"significant at the {level} level ({test})." : $"not significant at the {level} level ({test}).");
        if (gap.GapInterval is not { } interval || interval.Contains(0) != gap.Significant) return sentence;
        return sentence + $" The {AuditText.Percent(1 - gap.SignificanceLevel)} interval, of these two groups' difference alone (their people " +
            $"resampled), {(gap.Significant ? "holds" : "leaves out")} 0: the test asks whether any groups differ more than chance would make " +
            "them, relabelling the people of all groups, and can " +
            (gap.Significant ? "find a difference that two groups' resamples alone do not pin down." : "find no more than chance in a gap of two groups picked as the extremes.");
    }

    /// <summary>The audit against the best-known one of its kind, in words.</summary>
    public static string GenderShadesSentence(AttributeAuditResult result)
    {
        string shades = "For comparison, Gender Shades (Buolamwini & Gebru, 2018) found commercial gender classifiers wrong on up to 34.7 % of " +
            "darker-skinned women and 0.8 % of lighter-skinned men, grouped by Fitzpatrick skin type rather than by race labels";
        if (result.GenderErrorGap is not { } gap) return shades + ".";
        return shades + $"; here the gender error rate ranges from {Rate(gap.LowestValue)} ({gap.LowestGroup}) to {Rate(gap.HighestValue)} ({gap.HighestGroup}).";
    }

    /// <summary>Rates as percentages, one decimal.</summary>
    public static string Rate(double value) => (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    /// <summary>Years, one decimal.</summary>
    public static string Years(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>Years with a sign, one decimal.</summary>
    public static string Signed(double value)
    {
        // A value that rounds to zero prints as 0.0, not −0.0.
        double rounded = Math.Round(value, 1);
        return rounded == 0 ? Years(0) : (rounded > 0 ? "+" : "") + Years(value);
    }
}
