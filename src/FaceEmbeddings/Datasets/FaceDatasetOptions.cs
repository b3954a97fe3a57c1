using FaceEmbeddings.Imaging;
using Microsoft.Extensions.Logging;

namespace FaceEmbeddings.Datasets;

/// <summary>How a <see cref="FaceDataset"/> is processed.</summary>
public sealed record FaceDatasetOptions
{
    /// <summary>
    /// How many images are read, detected and embedded together (default 32). Memory grows with it: at most this
    /// many decoded images and their crops are held at once (plus the crops kept with <see cref="KeepCrops"/>).
    /// </summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>
    /// Keep each face's crop in its <see cref="DatasetFace"/> after embedding, for a face grid (default false: crops
    /// are freed once embedded). Detection without embedding always keeps them.
    /// </summary>
    public bool KeepCrops { get; init; }

    /// <summary>How images are decoded; <see cref="FaceImageOptions.Default"/> when null.</summary>
    public FaceImageOptions? ImageOptions { get; init; }

    /// <summary>Receives a warning for every image skipped (unreadable, no face); <c>null</c> logs nothing.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1 image.");
    }
}
