using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Tests.Datasets;

/// <summary>MTCNN with the real weights and InceptionResnetV1 with the random-weight fixture, loaded once per test class.</summary>
public sealed class PipelineFixture : IDisposable
{
    public PipelineFixture()
    {
        Detector = MtcnnFaceDetector.FromFiles(
            SharedData.PathOf("models/mtcnn/pnet.pt"), SharedData.PathOf("models/mtcnn/rnet.pt"), SharedData.PathOf("models/mtcnn/onet.pt"));
        Encoder = FaceNetEncoder.FromCheckpoint(SharedData.PathOf("fixtures/inception_resnet_v1/irv1-random-fp16.pt"));
    }

    public MtcnnFaceDetector Detector { get; }

    public FaceNetEncoder Encoder { get; }

    public void Dispose()
    {
        Detector.Dispose();
        Encoder.Dispose();
    }
}
