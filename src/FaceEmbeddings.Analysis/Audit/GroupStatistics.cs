using System.Text.Json.Serialization;
using FaceEmbeddings.Metrics;

namespace FaceEmbeddings.Audit;

/// <summary>How tightly one group's embeddings cluster (from <c>Clusters.Summarize</c>).</summary>
public sealed record GroupStatistics
{
    /// <summary>The group's label.</summary>
    [JsonPropertyName("group")]
    public required string Group { get; init; }

    /// <summary>How many embeddings (faces) the group has.</summary>
    [JsonPropertyName("count")]
    public required int Count { get; init; }

    /// <summary>The within sum of squares Σ‖x − μ‖² of the group's embeddings about their centroid μ.</summary>
    [JsonPropertyName("withinSumOfSquares")]
    public required double WithinSumOfSquares { get; init; }

    /// <summary><see cref="WithinSumOfSquares"/> / <see cref="Count"/>: comparable across groups of different sizes.</summary>
    [JsonPropertyName("withinSumOfSquaresPerMember")]
    public required double WithinSumOfSquaresPerMember { get; init; }

    /// <summary>The mean distance between two different members of the group.</summary>
    [JsonPropertyName("meanIntraGroupDistance")]
    public required double MeanIntraGroupDistance { get; init; }

    /// <summary>The median distance between two different members of the group.</summary>
    [JsonPropertyName("medianIntraGroupDistance")]
    public required double MedianIntraGroupDistance { get; init; }

    /// <summary>How many people the group's faces show (<see cref="Count"/> when every face is its own person).</summary>
    [JsonPropertyName("people")]
    public int People { get; init; }

    /// <summary>The bootstrap interval of <see cref="WithinSumOfSquaresPerMember"/>; null without resamples.</summary>
    [JsonPropertyName("withinSumOfSquaresPerMemberInterval")]
    public ConfidenceInterval? WithinSumOfSquaresPerMemberInterval { get; init; }

    /// <summary>The bootstrap interval of <see cref="MeanIntraGroupDistance"/>; null without resamples.</summary>
    [JsonPropertyName("meanIntraGroupDistanceInterval")]
    public ConfidenceInterval? MeanIntraGroupDistanceInterval { get; init; }
}
