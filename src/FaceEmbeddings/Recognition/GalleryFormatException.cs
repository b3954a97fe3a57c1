namespace FaceEmbeddings.Recognition;

/// <summary>A gallery file is not one this library wrote, or was truncated or altered since: it is refused whole.</summary>
public sealed class GalleryFormatException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    /// <param name="path">The gallery file.</param>
    /// <param name="problem">What is wrong with it.</param>
    /// <param name="innerException">The error that revealed the problem, if any.</param>
    public GalleryFormatException(string path, string problem, Exception? innerException = null)
        : base($"'{path}' is not a valid gallery file: {problem}.", innerException)
    {
        Path = path;
    }

    /// <summary>The gallery file.</summary>
    public string Path { get; }
}
