using FaceEmbeddings.Detection;
using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Tests.Detection;

/// <summary>Detections at several libtorch thread counts against facenet-pytorch. The thread count is process-wide,
/// so these run alone.</summary>
[Collection(WholeProcessTestGroup.Name)]
public sealed class MtcnnThreadCountTests(MtcnnFixture fixture) : IClassFixture<MtcnnFixture>
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(8)]
    public void Detections_do_not_depend_on_the_number_of_threads(int threads)
    {
        // oneDNN's channels-last 1×1 convolution has given wrong values with several threads (libtorch 2.10),
        // and P-Net ends in 1×1 convolutions over channels-last activations.
        using IDisposable threadCount = WholeProcessTestGroup.LibTorchThreads(threads);
        using MtcnnFaceDetector detector = MtcnnFixture.CreateDetector(new MtcnnOptions());
        MatchesFacenet(detector);
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(1, 2)]
    [InlineData(3, 2)]
    [InlineData(2, 4)]
    public void Detections_do_not_depend_on_the_number_of_worker_threads(int workers, int threads)
    {
        using IDisposable threadCount = WholeProcessTestGroup.LibTorchThreads(threads);
        using MtcnnFaceDetector detector = MtcnnFixture.CreateDetector(new MtcnnOptions { WorkerThreads = workers });
        MatchesFacenet(detector);
    }

    private void MatchesFacenet(MtcnnFaceDetector detector)
    {
        foreach (string image in new[] { "multiface", "shea_whigham" })
        {
            FacenetDetections expected = fixture.Expected[image];
            IReadOnlyList<DetectedFace> faces = detector.Detect(fixture.Image(image));
            faces.Should().HaveCount(expected.Boxes.Length, image);
            for (int i = 0; i < faces.Count; i++)
            {
                BoundingBox box = faces[i].Box;
                MtcnnDetectionParityTests.MaxDifference(new[] { box.X1, box.Y1, box.X2, box.Y2 }, expected.Boxes[i]).Should().BeLessThanOrEqualTo(MtcnnDetectionParityTests.PixelTolerance);
                Math.Abs(faces[i].Probability - expected.Probabilities[i]).Should().BeLessThanOrEqualTo(MtcnnDetectionParityTests.ProbabilityTolerance);
            }
        }
    }
}
