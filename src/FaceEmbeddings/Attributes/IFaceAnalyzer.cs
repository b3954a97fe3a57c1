using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using TorchSharp;

namespace FaceEmbeddings.Attributes;

/// <summary>Predicts apparent age, apparent gender and expression from face crops. The crops stay the caller's.</summary>
public interface IFaceAnalyzer : IDisposable
{
    /// <summary>The device the networks run on.</summary>
    torch.Device Device { get; }

    /// <summary>The crops the analyzer expects: size and margin for the detector (<c>Input.ApplyTo(options)</c>), and its pixel normalization.</summary>
    FaceEncoderInput Input { get; }

    /// <summary>Analyzes crops (a <see cref="FaceCropBatch"/> or any list) in bounded batches: one result per crop, in order.</summary>
    IReadOnlyList<FaceAttributes> Analyze(IReadOnlyList<FaceCrop> crops);

    /// <summary>Analyzes the faces a detector found in an image, each cut from the image as face-api cuts it; one result per face.</summary>
    IReadOnlyList<FaceAttributes> Analyze(Imaging.FaceImage image, IReadOnlyList<DetectedFace> faces);

    /// <summary>Analyzes the faces a detector found in each of several images, in bounded batches; one list per image, one result per face.</summary>
    IReadOnlyList<IReadOnlyList<FaceAttributes>> Analyze(IReadOnlyList<Imaging.FaceImage> images, IReadOnlyList<IReadOnlyList<DetectedFace>> faces);

    /// <summary>Analyzes one crop.</summary>
    FaceAttributes Analyze(FaceCrop crop);

    /// <summary>
    /// Analyzes an N×3×H×W batch of 0..255 RGB face crops (channels first), as face-api's <c>predictAgeAndGender</c> and
    /// <c>predictExpressions</c> take them: each is padded to a square and resized to the networks' input size.
    /// </summary>
    IReadOnlyList<FaceAttributes> AnalyzePixels(torch.Tensor pixels);
}
