using System.Text.Json;
using System.Text.Json.Serialization;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Recognition;

namespace FaceEmbeddings.Evaluation;

/// <summary>
/// How well a model tells people apart on labelled faces: accuracy at its threshold and at the best one, ROC AUC, equal-error
/// rate and true-match rates at fixed false-match rates, each with a bootstrap interval over people, and the DET curve.
/// Serializes to JSON with stable camelCase names (<see cref="ToJson"/>).
/// </summary>
public sealed record VerificationEvaluationResult
{
    /// <summary>Faces evaluated (faces found and embedded).</summary>
    [JsonPropertyName("faces")]
    public required int Faces { get; init; }

    /// <summary>People among them.</summary>
    [JsonPropertyName("people")]
    public required int People { get; init; }

    /// <summary>Same-person pairs evaluated.</summary>
    [JsonPropertyName("samePersonPairs")]
    public required long SamePersonPairs { get; init; }

    /// <summary>Different-person pairs evaluated.</summary>
    [JsonPropertyName("differentPersonPairs")]
    public required long DifferentPersonPairs { get; init; }

    /// <summary>True when the pairs are a seeded sample (<see cref="VerificationEvaluationOptions.MaxPairs"/>) rather than all.</summary>
    [JsonPropertyName("sampled")]
    public required bool Sampled { get; init; }

    /// <summary>The threshold the accuracy was measured at (the model's published one), or null when none was given.</summary>
    [JsonPropertyName("threshold")]
    public VerificationThreshold? Threshold { get; init; }

    /// <summary>The share of pairs decided rightly at <see cref="Threshold"/> (a pair matches strictly below it).</summary>
    [JsonPropertyName("accuracyAtThreshold")]
    public EstimatedFigure? AccuracyAtThreshold { get; init; }

    /// <summary>The best accuracy any threshold reaches on these pairs (optimistic: chosen on the data it is measured on).</summary>
    [JsonPropertyName("bestAccuracy")]
    public required EstimatedFigure BestAccuracy { get; init; }

    /// <summary>The threshold of <see cref="BestAccuracy"/>.</summary>
    [JsonPropertyName("bestThreshold")]
    public required double BestThreshold { get; init; }

    /// <summary>The area under the ROC curve.</summary>
    [JsonPropertyName("areaUnderRoc")]
    public required EstimatedFigure AreaUnderRoc { get; init; }

    /// <summary>The equal-error rate.</summary>
    [JsonPropertyName("equalErrorRate")]
    public required EstimatedFigure EqualErrorRate { get; init; }

    /// <summary>True-match rates at <see cref="VerificationEvaluationOptions.FalseMatchRates"/>.</summary>
    [JsonPropertyName("atFalseMatchRates")]
    public required IReadOnlyList<TrueMatchRateAtFalseMatchRate> AtFalseMatchRates { get; init; }

    /// <summary>The detection error trade-off over all pairs.</summary>
    [JsonPropertyName("detCurve")]
    public required GroupDetCurve DetCurve { get; init; }

    /// <summary>The confidence level of the intervals.</summary>
    [JsonPropertyName("confidenceLevel")]
    public required double ConfidenceLevel { get; init; }

    /// <summary>Images that gave no face (or could not be read), which no pair includes.</summary>
    [JsonPropertyName("failedImages")]
    public IReadOnlyList<SkippedImage> FailedImages { get; init; } = [];

    /// <summary>Lines of a pairs file that were left out, with the reason.</summary>
    [JsonPropertyName("rejectedPairs")]
    public IReadOnlyList<RejectedPair> RejectedPairs { get; init; } = [];

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The result as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);
}
