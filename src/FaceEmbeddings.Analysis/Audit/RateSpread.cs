using System.Text.Json.Serialization;
using FaceEmbeddings.Metrics;

namespace FaceEmbeddings.Audit;

/// <summary>
/// How far one error rate (false matches or false non-matches) spreads across the groups at one threshold, as NIST FRVT and
/// ISO/IEC 19795-10 summarize demographic differentials: the highest group's rate divided by the lowest's, and divided by
/// the geometric mean of all groups' rates.
/// </summary>
/// <remarks>
/// Zero-rate rule: a group with no error counts as half an error, rate 0.5 / its pairs (a continuity correction), so both
/// ratios stay finite; <see cref="ZeroRateGroups"/> names the groups it was applied to, and in each bootstrap resample it
/// applies the same way. When no group has an error at all, there is no spread to summarize and no <see cref="RateSpread"/>.
/// </remarks>
public sealed record RateSpread
{
    /// <summary>The text of the zero-rate rule, for reports.</summary>
    public const string ZeroRateRule = "a group with no error counts as half an error (rate 0.5 / its pairs)";

    /// <summary>The group with the highest rate (first on ties).</summary>
    [JsonPropertyName("highestGroup")]
    public required string HighestGroup { get; init; }

    /// <summary>The group with the lowest rate, after the zero-rate rule (first on ties).</summary>
    [JsonPropertyName("lowestGroup")]
    public required string LowestGroup { get; init; }

    /// <summary>Highest rate / lowest rate, ≥ 1.</summary>
    [JsonPropertyName("maxToMin")]
    public required double MaxToMin { get; init; }

    /// <summary>The interval of <see cref="MaxToMin"/>; null without resamples.</summary>
    [JsonPropertyName("maxToMinInterval")]
    public required ConfidenceInterval? MaxToMinInterval { get; init; }

    /// <summary>Highest rate / geometric mean of all the groups' rates, ≥ 1.</summary>
    [JsonPropertyName("maxToGeometricMean")]
    public required double MaxToGeometricMean { get; init; }

    /// <summary>The interval of <see cref="MaxToGeometricMean"/>; null without resamples.</summary>
    [JsonPropertyName("maxToGeometricMeanInterval")]
    public required ConfidenceInterval? MaxToGeometricMeanInterval { get; init; }

    /// <summary>The groups with no error, whose rate the zero-rate rule replaced.</summary>
    [JsonPropertyName("zeroRateGroups")]
    public required IReadOnlyList<string> ZeroRateGroups { get; init; }
}
