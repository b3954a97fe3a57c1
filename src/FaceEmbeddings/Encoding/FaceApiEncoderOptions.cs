using FaceEmbeddings.Detection;
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

    /// <summary>
    /// Element type of the convolutions; default <see cref="EncoderPrecision.Full"/>. With
    /// <see cref="EncoderPrecision.BFloat16"/> every layer after the first convolution computes in bfloat16; the input
    /// normalization, the first convolution and the final product stay float32, and descriptors are float32 either way.
    /// </summary>
    public EncoderPrecision Precision { get; init; } = EncoderPrecision.Full;

    /// <summary>
    /// The template crops are aligned to (default <see cref="FaceAlignment.DlibMeanFace"/>: dlib's aligned chips, which the
    /// network was trained on); null takes unaligned crops, the MTCNN box widened 1.2 times, to reproduce results from
    /// before alignment. Pipelines cut the encoder's crops (<see cref="FaceApiEncoder.Input"/>) accordingly.
    /// </summary>
    public FaceAlignment? Alignment { get; init; } = FaceAlignment.DlibMeanFace;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the exception names the first.</exception>
    public void Validate()
    {
        if (MaxBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "MaxBatchSize must be at least 1.");
        Precision.Validate(nameof(Precision));
    }
}
