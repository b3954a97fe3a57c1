using System.Text.Json.Serialization;

namespace FaceEmbeddings.Audit;

/// <summary>The distance between the centroids of two groups.</summary>
public sealed record CentroidDistance
{
    /// <summary>The group listed first in <see cref="BiasAuditResult.Groups"/>.</summary>
    [JsonPropertyName("first")]
    public required string First { get; init; }

    /// <summary>The group listed later in <see cref="BiasAuditResult.Groups"/>.</summary>
    [JsonPropertyName("second")]
    public required string Second { get; init; }

    /// <summary>The distance between the two centroids, in the audit's metric.</summary>
    [JsonPropertyName("distance")]
    public required double Distance { get; init; }
}
