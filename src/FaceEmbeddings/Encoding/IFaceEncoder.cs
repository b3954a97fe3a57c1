using FaceEmbeddings.Detection;
using TorchSharp;

namespace FaceEmbeddings.Encoding;

/// <summary>
/// Maps standardized face crops to embedding vectors. Every <c>Embed</c> returns a new tensor on <see cref="Device"/>
/// into the caller's current dispose scope (see the README's ownership rule); the crops stay the caller's.
/// </summary>
public interface IFaceEncoder : IDisposable
{
    /// <summary>Length D of one embedding (512 for FaceNet).</summary>
    int EmbeddingSize { get; }

    /// <summary>Side of the square crops the encoder takes (160 for FaceNet).</summary>
    int InputSize { get; }

    /// <summary>The device the encoder runs on and its embeddings live on.</summary>
    torch.Device Device { get; }

    /// <summary>The crops the encoder expects: size and margin for the detector, and the encoder's pixel normalization.</summary>
    FaceEncoderInput Input { get; }

    /// <summary>
    /// Embeds an N×3×S×S batch of crops standardized as the detector makes them, <c>(x − 127.5) / 128</c>
    /// (<see cref="FaceCrop.IsStandardized"/>), whatever the encoder's own normalization (<see cref="Input"/>), which the
    /// encoder applies itself; returns N×D on <see cref="Device"/>.
    /// </summary>
    torch.Tensor Embed(torch.Tensor faces);

    /// <summary>Embeds crops (a <see cref="FaceCropBatch"/> or any list) in bounded batches; returns N×D on <see cref="Device"/>.</summary>
    torch.Tensor Embed(IReadOnlyList<FaceCrop> crops);

    /// <summary>Embeds one crop; returns its D values on <see cref="Device"/>.</summary>
    torch.Tensor Embed(FaceCrop crop);
}
