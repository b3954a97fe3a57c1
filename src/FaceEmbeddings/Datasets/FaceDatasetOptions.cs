using FaceEmbeddings.Imaging;
using Microsoft.Extensions.Logging;

namespace FaceEmbeddings.Datasets;

/// <summary>How a <see cref="FaceDataset"/> is processed.</summary>
public sealed record FaceDatasetOptions
{
    /// <summary>
    /// How many images are read, detected and embedded together (default 32). Memory grows with it: at most this
    /// many decoded images and their crops are held at once (plus the crops <see cref="KeepCrop"/> keeps).
    /// </summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>
    /// Which embedded faces keep their crop, asked once per face in dataset order (default null: none; crops are freed
    /// once embedded). <see cref="FaceDataset.EmbedAsync"/> leaves a kept crop in <see cref="DatasetFace.Crop"/>;
    /// <see cref="FaceDataset.EmbedAllAsync"/> keeps it as 0..255 bytes in <see cref="FaceEmbeddingSet.Crops"/>, for a
    /// face grid. Detection without embedding always keeps every crop.
    /// </summary>
    public Func<FaceDatasetItem, bool>? KeepCrop { get; init; }

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
