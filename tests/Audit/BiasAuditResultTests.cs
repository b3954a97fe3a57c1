using System.Text.Json;
using FaceEmbeddings.Audit;
using FaceEmbeddings.Metrics;

namespace FaceEmbeddings.Tests.Audit;

public class BiasAuditResultTests
{
    /// <summary>A result written by hand, with numbers whose formatting is known: two groups, one of them with an awkward label.</summary>
    private static BiasAuditResult HandWritten(string awkward = "<b>x</b> | y & \"z\"") => new()
    {
        Embeddings = 7,
        Dimensions = 3,
        Metric = DistanceMetric.Euclidean,
        DifferentPersonPairs = 21,
        Groups =
        [
            new GroupStatistics { Group = "plain", Count = 3, WithinSumOfSquares = 1.5, WithinSumOfSquaresPerMember = 0.5, MeanIntraGroupDistance = 0.25, MedianIntraGroupDistance = 0.2 },
            new GroupStatistics { Group = awkward, Count = 4, WithinSumOfSquares = 12, WithinSumOfSquaresPerMember = 3, MeanIntraGroupDistance = 2.125, MedianIntraGroupDistance = 2 },
        ],
        CentroidDistances = [new CentroidDistance { First = "plain", Second = awkward, Distance = 1.75 }],
        Verification =
        [
            new VerificationAtFalseMatchRate
            {
                TargetFalseMatchRate = 0.1, Threshold = 0.5, FalseMatches = 2, FalseMatchRate = 2.0 / 21,
                Groups =
                [
                    new GroupFalseMatchRate { Group = "plain", Pairs = 3, FalseMatches = 1, FalseMatchRate = 1.0 / 3 },
                    new GroupFalseMatchRate { Group = awkward, Pairs = 6, FalseMatches = 1, FalseMatchRate = 1.0 / 6 },
                ],
                WorstGroup = "plain", BestGroup = awkward, WorstToBestRatio = 2,
            },
            new VerificationAtFalseMatchRate
            {
                TargetFalseMatchRate = 0.01, Threshold = 0.125, FalseMatches = 0, FalseMatchRate = 0,
                Groups =
                [
                    new GroupFalseMatchRate { Group = "plain", Pairs = 3, FalseMatches = 0, FalseMatchRate = 0 },
                    new GroupFalseMatchRate { Group = awkward, Pairs = 6, FalseMatches = 0, FalseMatchRate = 0 },
                ],
                WorstGroup = "plain", BestGroup = "plain", WorstToBestRatio = null,
            },
        ],
    };

    [Fact]
    public void Json_round_trips()
    {
        BiasAuditResult result = HandWritten();
        BiasAuditResult back = BiasAuditResult.FromJson(result.ToJson());
        back.Should().BeEquivalentTo(result);
        back.ToJson().Should().Be(result.ToJson());
    }

    [Fact]
    public void Json_has_stable_camel_case_names_and_null_for_an_undefined_ratio()
    {
        using JsonDocument json = JsonDocument.Parse(HandWritten().ToJson());
        JsonElement root = json.RootElement;
        root.EnumerateObject().Select(p => p.Name).Should().Equal(
            "embeddings", "dimensions", "metric", "differentPersonPairs", "groups", "centroidDistances", "verification",
            "people", "samePersonPairs", "bootstrap", "tooSmallGroups", "comparisons", "detCurves");
        root.GetProperty("metric").GetString().Should().Be("Euclidean");
        root.GetProperty("groups")[0].EnumerateObject().Select(p => p.Name).Should().Equal(
            "group", "count", "withinSumOfSquares", "withinSumOfSquaresPerMember", "meanIntraGroupDistance", "medianIntraGroupDistance",
            "people", "withinSumOfSquaresPerMemberInterval", "meanIntraGroupDistanceInterval");
        root.GetProperty("centroidDistances")[0].EnumerateObject().Select(p => p.Name).Should().Equal("first", "second", "distance");
        JsonElement view = root.GetProperty("verification")[1];
        view.EnumerateObject().Select(p => p.Name).Should().Equal(
            "targetFalseMatchRate", "threshold", "falseMatches", "falseMatchRate", "groups", "worstGroup", "bestGroup", "worstToBestRatio",
            "worstToBestRatioInterval", "falseMatchSpread", "falseNonMatchSpread");
        view.GetProperty("worstToBestRatio").ValueKind.Should().Be(JsonValueKind.Null);
        view.GetProperty("groups")[1].EnumerateObject().Select(p => p.Name).Should().Equal("group", "pairs", "falseMatches", "falseMatchRate",
            "falseMatchRateInterval", "samePersonPairs", "falseNonMatches", "falseNonMatchRate", "falseNonMatchRateInterval");
        root.GetProperty("groups")[1].GetProperty("group").GetString().Should().Be("<b>x</b> | y & \"z\"");
    }

    [Fact]
    public void Json_missing_a_required_property_is_rejected()
    {
        string json = HandWritten().ToJson().Replace("\"dimensions\": 3,", "", StringComparison.Ordinal);
        FluentActions.Invoking(() => BiasAuditResult.FromJson(json)).Should().Throw<JsonException>().WithMessage("*dimensions*");
        FluentActions.Invoking(() => BiasAuditResult.FromJson("null")).Should().Throw<JsonException>();
    }

    [Fact]
    public void Markdown_has_a_table_per_section_with_the_rows()
    {
        string markdown = HandWritten("a|b").ToMarkdown();
        string[] lines = markdown.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

        lines.Should().Contain("7 embeddings of 3 dimensions in 2 groups; Euclidean distance; 21 different-person pairs.");
        (HandWritten() with { Metric = DistanceMetric.SquaredEuclidean }).ToMarkdown().Should().Contain("; squared Euclidean distance;");
        lines.Should().Contain("| Group | Count | WSS | WSS per member | Mean intra-group distance | Median intra-group distance |");
        lines.Should().Contain("| plain | 3 | 1.5000 | 0.5000 | 0.2500 | 0.2000 |");
        lines.Should().Contain("| a\\|b | 4 | 12.0000 | 3.0000 | 2.1250 | 2.0000 |");
        lines.Should().Contain("|  | plain | a\\|b |");
        lines.Should().Contain("| plain | 0.0000 | 1.7500 |");
        lines.Should().Contain("| a\\|b | 1.7500 | 0.0000 |");
        lines.Should().Contain("## Verification at a false-match rate of 0.1");
        lines.Should().Contain("| Group | Pairs | False matches | False-match rate |");
        lines.Should().Contain("| plain | 3 | 1 | 0.3333 |");
        lines.Should().Contain("| a\\|b | 6 | 1 | 0.1667 |");
        lines.Should().Contain(l => l.Contains("Threshold 0.5000") && l.Contains("2 of 21 pairs"));
        lines.Should().Contain(l => l.StartsWith("Worst to best: plain (0.3333) / a\\|b (0.1667) = 2.00", StringComparison.Ordinal));
        lines.Should().Contain(l => l.StartsWith("Worst to best:", StringComparison.Ordinal) && l.EndsWith("undefined (no group has a false match)", StringComparison.Ordinal));
        // Each table row has as many cells as its header.
        lines.Where(l => l.StartsWith("| a\\|b | 4", StringComparison.Ordinal)).Single().Replace("\\|", "", StringComparison.Ordinal).Count(c => c == '|').Should().Be(7);
    }

    [Fact]
    public void Markdown_escapes_markup_and_folds_line_breaks_in_labels()
    {
        BiasAuditMarkdown.Escape("a*b`c[d]<e>\nf\\g#h!").Should().Be("a\\*b\\`c\\[d\\]\\<e\\> f\\\\g\\#h\\!");
    }

    [Fact]
    public void Html_is_self_contained_and_escapes_labels()
    {
        string html = BiasAuditHtml.Write(HandWritten("<script>alert(1)</script> & co"), [new BiasAuditHtml.Figure("A <plot>", [1, 2, 3], 10, 20)]);

        html.Should().NotContain("<script>");
        html.Should().Contain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co");
        html.Should().Contain("alt=\"A &lt;plot&gt;\"");
        html.Should().Contain("<img src=\"data:image/png;base64,AQID\"");
        ReportLinks.Referenced(html).Should().OnlyContain(link => link.StartsWith("data:", StringComparison.Ordinal));
        html.Should().NotContain("NaN");
    }

    [Fact]
    public void Html_states_an_infinite_ratio_when_only_the_best_group_has_no_false_match()
    {
        BiasAuditResult result = HandWritten() with
        {
            Verification = [HandWritten().Verification[0] with
            {
                Groups = [
                    new GroupFalseMatchRate { Group = "plain", Pairs = 3, FalseMatches = 2, FalseMatchRate = 2.0 / 3 },
                    new GroupFalseMatchRate { Group = "other", Pairs = 6, FalseMatches = 0, FalseMatchRate = 0 }],
                WorstGroup = "plain", BestGroup = "other", WorstToBestRatio = null,
            }],
        };
        result.Verification[0].RatioKind.Should().Be(WorstToBestRatioKind.Infinite);
        BiasAuditHtml.Write(result, []).Should().Contain("= ∞ (the best group has no false match)");
        result.ToMarkdown().Should().Contain("= ∞ (the best group has no false match)");
    }
}
