using System.Text.Json.Serialization;

namespace FaceEmbeddings.Audit;

/// <summary>
/// A group with fewer people than <see cref="BiasAuditOptions.MinimumGroupSize"/>: too small for figures that compare its
/// members, so it has no row in the group and verification tables. Its faces still count in the thresholds, which are
/// set on all different-person pairs.
/// </summary>
public sealed record TooSmallGroup
{
    /// <summary>The group's label.</summary>
    [JsonPropertyName("group")]
    public required string Group { get; init; }

    /// <summary>Its faces.</summary>
    [JsonPropertyName("count")]
    public required int Count { get; init; }

    /// <summary>Its people (equal to <see cref="Count"/> without identities).</summary>
    [JsonPropertyName("people")]
    public required int People { get; init; }

    /// <summary>The minimum number of people the audit asked for.</summary>
    [JsonPropertyName("minimumPeople")]
    public required int MinimumPeople { get; init; }
}
