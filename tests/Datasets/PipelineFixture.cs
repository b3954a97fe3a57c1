using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Tests.Detection;
using FaceEmbeddings.Tests.FaceNet;
using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Tests.Datasets;

/// <summary>MTCNN with the real weights and InceptionResnetV1 with the random-weight fixture, loaded once per test class.</summary>
public sealed class PipelineFixture : IDisposable
{
    public PipelineFixture()
    {
        Detector = MtcnnFixture.CreateDetector(new MtcnnOptions());
        Encoder = FaceNetEncoder.FromFile(SharedData.PathOf(FaceNetReference.CheckpointPath));
    }

    public MtcnnFaceDetector Detector { get; }

    public FaceNetEncoder Encoder { get; }

    public void Dispose()
    {
        Detector.Dispose();
        Encoder.Dispose();
    }
}
