using FaceEmbeddings.Encoding;
using TorchSharp;

namespace FaceEmbeddings.Attributes;

/// <summary>Settings of a <see cref="FaceAnalyzer"/>.</summary>
public sealed record FaceAnalyzerOptions
{
    /// <summary>Where the networks run: null for the CPU, or a CUDA device (which must be present).</summary>
    public torch.Device? Device { get; init; }

    /// <summary>The most crops sent through the networks at once, which bounds the memory one call needs. Default 32.</summary>
    public int MaxBatchSize { get; init; } = 32;

    /// <summary>
    /// Element type of the convolutions; default <see cref="EncoderPrecision.Full"/>. With
    /// <see cref="EncoderPrecision.BFloat16"/> every layer after each network's first convolution computes in bfloat16;
    /// the normalization, the first convolutions, the pooling and the heads stay float32.
    /// </summary>
    public EncoderPrecision Precision { get; init; } = EncoderPrecision.Full;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the exception names the first.</exception>
    public void Validate()
    {
        if (MaxBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "MaxBatchSize must be at least 1.");
        Precision.Validate(nameof(Precision));
    }
}
