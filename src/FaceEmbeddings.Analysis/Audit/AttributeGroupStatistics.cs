using System.Text.Json.Serialization;
using FaceEmbeddings.Metrics;

namespace FaceEmbeddings.Audit;

/// <summary>How far one group's predicted apparent gender and age are from its labels, with bootstrap intervals over its people.</summary>
public sealed record AttributeGroupStatistics
{
    /// <summary>The group's label.</summary>
    [JsonPropertyName("group")]
    public required string Group { get; init; }

    /// <summary>Its faces.</summary>
    [JsonPropertyName("faces")]
    public required int Faces { get; init; }

    /// <summary>Its people (equal to <see cref="Faces"/> without identities).</summary>
    [JsonPropertyName("people")]
    public required int People { get; init; }

    /// <summary>Faces whose predicted gender differs from the label.</summary>
    [JsonPropertyName("genderErrors")]
    public required int GenderErrors { get; init; }

    /// <summary><see cref="GenderErrors"/> / <see cref="Faces"/>.</summary>
    [JsonPropertyName("genderErrorRate")]
    public required double GenderErrorRate { get; init; }

    /// <summary>The interval of <see cref="GenderErrorRate"/>; degenerate with no error (or only errors), null without resamples.</summary>
    [JsonPropertyName("genderErrorRateInterval")]
    public required ConfidenceInterval? GenderErrorRateInterval { get; init; }

    /// <summary>Labelled against predicted gender.</summary>
    [JsonPropertyName("confusion")]
    public required GenderConfusion Confusion { get; init; }

    /// <summary>Mean of |predicted − labelled age|, in years.</summary>
    [JsonPropertyName("ageMeanAbsoluteError")]
    public required double AgeMeanAbsoluteError { get; init; }

    /// <summary>The interval of <see cref="AgeMeanAbsoluteError"/>; null without resamples.</summary>
    [JsonPropertyName("ageMeanAbsoluteErrorInterval")]
    public required ConfidenceInterval? AgeMeanAbsoluteErrorInterval { get; init; }

    /// <summary>Mean of predicted − labelled age, in years: above zero, the network makes the group look older.</summary>
    [JsonPropertyName("ageMeanSignedError")]
    public required double AgeMeanSignedError { get; init; }

    /// <summary>The interval of <see cref="AgeMeanSignedError"/>; null without resamples.</summary>
    [JsonPropertyName("ageMeanSignedErrorInterval")]
    public required ConfidenceInterval? AgeMeanSignedErrorInterval { get; init; }
}
