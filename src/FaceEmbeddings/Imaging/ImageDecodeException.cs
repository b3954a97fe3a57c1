namespace FaceEmbeddings.Imaging;

/// <summary>
/// Thrown when an image cannot be decoded: the bytes are not a supported image, the file is truncated or
/// corrupt, or it exceeds <see cref="FaceImageOptions.MaxPixels"/>. The message names the source.
/// </summary>
public sealed class ImageDecodeException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public ImageDecodeException() : base("The image could not be decoded.")
    {
        SourceName = "unknown";
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public ImageDecodeException(string message) : base(message)
    {
        SourceName = "unknown";
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public ImageDecodeException(string message, Exception innerException) : base(message, innerException)
    {
        SourceName = "unknown";
    }

    /// <summary>Creates the exception for <paramref name="sourceName"/>, saying what was wrong.</summary>
    /// <param name="sourceName">The file path or stream name that failed.</param>
    /// <param name="reason">What was wrong, as a sentence fragment.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public ImageDecodeException(string sourceName, string reason, Exception? innerException)
        : base($"Cannot decode image '{sourceName}': {reason}.", innerException)
    {
        SourceName = sourceName;
    }

    /// <summary>The file path or stream name of the image that failed.</summary>
    public string SourceName { get; }
}
