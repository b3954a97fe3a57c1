using System.Text.Json.Serialization;

namespace FaceEmbeddings.Audit;

/// <summary>How often two different people of one group are taken for the same person at a threshold.</summary>
public sealed record GroupFalseMatchRate
{
    /// <summary>The group's label.</summary>
    [JsonPropertyName("group")]
    public required string Group { get; init; }

    /// <summary>The group's different-person pairs, n(n − 1)/2 for n members.</summary>
    [JsonPropertyName("pairs")]
    public required long Pairs { get; init; }

    /// <summary>How many of those pairs lie strictly closer than the threshold.</summary>
    [JsonPropertyName("falseMatches")]
    public required long FalseMatches { get; init; }

    /// <summary><see cref="FalseMatches"/> / <see cref="Pairs"/>.</summary>
    [JsonPropertyName("falseMatchRate")]
    public required double FalseMatchRate { get; init; }
}
