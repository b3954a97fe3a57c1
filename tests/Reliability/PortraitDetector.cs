using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Tests.Detection;

namespace FaceEmbeddings.Tests.Reliability;

/// <summary>A default MTCNN detector with facenet-pytorch's weights, and its detection of the <see cref="Portrait"/>.</summary>
public sealed class PortraitDetector : IDisposable
{
    public PortraitDetector()
    {
        Detector = MtcnnFixture.CreateDetector(new MtcnnOptions());
        using FaceImage portrait = Portrait.Image();
        PortraitFaces = Detector.Detect(portrait);
    }

    public MtcnnFaceDetector Detector { get; }

    public IReadOnlyList<DetectedFace> PortraitFaces { get; }

    public void Dispose() => Detector.Dispose();
}
