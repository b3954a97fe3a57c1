using System.Text.Json.Serialization;
using FaceEmbeddings.Metrics;

namespace FaceEmbeddings.Audit;

/// <summary>
/// Whether one figure differs between two groups more than chance would make it: the observed difference (first − second),
/// its bootstrap interval and a two-sided p-value. With resamples (<see cref="DifferenceTest.Bootstrap"/>) the p-value is read
/// from the same resamples as the interval, so that <see cref="Significant"/> holds exactly when the interval leaves zero
/// out. Without (<see cref="DifferenceTest.Permutation"/>) there is no interval, and the p-value counts how often a random
/// relabelling of the two groups' people (group sizes kept) makes a difference at least as large in size:
/// p = (1 + that count) / (1 + permutations).
/// </summary>
public sealed record GroupDifference
{
    /// <summary>The first group.</summary>
    [JsonPropertyName("first")]
    public required string First { get; init; }

    /// <summary>The second group.</summary>
    [JsonPropertyName("second")]
    public required string Second { get; init; }

    /// <summary>The figure compared.</summary>
    [JsonPropertyName("figure")]
    [JsonConverter(typeof(JsonStringEnumConverter<ComparedFigure>))]
    public required ComparedFigure Figure { get; init; }

    /// <summary>The first group's figure.</summary>
    [JsonPropertyName("firstValue")]
    public required double FirstValue { get; init; }

    /// <summary>The second group's figure.</summary>
    [JsonPropertyName("secondValue")]
    public required double SecondValue { get; init; }

    /// <summary><see cref="FirstValue"/> − <see cref="SecondValue"/>.</summary>
    [JsonPropertyName("difference")]
    public required double Difference { get; init; }

    /// <summary>
    /// The bias-corrected and accelerated bootstrap interval of the difference (each group's people resampled on their own), at
    /// the level 1 − <see cref="SignificanceLevel"/>; null without resamples.
    /// </summary>
    [JsonPropertyName("differenceInterval")]
    public required ConfidenceInterval? DifferenceInterval { get; init; }

    /// <summary>Which test <see cref="PValue"/> comes from; <see cref="DifferenceTest.Permutation"/> in results written before there was a choice.</summary>
    [JsonPropertyName("test")]
    [JsonConverter(typeof(JsonStringEnumConverter<DifferenceTest>))]
    public DifferenceTest Test { get; init; } = DifferenceTest.Permutation;

    /// <summary>The two-sided p-value of "the figure is the same in both groups", from <see cref="Test"/>.</summary>
    [JsonPropertyName("pValue")]
    public required double PValue { get; init; }

    /// <summary>Random relabellings the p-value counts; 0 when it comes from the bootstrap.</summary>
    [JsonPropertyName("permutations")]
    public required int Permutations { get; init; }

    /// <summary>The significance level the report's sentence uses: 1 − the confidence level, as written (0.05 for 0.95).</summary>
    [JsonPropertyName("significanceLevel")]
    public required double SignificanceLevel { get; init; }

    /// <summary>Whether <see cref="PValue"/> is below <see cref="SignificanceLevel"/>.</summary>
    [JsonIgnore]
    public bool Significant => PValue < SignificanceLevel;
}
