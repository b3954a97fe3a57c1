using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;
using Microsoft.Extensions.Logging;

namespace FaceEmbeddings.Datasets;

/// <summary>How a <see cref="FaceDataset"/> is processed.</summary>
public sealed record FaceDatasetOptions
{
    /// <summary>
    /// How many image files are read, detected and embedded together (default 32; files that cannot be read count too).
    /// Memory grows with it: at most this many decoded images and their crops are held at once (plus the crops
    /// <see cref="KeepCrop"/> keeps). <see cref="MaxBatchPixels"/> closes a batch earlier when its images are large.
    /// </summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>
    /// The most pixels (width × height, summed over the decoded images) one batch holds (default
    /// <see cref="MtcnnOptions.DefaultMaxBatchPixels"/>, the MTCNN detector's own budget, so that a batch goes through
    /// the detector in one piece). A batch is closed before the image that would take it over the budget (which waits,
    /// decoded, for the next batch), so a folder of large photos is processed a few at a time: each decoded pixel holds
    /// 3 bytes here and some 100 in the detector (see <see cref="MtcnnOptions.DefaultMaxBatchPixels"/>). An image larger
    /// than the budget is processed alone.
    /// Like <see cref="BatchSize"/>, it only changes which images share a batch, which can move boxes, probabilities and
    /// embeddings in their last bits (float32 rounding), as batching does.
    /// </summary>
    public long MaxBatchPixels { get; init; } = MtcnnOptions.DefaultMaxBatchPixels;

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

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the exception names the first.</exception>
    public void Validate()
    {
        if (BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1 image.");
        if (MaxBatchPixels < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxBatchPixels), MaxBatchPixels, "MaxBatchPixels must be at least 1 pixel.");
    }
}
