using System.Text.Json.Serialization;

namespace FaceEmbeddings.Metrics;

/// <summary>
/// A group's detection error trade-off: its false-match rate against its false non-match rate as the threshold sweeps
/// over its pair distances, and the equal-error rate where the two meet.
/// </summary>
/// <remarks>
/// The operating points are the thresholds at each distinct distance of the group's pairs and one above the largest.
/// Between two neighbouring points the curve is taken as a straight line (as the ROC's); the equal-error rate is where
/// that line crosses FMR = FNMR. Long curves are thinned to <c>BiasAuditOptions.DetCurvePoints</c> points for
/// the report; the equal-error rate always comes from the full curve.
/// </remarks>
public sealed record GroupDetCurve
{
    /// <summary>The group's label.</summary>
    [JsonPropertyName("group")]
    public required string Group { get; init; }

    /// <summary>The group's same-person pairs.</summary>
    [JsonPropertyName("samePersonPairs")]
    public required long SamePersonPairs { get; init; }

    /// <summary>The group's different-person pairs.</summary>
    [JsonPropertyName("differentPersonPairs")]
    public required long DifferentPersonPairs { get; init; }

    /// <summary>The equal-error rate.</summary>
    [JsonPropertyName("equalErrorRate")]
    public required double EqualErrorRate { get; init; }

    /// <summary>The operating points in order of increasing threshold.</summary>
    [JsonPropertyName("points")]
    public required IReadOnlyList<DetPoint> Points { get; init; }
}
