using System.Text.Json.Serialization;

namespace FaceEmbeddings.Evaluation;

/// <summary>A line of a pairs file that was left out of the evaluation, and why.</summary>
/// <param name="Line">The line's number in the file, from 1.</param>
/// <param name="Reason">What was wrong (a missing file, an unknown label, a file without a face, …).</param>
public sealed record RejectedPair(
    [property: JsonPropertyName("line")] int Line,
    [property: JsonPropertyName("reason")] string Reason);
