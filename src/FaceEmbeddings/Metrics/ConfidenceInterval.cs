using System.Text.Json.Serialization;

namespace FaceEmbeddings.Metrics;

/// <summary>
/// A bootstrap confidence interval of one figure, at the level it was asked for (e.g. <c>BiasAuditOptions.ConfidenceLevel</c>): the
/// figure recomputed on resamples of the people of each group, and two quantiles of the resamples, the plain (1 − level)/2 and
/// (1 + level)/2 ones or bias-corrected ones (<see cref="Kind"/> says which).
/// </summary>
public sealed record ConfidenceInterval
{
    /// <summary>The lower bound.</summary>
    [JsonPropertyName("lower")]
    public required double Lower { get; init; }

    /// <summary>The upper bound; null when <see cref="Kind"/> is <see cref="IntervalKind.UnboundedAbove"/>.</summary>
    [JsonPropertyName("upper")]
    public required double? Upper { get; init; }

    /// <summary>Whether this is a proper interval, a degenerate one (no events to resample) or unbounded above.</summary>
    [JsonPropertyName("kind")]
    [JsonConverter(typeof(JsonStringEnumConverter<IntervalKind>))]
    public required IntervalKind Kind { get; init; }

    /// <summary>The interval of a figure that no resample can change (see <see cref="IntervalKind.Degenerate"/>).</summary>
    internal static ConfidenceInterval DegenerateAt(double value) => new() { Lower = value, Upper = value, Kind = IntervalKind.Degenerate };

    /// <summary>Whether <paramref name="value"/> lies inside the interval (bounds included).</summary>
    public bool Contains(double value) => value >= Lower && (Upper is not { } upper || value <= upper);
}
