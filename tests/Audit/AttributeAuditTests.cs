using FaceEmbeddings.Attributes;
using FaceEmbeddings.Audit;
using FaceEmbeddings.Metrics;
using SkiaSharp;

namespace FaceEmbeddings.Tests.Audit;

/// <summary>
/// The attribute audit on a synthetic labelled set whose figures are known by construction: group A, 200 faces (100 labelled
/// male, 100 female), 10 men predicted female (5 %), every age 2 years too old; group B, 100 faces (50 and 50), 30 women
/// predicted male (30 %), half the ages 5 years too old and half 5 too young; group C, one face, too small.
/// </summary>
public sealed class AttributeAuditTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("attribute-audit-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static readonly FaceExpressions Neutral = new([1f, 0, 0, 0, 0, 0, 0]);

    private static FaceAttributes Predicted(double age, ApparentGender gender) => new((float)age, gender, 0.9f, gender == ApparentGender.Male ? 0.9f : 0.1f, Neutral);

    private sealed record Set(List<FaceAttributes> Predictions, List<AttributeLabels> Labels, List<string> Groups)
    {
        public void Add(string group, ApparentGender labelled, ApparentGender predicted, double age, double error)
        {
            Predictions.Add(Predicted(age + error, predicted));
            Labels.Add(new AttributeLabels(age, labelled));
            Groups.Add(group);
        }
    }

    private static Set Synthetic(bool withTooSmall = true)
    {
        var set = new Set([], [], []);
        for (int i = 0; i < 100; i++)
            set.Add("A", ApparentGender.Male, i < 10 ? ApparentGender.Female : ApparentGender.Male, 20 + (i % 40), +2);
        for (int i = 0; i < 100; i++)
            set.Add("A", ApparentGender.Female, ApparentGender.Female, 20 + (i % 40), +2);
        for (int i = 0; i < 50; i++)
            set.Add("B", ApparentGender.Male, ApparentGender.Male, 30 + (i % 30), i % 2 == 0 ? 5 : -5);
        for (int i = 0; i < 50; i++)
            set.Add("B", ApparentGender.Female, i < 30 ? ApparentGender.Male : ApparentGender.Female, 30 + (i % 30), i % 2 == 0 ? 5 : -5);
        if (withTooSmall) set.Add("C", ApparentGender.Female, ApparentGender.Male, 50, 10);
        return set;
    }

    private static readonly AttributeAuditOptions Fast = new() { Resamples = 400, Permutations = 999 };

    private static AttributeAuditResult Run(Set set, AttributeAuditOptions? options = null) =>
        AttributeAudit.Run(set.Predictions, set.Labels, set.Groups, options: options ?? Fast);

    [Fact]
    public void Each_groups_figures_and_confusion_matrix_are_those_built_into_the_set()
    {
        AttributeAuditResult result = Run(Synthetic());

        result.Groups.Select(g => (g.Group, g.Faces, g.People, g.GenderErrors)).Should().Equal(("A", 200, 200, 10), ("B", 100, 100, 30));
        AttributeGroupStatistics a = result.Groups[0], b = result.Groups[1];
        a.GenderErrorRate.Should().Be(0.05);
        b.GenderErrorRate.Should().Be(0.30);
        a.AgeMeanAbsoluteError.Should().BeApproximately(2, 1e-5);
        a.AgeMeanSignedError.Should().BeApproximately(2, 1e-5);
        b.AgeMeanAbsoluteError.Should().BeApproximately(5, 1e-5);
        b.AgeMeanSignedError.Should().BeApproximately(0, 1e-5);
        a.Confusion.Should().Be(new GenderConfusion { MaleAsMale = 90, MaleAsFemale = 10, FemaleAsMale = 0, FemaleAsFemale = 100 });
        b.Confusion.Should().Be(new GenderConfusion { MaleAsMale = 50, MaleAsFemale = 0, FemaleAsMale = 30, FemaleAsFemale = 20 });

        // Overall figures count the too-small group's face: 41 errors in 301 faces; (400 + 500 + 10) / 301 years.
        result.Faces.Should().Be(301);
        result.GenderErrorRate.Should().BeApproximately(41.0 / 301, 1e-12);
        result.AgeMeanAbsoluteError.Should().BeApproximately(910.0 / 301, 1e-5);
        result.AgeMeanSignedError.Should().BeApproximately(410.0 / 301, 1e-5);
        result.TooSmallGroups.Should().ContainSingle().Which.Should().Be(new TooSmallGroup { Group = "C", Count = 1, People = 1, MinimumPeople = 2 });
    }

    [Fact]
    public void The_plain_text_table_has_a_row_per_audited_group_with_its_figures_and_the_tests_below()
    {
        AuditTable table = AuditTable.Of(Run(Synthetic()));

        table.Title.Should().StartWith("301 faces in 3 groups: the predicted gender differs from the label on 13.6 % of them");
        table.Columns.Should().Equal("Group", "Faces", "Gender errors", "Gender error rate", "Age MAE (years)", "Age mean signed error (years)");
        table.Rows.Select(row => string.Join("|", row.Take(3))).Should().Equal("A|200|10", "B|100|30");
        table.Rows[0][3].Should().StartWith("5.0 % [");
        table.Rows[1][3].Should().StartWith("30.0 % [");
        table.Rows[0][4].Should().StartWith("2.0");
        table.Rows[1][5].Should().StartWith("0.0 [");
        table.Rows.Should().OnlyContain(row => row.Count == table.Columns.Count);
        table.Notes.Should().NotBeEmpty().And.Contain(note => note.Contains("gender error rate", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Intervals_have_the_width_sampling_theory_gives_and_a_constant_error_has_none()
    {
        AttributeAuditResult result = Run(Synthetic(), new AttributeAuditOptions { Resamples = 2000, Permutations = 99 });
        AttributeGroupStatistics a = result.Groups[0], b = result.Groups[1];

        // 30 % of 100: standard error √(0.3 · 0.7 / 100) = 0.046, so a 95 % interval of about 0.21 to 0.39.
        b.GenderErrorRateInterval!.Kind.Should().Be(IntervalKind.BiasCorrectedAccelerated);
        b.GenderErrorRateInterval.Lower.Should().BeInRange(0.19, 0.23);
        b.GenderErrorRateInterval.Upper!.Value.Should().BeInRange(0.37, 0.41);
        // ±5 years at random signs: the mean signed error has standard error 5 / √100 = 0.5, an interval of about ±1.
        b.AgeMeanSignedErrorInterval!.Lower.Should().BeInRange(-1.2, -0.8);
        b.AgeMeanSignedErrorInterval.Upper!.Value.Should().BeInRange(0.8, 1.2);
        // Every age in A is 2 years off: no resample can move its MAE.
        a.AgeMeanAbsoluteErrorInterval!.Lower.Should().BeApproximately(2, 1e-5);
        a.AgeMeanAbsoluteErrorInterval.Upper!.Value.Should().BeApproximately(2, 1e-5);
        a.GenderErrorRateInterval!.Contains(0.05).Should().BeTrue();
    }

    [Fact]
    public void A_group_without_errors_has_a_degenerate_interval_and_the_zero_rate_rule_keeps_the_ratio_finite()
    {
        Set set = Synthetic(withTooSmall: false);
        for (int i = 0; i < set.Groups.Count; i++)
            if (set.Groups[i] == "A") set.Predictions[i] = Predicted(set.Labels[i].Age, set.Labels[i].Gender);

        AttributeAuditResult result = Run(set);

        result.Groups[0].GenderErrorRateInterval.Should().Be(ConfidenceInterval.DegenerateAt(0));
        result.GenderErrorSpread!.ZeroRateGroups.Should().Equal("A");
        // Half an error in 200 faces against 30 in 100.
        result.GenderErrorSpread.MaxToMin.Should().BeApproximately(0.30 / (0.5 / 200), 1e-9);
    }

    [Fact]
    public void The_worst_to_best_ratio_and_the_largest_gaps_are_found_and_tested()
    {
        AttributeAuditResult result = Run(Synthetic());

        RateSpread spread = result.GenderErrorSpread!;
        (spread.HighestGroup, spread.LowestGroup).Should().Be(("B", "A"));
        spread.MaxToMin.Should().BeApproximately(6, 1e-9);
        spread.MaxToMinInterval!.Contains(6).Should().BeTrue();
        spread.MaxToMinInterval.Lower.Should().BeGreaterThan(2.5, "30 % against 5 % over 100 and 200 faces is no accident");

        AttributeGap gender = result.GenderErrorGap!;
        (gender.HighestGroup, gender.LowestGroup, gender.Gap).Should().Be(("B", "A", 0.25));
        gender.GapInterval!.Contains(0.25).Should().BeTrue();
        gender.PValue.Should().Be(1.0 / 1000, "no relabelling of the people can make a gap as large");
        gender.Significant.Should().BeTrue();
        AttributeGap age = result.AgeErrorGap!;
        (age.Figure, age.HighestGroup, age.LowestGroup).Should().Be((AttributeFigure.AgeMeanAbsoluteError, "B", "A"));
        age.Gap.Should().BeApproximately(3, 1e-5);
        age.Significant.Should().BeTrue();
    }

    [Fact]
    public void Two_groups_with_the_same_errors_show_no_significant_gap()
    {
        var set = new Set([], [], []);
        foreach (string group in new[] { "A", "B" })
            for (int i = 0; i < 60; i++)
                set.Add(group, ApparentGender.Female, i % 6 == 0 ? ApparentGender.Male : ApparentGender.Female, 30, i % 3 == 0 ? 4 : -2);

        AttributeAuditResult result = Run(set);

        result.GenderErrorGap!.Gap.Should().Be(0);
        result.GenderErrorGap.PValue.Should().Be(1, "every relabelling has a gap of at least 0");
        result.GenderErrorGap.Significant.Should().BeFalse();
        result.AgeErrorGap!.Significant.Should().BeFalse();
    }

    [Fact]
    public void Identities_resample_people_and_the_same_seed_reproduces_the_result()
    {
        Set set = Synthetic(withTooSmall: false);
        string[] identities = set.Groups.Select((group, i) => $"{group}{i / 4}").ToArray();

        AttributeAuditResult result = AttributeAudit.Run(set.Predictions, set.Labels, set.Groups, identities, Fast);

        result.People.Should().Be(75);
        result.Groups.Select(g => g.People).Should().Equal(50, 25);
        result.Bootstrap.Identities.Should().BeTrue();
        AttributeAudit.Run(set.Predictions, set.Labels, set.Groups, identities, Fast).ToJson().Should().Be(result.ToJson());
        AttributeAuditResult.FromJson(result.ToJson()).Should().BeEquivalentTo(result);
        identities[0] = identities[^1];
        FluentActions.Invoking(() => AttributeAudit.Run(set.Predictions, set.Labels, set.Groups, identities, Fast))
            .Should().Throw<ArgumentException>().WithMessage($"*person '{identities[^1]}' has faces in two groups*");
    }

    [Fact]
    public void Bad_inputs_are_rejected_with_the_argument_named()
    {
        Set set = Synthetic();
        var labels = set.Labels.ToList();
        var predictions = set.Predictions.ToList();

        FluentActions.Invoking(() => AttributeAudit.Run([], [], [])).Should().Throw<ArgumentException>().WithParameterName("predictions");
        FluentActions.Invoking(() => AttributeAudit.Run(predictions, labels.Take(3).ToList(), set.Groups))
            .Should().Throw<ArgumentException>().WithParameterName("labels").WithMessage("*301*got 3*");
        FluentActions.Invoking(() => AttributeAudit.Run(predictions, labels, set.Groups.Take(3).ToList()))
            .Should().Throw<ArgumentException>().WithParameterName("groups");
        labels[7] = new AttributeLabels(double.NaN, ApparentGender.Male);
        FluentActions.Invoking(() => AttributeAudit.Run(predictions, labels, set.Groups)).Should().Throw<ArgumentException>().WithMessage("*labels*index 7*");
        labels[7] = new AttributeLabels(-1, ApparentGender.Male);
        FluentActions.Invoking(() => AttributeAudit.Run(predictions, labels, set.Groups)).Should().Throw<ArgumentException>().WithMessage("*labels*index 7*");
        labels[7] = set.Labels[7];
        predictions[4] = null!;
        FluentActions.Invoking(() => AttributeAudit.Run(predictions, labels, set.Groups)).Should().Throw<ArgumentException>().WithMessage("*predictions*null*index 4*");
        predictions[4] = Predicted(float.PositiveInfinity, ApparentGender.Male);
        FluentActions.Invoking(() => AttributeAudit.Run(predictions, labels, set.Groups)).Should().Throw<ArgumentException>().WithMessage("*predictions*index 4*");
        FluentActions.Invoking(() => AttributeAudit.Run(set.Predictions, set.Labels, set.Groups, options: new AttributeAuditOptions { MinimumGroupSize = 500 }))
            .Should().Throw<AuditGroupsException>().WithParameterName("groups").WithMessage("*No group has at least 500 people*'A' 200*");
        foreach (AttributeAuditOptions bad in new AttributeAuditOptions[]
                 { new() { Resamples = -1 }, new() { ConfidenceLevel = 1 }, new() { Permutations = 0 }, new() { MinimumGroupSize = 1 } })
            FluentActions.Invoking(() => AttributeAudit.Run(set.Predictions, set.Labels, set.Groups, options: bad)).Should().Throw<ArgumentException>().WithParameterName("options");
    }

    [Fact]
    public void Without_resamples_there_are_no_intervals()
    {
        AttributeAuditResult result = Run(Synthetic(), new AttributeAuditOptions { Resamples = 0, Permutations = 99 });

        result.Groups.Should().AllSatisfy(g =>
        {
            g.GenderErrorRateInterval.Should().BeNull();
            g.AgeMeanAbsoluteErrorInterval.Should().BeNull();
            g.AgeMeanSignedErrorInterval.Should().BeNull();
        });
        result.GenderErrorSpread!.MaxToMinInterval.Should().BeNull();
        result.GenderErrorGap!.GapInterval.Should().BeNull();
    }

    [Fact]
    public async Task The_report_holds_the_tables_the_tests_the_comparison_and_the_charts()
    {
        Set set = Synthetic();
        for (int i = 0; i < set.Groups.Count; i++)
            if (set.Groups[i] == "B") set.Groups[i] = "B | <b>";
        AttributeAuditResult result = Run(set);

        AttributeAuditReportFiles files = await AttributeAuditReport.SaveAsync(_directory, result);

        AttributeAuditResult.FromJson(await File.ReadAllTextAsync(files.Json)).Should().BeEquivalentTo(result);
        string markdown = await File.ReadAllTextAsync(files.Markdown);
        markdown.Should().Contain("| Group | Faces | Gender errors | Gender error rate | Age MAE (years) | Age mean signed error (years) |")
            .And.Contain(@"| A | 200 | 10 | 5.0 % \[").And.Contain(@"| B \| \<b\> | 100 | 30 | 30.0 % \[")
            .And.Contain("| A | 90 | 10 | 0 | 100 |")
            .And.Contain("worst group to best: B").And.Contain(@"= 6.00 \[")
            .And.Contain("Largest gap in gender error rate").And.Contain("Gender Shades").And.Contain("34.7 %")
            .And.Contain("must not be used to make decisions about people")
            .And.Contain("(gender-error.png)").And.Contain("(age-error.png)")
            .And.Contain("Too small to audit").And.Contain("C (1 face)");
        string html = await File.ReadAllTextAsync(files.Html);
        html.Should().Contain("<tr class=\"worst\"><th scope=\"row\">B | &lt;b&gt;</th>").And.NotContain("<b>")
            .And.Contain("<span class=\"bar\" style=\"width: 160px\">").And.Contain("<span class=\"bar\" style=\"width: 27px\">")
            .And.Contain("data:image/png;base64,");
        files.Charts.Select(Path.GetFileName).Should().Equal("gender-error.png", "age-error.png");
        foreach (string chart in files.Charts)
        {
            using SKBitmap bitmap = SKBitmap.Decode(chart);
            (bitmap.Width, bitmap.Height).Should().Be((800, 600));
        }
        Directory.GetFiles(_directory).Select(Path.GetFileName).Should().BeEquivalentTo(
            ["attributes.json", "attributes.md", "attributes.html", "gender-error.png", "age-error.png"], "no temporary file is left");
    }
}
