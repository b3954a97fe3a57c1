namespace FaceEmbeddings.Samples.WebApi;

/// <summary>An uploaded photo the service cannot use: missing, too large, not an image, or without a face.</summary>
public sealed class BadUploadException(string field, string problem) : Exception($"'{field}': {problem}")
{
    /// <summary>The form field the photo was expected in.</summary>
    public string Field { get; } = field;
}
