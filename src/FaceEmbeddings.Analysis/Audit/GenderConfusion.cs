using System.Text.Json.Serialization;

namespace FaceEmbeddings.Audit;

/// <summary>A group's confusion matrix of apparent gender: labelled gender (rows) against predicted gender (columns), in faces.</summary>
public sealed record GenderConfusion
{
    /// <summary>Faces labelled male and predicted male.</summary>
    [JsonPropertyName("maleAsMale")]
    public required int MaleAsMale { get; init; }

    /// <summary>Faces labelled male and predicted female.</summary>
    [JsonPropertyName("maleAsFemale")]
    public required int MaleAsFemale { get; init; }

    /// <summary>Faces labelled female and predicted male.</summary>
    [JsonPropertyName("femaleAsMale")]
    public required int FemaleAsMale { get; init; }

    /// <summary>Faces labelled female and predicted female.</summary>
    [JsonPropertyName("femaleAsFemale")]
    public required int FemaleAsFemale { get; init; }
}
