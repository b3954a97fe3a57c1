using System.Text.Json.Serialization;

namespace FaceEmbeddings.Evaluation;

/// <summary>The true-match rate (TAR) at the threshold that lets through a given false-match rate (FAR).</summary>
public sealed record TrueMatchRateAtFalseMatchRate
{
    /// <summary>The false-match rate the threshold was set for.</summary>
    [JsonPropertyName("falseMatchRate")]
    public required double FalseMatchRate { get; init; }

    /// <summary>The threshold: the (⌊FAR·M⌋ + 1)-th smallest of the M different-person distances.</summary>
    [JsonPropertyName("threshold")]
    public required double Threshold { get; init; }

    /// <summary>The share of same-person pairs below the threshold, with its interval.</summary>
    [JsonPropertyName("trueMatchRate")]
    public required EstimatedFigure TrueMatchRate { get; init; }
}
