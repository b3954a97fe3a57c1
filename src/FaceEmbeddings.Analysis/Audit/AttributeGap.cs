using System.Text.Json.Serialization;
using FaceEmbeddings.Metrics;

namespace FaceEmbeddings.Audit;

/// <summary>
/// The largest gap of one figure between audited groups (highest group − lowest group), its bootstrap interval (the two groups'
/// people resampled on their own), and a permutation test of whether the groups differ more than chance would make them:
/// people are relabelled at random across all audited groups (group sizes kept) and the p-value counts relabellings whose
/// largest gap is at least as large, p = (1 + that count) / (1 + permutations). Testing the range over all groups, not
/// the two extreme groups alone, accounts for having picked the extremes after seeing the data. So the test and the interval
/// answer different questions and can disagree: <see cref="Significant"/> with an interval that holds zero (the test pools
/// every group's people), or the reverse (two groups picked as the extremes differ by more than chance allows a pair, not
/// a range); the report's sentence says which happened.
/// </summary>
public sealed record AttributeGap
{
    /// <summary>The figure.</summary>
    [JsonPropertyName("figure")]
    [JsonConverter(typeof(JsonStringEnumConverter<AttributeFigure>))]
    public required AttributeFigure Figure { get; init; }

    /// <summary>The group with the highest figure (first on ties).</summary>
    [JsonPropertyName("highestGroup")]
    public required string HighestGroup { get; init; }

    /// <summary>The group with the lowest figure (first on ties).</summary>
    [JsonPropertyName("lowestGroup")]
    public required string LowestGroup { get; init; }

    /// <summary>The highest group's figure.</summary>
    [JsonPropertyName("highestValue")]
    public required double HighestValue { get; init; }

    /// <summary>The lowest group's figure.</summary>
    [JsonPropertyName("lowestValue")]
    public required double LowestValue { get; init; }

    /// <summary><see cref="HighestValue"/> − <see cref="LowestValue"/>.</summary>
    [JsonPropertyName("gap")]
    public required double Gap { get; init; }

    /// <summary>The percentile interval of the gap between these two groups; null without resamples.</summary>
    [JsonPropertyName("gapInterval")]
    public required ConfidenceInterval? GapInterval { get; init; }

    /// <summary>The permutation test's p-value.</summary>
    [JsonPropertyName("pValue")]
    public required double PValue { get; init; }

    /// <summary>Random relabellings the p-value counts.</summary>
    [JsonPropertyName("permutations")]
    public required int Permutations { get; init; }

    /// <summary>The significance level the report's sentence uses: 1 − the confidence level, as written (0.05 for 0.95).</summary>
    [JsonPropertyName("significanceLevel")]
    public required double SignificanceLevel { get; init; }

    /// <summary>Whether <see cref="PValue"/> is below <see cref="SignificanceLevel"/>: the permutation test's verdict, not the interval's.</summary>
    [JsonIgnore]
    public bool Significant => PValue < SignificanceLevel;
}
