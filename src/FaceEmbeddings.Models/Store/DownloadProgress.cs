namespace FaceEmbeddings.Models.Store;

/// <summary>Progress of a model download, reported by <see cref="ModelStore.GetAsync"/>.</summary>
/// <param name="ModelName">The model being downloaded.</param>
/// <param name="BytesReceived">Bytes received so far in the current attempt (a retry starts again from zero).</param>
/// <param name="TotalBytes">The expected length, when the catalogue or the server states it.</param>
/// <param name="Attempt">The attempt number, from 1.</param>
public readonly record struct DownloadProgress(string ModelName, long BytesReceived, long? TotalBytes, int Attempt)
{
    /// <summary>The fraction received, 0 to 1, when <see cref="TotalBytes"/> is known.</summary>
    public double? Fraction => TotalBytes is > 0 ? (double)BytesReceived / TotalBytes.Value : null;
}
