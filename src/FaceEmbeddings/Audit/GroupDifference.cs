using System.Text.Json.Serialization;

namespace FaceEmbeddings.Audit;

/// <summary>
/// Whether one figure differs between two groups more than chance would make it: the observed difference (first − second),
/// its bootstrap interval, and the two-sided p-value of a permutation test that relabels the two groups' people at random
/// (keeping the groups' sizes) and counts how often the relabelled difference is at least as large in size:
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

    /// <summary>The bootstrap interval of the difference (each group's people resampled on their own); null without resamples.</summary>
    [JsonPropertyName("differenceInterval")]
    public required ConfidenceInterval? DifferenceInterval { get; init; }

    /// <summary>The permutation test's two-sided p-value.</summary>
    [JsonPropertyName("pValue")]
    public required double PValue { get; init; }

    /// <summary>Random relabellings the p-value counts.</summary>
    [JsonPropertyName("permutations")]
    public required int Permutations { get; init; }

    /// <summary>The significance level the report's sentence uses, 1 − the confidence level.</summary>
    [JsonPropertyName("significanceLevel")]
    public required double SignificanceLevel { get; init; }

    /// <summary>Whether <see cref="PValue"/> is below <see cref="SignificanceLevel"/>.</summary>
    [JsonIgnore]
    public bool Significant => PValue < SignificanceLevel;
}
