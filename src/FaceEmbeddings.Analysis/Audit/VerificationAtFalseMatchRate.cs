using System.Text.Json.Serialization;
using FaceEmbeddings.Metrics;

namespace FaceEmbeddings.Audit;

/// <summary>
/// The verification view at one operating point: the distance threshold that gives the target false-match
/// rate over all different-person pairs, and the false-match rate each group's own pairs get at it.
/// </summary>
/// <remarks>
/// With M pairs (i &lt; j) in all and target rate f, the threshold t is the (⌊f·M⌋ + 1)-th smallest pair
/// distance, and a pair is a (false) match when its distance is strictly below t. So at most ⌊f·M⌋ pairs
/// match and the achieved rate <see cref="FalseMatchRate"/> ≤ f (below f when distances tie at t); any
/// larger threshold would exceed f. The threshold is exact at any number of pairs.
/// </remarks>
public sealed record VerificationAtFalseMatchRate
{
    /// <summary>The overall false-match rate asked for, f.</summary>
    [JsonPropertyName("targetFalseMatchRate")]
    public required double TargetFalseMatchRate { get; init; }

    /// <summary>The distance threshold t: pairs strictly closer are taken for the same person.</summary>
    [JsonPropertyName("threshold")]
    public required double Threshold { get; init; }

    /// <summary>How many of all different-person pairs are strictly closer than <see cref="Threshold"/>.</summary>
    [JsonPropertyName("falseMatches")]
    public required long FalseMatches { get; init; }

    /// <summary>The achieved overall false-match rate, <see cref="FalseMatches"/> / M (at most the target).</summary>
    [JsonPropertyName("falseMatchRate")]
    public required double FalseMatchRate { get; init; }

    /// <summary>Each group's false-match rate over its own pairs, in the order of <see cref="BiasAuditResult.Groups"/>.</summary>
    [JsonPropertyName("groups")]
    public required IReadOnlyList<GroupFalseMatchRate> Groups { get; init; }

    /// <summary>The group with the highest false-match rate (the first such group on ties).</summary>
    [JsonPropertyName("worstGroup")]
    public required string WorstGroup { get; init; }

    /// <summary>The group with the lowest false-match rate (the first such group on ties).</summary>
    [JsonPropertyName("bestGroup")]
    public required string BestGroup { get; init; }

    /// <summary>
    /// The worst group's false-match rate divided by the best group's; <c>null</c> when the best group has no
    /// false match, where the ratio is infinite (the worst group has some) or undefined (no group has any):
    /// <see cref="RatioKind"/> tells which.
    /// </summary>
    [JsonPropertyName("worstToBestRatio")]
    public required double? WorstToBestRatio { get; init; }

    /// <summary>
    /// The bootstrap interval of <see cref="WorstToBestRatio"/> (the highest group rate over the lowest in each resample,
    /// whichever groups those are, a resample's zero rates counted as <see cref="FalseMatchSpread"/> counts them): the
    /// interval of <see cref="FalseMatchSpread"/>'s max/min, which is the same ratio when it is finite; null when the
    /// ratio is not finite or without resamples. Written to JSON for readers of the file; derived, never read back.
    /// </summary>
    [JsonPropertyName("worstToBestRatioInterval")]
    public ConfidenceInterval? WorstToBestRatioInterval => WorstToBestRatio is null ? null : FalseMatchSpread?.MaxToMinInterval;

    /// <summary>The spread of the groups' false-match rates, with the zero-rate rule; null when no group has a false match.</summary>
    [JsonPropertyName("falseMatchSpread")]
    public RateSpread? FalseMatchSpread { get; init; }

    /// <summary>The spread of the groups' false non-match rates; null without identities or when no group has a false non-match.</summary>
    [JsonPropertyName("falseNonMatchSpread")]
    public RateSpread? FalseNonMatchSpread { get; init; }

    /// <summary>Whether <see cref="WorstToBestRatio"/> is a number, infinite, or undefined.</summary>
    [JsonIgnore]
    public WorstToBestRatioKind RatioKind => WorstToBestRatio.HasValue ? WorstToBestRatioKind.Finite
        : Groups.Any(group => group.FalseMatches > 0) ? WorstToBestRatioKind.Infinite
        : WorstToBestRatioKind.Undefined;
}
