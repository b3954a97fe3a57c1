using TorchSharp;

namespace FaceEmbeddings.Encoding;

/// <summary>Settings of a <see cref="FaceApiEncoder"/>.</summary>
public sealed record FaceApiEncoderOptions
{
    /// <summary>Where the network runs: null for the CPU, or a CUDA device (which must be present).</summary>
    public torch.Device? Device { get; init; }

    /// <summary>
    /// The most crops <see cref="FaceApiEncoder.Embed(IReadOnlyList{Detection.FaceCrop})"/> sends through the network at
    /// once, which bounds the memory one call needs. Default 16.
    /// </summary>
    public int MaxBatchSize { get; init; } = 16;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (MaxBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "MaxBatchSize must be at least 1.");
    }
}
