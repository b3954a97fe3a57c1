using System.Text.Json.Serialization;

namespace FaceEmbeddings.Metrics;

/// <summary>One operating point of a group's DET curve: a pair is a match when its distance is strictly below the threshold.</summary>
public sealed record DetPoint
{
    /// <summary>The distance threshold.</summary>
    [JsonPropertyName("threshold")]
    public required double Threshold { get; init; }

    /// <summary>The share of the group's different-person pairs below the threshold.</summary>
    [JsonPropertyName("falseMatchRate")]
    public required double FalseMatchRate { get; init; }

    /// <summary>The share of the group's same-person pairs at or above the threshold.</summary>
    [JsonPropertyName("falseNonMatchRate")]
    public required double FalseNonMatchRate { get; init; }
}
