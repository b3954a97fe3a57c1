namespace FaceEmbeddings.Clustering;

/// <summary>
/// A cluster report, its names file or its embeddings file is missing or malformed, or they do not fit each other
/// (<see cref="ClusterReport.ReadAsync"/>, <see cref="ClusterNames.Read"/>, <see cref="ClusterEmbeddings.Open"/>).
/// The message starts with the file's path and says what is wrong, and where a line is at fault, which.
/// </summary>
public sealed class ClusterReportException : Exception
{
    /// <summary>Creates the exception for <paramref name="path"/>.</summary>
    /// <param name="path">The file at fault.</param>
    /// <param name="problem">What is wrong with it, as a sentence.</param>
    public ClusterReportException(string path, string problem)
        : base($"{path}: {problem}")
    {
        Path = path;
    }

    /// <summary>The file at fault.</summary>
    public string Path { get; }
}
