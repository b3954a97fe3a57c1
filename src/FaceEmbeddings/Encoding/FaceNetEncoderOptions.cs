using FaceEmbeddings.Detection;
using FaceEmbeddings.Models.Store;
using TorchSharp;

namespace FaceEmbeddings.Encoding;

/// <summary>Settings of a <see cref="FaceNetEncoder"/>.</summary>
public sealed record FaceNetEncoderOptions
{
    /// <summary>
    /// The pretrained weights <see cref="FaceNetEncoder.CreateAsync"/> loads from the model store: <c>vggface2</c>
    /// (<see cref="ModelCatalog.VggFace2"/>, the default), <c>casia-webface</c>, or another InceptionResnetV1 registered
    /// in the store. The other factories take their weights as an argument and ignore it.
    /// </summary>
    public string Pretrained { get; init; } = ModelCatalog.VggFace2;

    /// <summary>Where the network runs: null for the CPU, or a CUDA device (which must be present).</summary>
    public torch.Device? Device { get; init; }

    /// <summary>
    /// The most crops <see cref="FaceNetEncoder.Embed(IReadOnlyList{Detection.FaceCrop})"/> sends through the network at
    /// once, which bounds the memory one call needs. Default 16.
    /// </summary>
    public int MaxBatchSize { get; init; } = 16;

    /// <summary>Element type of the convolutions; default <see cref="EncoderPrecision.Full"/>.</summary>
    public EncoderPrecision Precision { get; init; } = EncoderPrecision.Full;

    /// <summary>
    /// The template crops are aligned to, or null (the default) for facenet-pytorch's unaligned MTCNN crops, which the
    /// network was trained on and the parity with facenet-pytorch needs. Pipelines cut the encoder's crops
    /// (<see cref="FaceNetEncoder.Input"/>) accordingly.
    /// </summary>
    public FaceAlignment? Alignment { get; init; }

    /// <summary>Checks the settings. (The device is checked by the factories, with <see cref="Runtime.DeviceCheck"/>.)</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the exception names the first.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Pretrained))
            throw new ArgumentOutOfRangeException(nameof(Pretrained), Pretrained, "Pretrained must name a model of the store.");
        if (MaxBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "MaxBatchSize must be at least 1.");
        Precision.Validate(nameof(Precision));
    }
}
