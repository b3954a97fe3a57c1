namespace FaceEmbeddings.Recognition;

/// <summary>
/// A stored gallery was opened for embeddings of another model, size or metric than it holds: its faces could
/// not be compared with the caller's. The message names both descriptors.
/// </summary>
public sealed class GalleryDescriptorMismatchException : Exception
{
    /// <summary>Creates the exception for a gallery at <paramref name="source"/>.</summary>
    /// <param name="source">The file or database the gallery was opened from.</param>
    /// <param name="expected">The descriptor the caller asked for.</param>
    /// <param name="stored">The descriptor the gallery was written with.</param>
    public GalleryDescriptorMismatchException(string source, GalleryDescriptor expected, GalleryDescriptor stored)
        : base($"The gallery '{source}' holds embeddings of {stored}, but {expected} was expected; use a gallery made with the same encoder, metric and crop geometry.")
    {
        Location = source;
        Expected = expected;
        Stored = stored;
    }

    /// <summary>The file or database the gallery was opened from.</summary>
    public string Location { get; }

    /// <summary>The descriptor the caller asked for.</summary>
    public GalleryDescriptor Expected { get; }

    /// <summary>The descriptor the gallery was written with.</summary>
    public GalleryDescriptor Stored { get; }
}
