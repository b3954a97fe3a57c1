using TorchSharp;

namespace FaceEmbeddings.Encoding;

/// <summary>Settings of a <see cref="FaceNetEncoder"/>.</summary>
public sealed record FaceNetEncoderOptions
{
    /// <summary>Where the network runs: null for the CPU, or a CUDA device (which must be present).</summary>
    public torch.Device? Device { get; init; }

    /// <summary>
    /// The most crops <see cref="FaceNetEncoder.Embed(IReadOnlyList{Detection.FaceCrop})"/> sends through the network at
    /// once, which bounds the memory one call needs. Default 16.
    /// </summary>
    public int MaxBatchSize { get; init; } = 16;

    /// <summary>Element type of the convolutions; default <see cref="EncoderPrecision.Full"/>.</summary>
    public EncoderPrecision Precision { get; init; } = EncoderPrecision.Full;
}
