using System.Text.Json.Serialization;
using FaceEmbeddings.Metrics;

namespace FaceEmbeddings.Evaluation;

/// <summary>A figure measured on the evaluated pairs, and its bootstrap interval over people (null when no resample was
/// made or none could form the figure).</summary>
public sealed record EstimatedFigure
{
    /// <summary>The figure on the evaluated pairs.</summary>
    [JsonPropertyName("value")]
    public required double Value { get; init; }

    /// <summary>The percentile interval of the figure over resamples of the people.</summary>
    [JsonPropertyName("interval")]
    public ConfidenceInterval? Interval { get; init; }
}
