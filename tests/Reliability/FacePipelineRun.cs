using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Imaging;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Reliability;

/// <summary>What one detect-and-embed call produced, as plain values that compare exactly.</summary>
public sealed record FacePipelineRun(float[] Boxes, float[] Probabilities, float[] Landmarks, float[] Embeddings)
{
    /// <summary>Detects and crops the face of <paramref name="image"/> the detector selects and embeds it, freeing every tensor it made.</summary>
    public static FacePipelineRun Of(FaceImage image, IFaceDetector detector, IFaceEncoder encoder)
    {
        using FaceCropBatch crops = detector.DetectAndExtract(image);
        using Tensor embeddings = encoder.Embed(crops);
        IEnumerable<DetectedFace> faces = crops.Select(crop => crop.Face);
        return new FacePipelineRun(
            [.. faces.SelectMany(face => new[] { face.Box.X1, face.Box.Y1, face.Box.X2, face.Box.Y2 })],
            [.. faces.Select(face => face.Probability)],
            [.. faces.SelectMany(face => face.Landmarks.SelectMany(point => new[] { point.X, point.Y }))],
            embeddings.data<float>().ToArray());
    }

    /// <summary>Whether every value is bit-for-bit the same as in <paramref name="other"/>.</summary>
    public bool IsIdenticalTo(FacePipelineRun other) =>
        Boxes.SequenceEqual(other.Boxes) && Probabilities.SequenceEqual(other.Probabilities)
        && Landmarks.SequenceEqual(other.Landmarks) && Embeddings.SequenceEqual(other.Embeddings);
}
