using FaceEmbeddings.Detection;
using TorchSharp;

namespace FaceEmbeddings.Encoding;

/// <summary>Maps standardized face crops to embedding vectors.</summary>
public interface IFaceEncoder : IDisposable
{
    /// <summary>Length of one embedding (512 for FaceNet).</summary>
    int EmbeddingSize { get; }

    /// <summary>Side of the square crops the encoder takes (160 for FaceNet).</summary>
    int InputSize { get; }

    /// <summary>The crops the encoder expects: size and margin for the detector, and the encoder's pixel normalization.</summary>
    FaceEncoderInput Input { get; }

    /// <summary>Embeds an N×3×S×S batch of standardized crops; returns N×D on the encoder's device.</summary>
    torch.Tensor Embed(torch.Tensor faces);

    /// <summary>Embeds crops in bounded batches; returns N×D on the encoder's device.</summary>
    torch.Tensor Embed(IReadOnlyList<FaceCrop> crops);

    /// <summary>Embeds one crop; returns its D values.</summary>
    float[] Embed(FaceCrop crop);
}
