using System.Text.Json.Serialization;
using FaceEmbeddings.Metrics;

namespace FaceEmbeddings.Audit;

/// <summary>
/// How often two different people of one group are taken for the same person at a threshold (false matches) and, when faces
/// carry identities, how often two faces of one person are not (false non-matches).
/// </summary>
public sealed record GroupFalseMatchRate
{
    /// <summary>The group's label.</summary>
    [JsonPropertyName("group")]
    public required string Group { get; init; }

    /// <summary>The group's different-person pairs, n(n − 1)/2 for n members when every face is its own person.</summary>
    [JsonPropertyName("pairs")]
    public required long Pairs { get; init; }

    /// <summary>How many of those pairs lie strictly closer than the threshold.</summary>
    [JsonPropertyName("falseMatches")]
    public required long FalseMatches { get; init; }

    /// <summary><see cref="FalseMatches"/> / <see cref="Pairs"/>.</summary>
    [JsonPropertyName("falseMatchRate")]
    public required double FalseMatchRate { get; init; }

    /// <summary>The bootstrap interval of <see cref="FalseMatchRate"/>; null without resamples.</summary>
    [JsonPropertyName("falseMatchRateInterval")]
    public ConfidenceInterval? FalseMatchRateInterval { get; init; }

    /// <summary>The group's same-person pairs (two faces of one person); 0 without identities.</summary>
    [JsonPropertyName("samePersonPairs")]
    public long SamePersonPairs { get; init; }

    /// <summary>How many same-person pairs lie at or above the threshold; null when the group has no same-person pair.</summary>
    [JsonPropertyName("falseNonMatches")]
    public long? FalseNonMatches { get; init; }

    /// <summary><see cref="FalseNonMatches"/> / <see cref="SamePersonPairs"/>; null when the group has no same-person pair.</summary>
    [JsonPropertyName("falseNonMatchRate")]
    public double? FalseNonMatchRate { get; init; }

    /// <summary>The bootstrap interval of <see cref="FalseNonMatchRate"/>; null without it or without resamples.</summary>
    [JsonPropertyName("falseNonMatchRateInterval")]
    public ConfidenceInterval? FalseNonMatchRateInterval { get; init; }
}
