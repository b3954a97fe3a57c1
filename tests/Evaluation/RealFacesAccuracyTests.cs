using FaceEmbeddings.Datasets;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Evaluation;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Recognition;
using FaceEmbeddings.Tests.FaceApi;
using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Tests.Evaluation;

/// <summary>face-api's real network on the shared identity-labelled photos, with and without alignment.</summary>
public sealed class RealFacesAccuracyTests : IDisposable
{
    // Each photo's subject, as the command line picks it: not the larger hand of mindy_kaling/train-7.jpg.
    private readonly MtcnnFaceDetector detector = Mtcnn(new MtcnnOptions { Selection = FaceSelection.LargestConfident });
    private readonly FaceApiEncoder aligned = FaceApiEncoder.FromFile(SharedData.PathOf(FaceApiReference.ManifestPath));
    private static readonly VerificationThreshold DlibThreshold = VerificationThreshold.ForModel(ModelCatalogName, DistanceMetric.Euclidean)!;
    private const string ModelCatalogName = "face-api-resnet";

    private static MtcnnFaceDetector Mtcnn(MtcnnOptions? options = null) => MtcnnFaceDetector.FromFiles(SharedData.PathOf("models/mtcnn/pnet.pt"),
        SharedData.PathOf("models/mtcnn/rnet.pt"), SharedData.PathOf("models/mtcnn/onet.pt"), options);

    public void Dispose()
    {
        detector.Dispose();
        aligned.Dispose();
    }

    [Fact]
    public async Task Aligned_chips_tell_the_celebrities_apart_at_dlibs_threshold_and_unaligned_crops_do_not()
    {
        FaceDataset celebrities = FaceDataset.FromImageFolder(SharedData.PathOf("data/celebrities"));
        var options = new VerificationEvaluationOptions { BootstrapResamples = 0 };
        using FaceApiEncoder unaligned = FaceApiEncoder.FromFile(SharedData.PathOf(FaceApiReference.ManifestPath), new FaceApiEncoderOptions { Alignment = null });
        // Unaligned, the detector keeps its own crop size and margin: set it up for the encoder's, as the CLI does; the
        // largest face of each photo, as the library did before alignment.
        using MtcnnFaceDetector boxes = Mtcnn(unaligned.Input.ApplyTo(new MtcnnOptions()));

        VerificationEvaluationResult withAlignment = await VerificationEvaluation.EvaluateAsync(celebrities, detector, aligned, DlibThreshold, options);
        VerificationEvaluationResult without = await VerificationEvaluation.EvaluateAsync(celebrities, boxes, unaligned, DlibThreshold, options);

        (withAlignment.SamePersonPairs + withAlignment.DifferentPersonPairs).Should().Be(6903);
        withAlignment.AccuracyAtThreshold!.Value.Should().BeGreaterThanOrEqualTo(0.97);
        withAlignment.AreaUnderRoc.Value.Should().BeGreaterThanOrEqualTo(0.99);
        // Unaligned, as before alignment existed: about one pair in five called wrongly.
        without.AccuracyAtThreshold!.Value.Should().BeInRange(0.80, 0.83);
        without.AreaUnderRoc.Value.Should().BeLessThan(0.9);
    }

    [Fact]
    public void A_photos_face_is_the_largest_confident_one_not_a_larger_hand()
    {
        // mindy_kaling/train-7.jpg: MTCNN finds her face (top, probability 0.99998) and, larger, her hand at the bottom
        // edge (0.933). The largest "face" is the hand, which matches none of her other photos.
        using FaceImage hand = FaceImage.Load(SharedData.PathOf("data/celebrities/mindy_kaling/train-7.jpg"));
        using FaceImage other = FaceImage.Load(SharedData.PathOf("data/celebrities/mindy_kaling/train-1.jpg"));
        using MtcnnFaceDetector largest = Mtcnn(new MtcnnOptions { Selection = FaceSelection.Largest });

        DetectedFace subject = detector.SelectFace(hand, detector.Detect(hand))!;
        DetectedFace biggest = largest.SelectFace(hand, largest.Detect(hand))!;

        subject.Box.Y2.Should().BeLessThan(hand.Height / 2f, "her face is in the upper half of the photo");
        biggest.Box.Y1.Should().BeGreaterThan(hand.Height / 2f, "the hand is in the lower half");
        new FaceVerifier(aligned, DlibThreshold, detector).Verify(hand, other).IsMatch.Should().BeTrue();
        new FaceVerifier(aligned, DlibThreshold, largest).Verify(hand, other).IsMatch.Should().BeFalse();
    }

    [Fact]
    public async Task Face_recognitions_own_expectations_hold_on_aligned_chips()
    {
        string Photo(string path) => SharedData.PathOf($"data/people/{path}");
        string folder = Directory.CreateTempSubdirectory("pairs").FullName;
        try
        {
            string Relative(string path) => Path.GetRelativePath(folder, Photo(path));
            string blank = Path.GetRelativePath(folder, SharedData.PathOf("fixtures/images/blank.png"));
            string csv = Path.Combine(folder, "pairs.csv");
            await File.WriteAllLinesAsync(csv,
            [
                "file_x,file_y,same",
                $"{Relative("obama/obama.jpg")},{Relative("obama/obama2.jpg")},yes",
                $"{Relative("biden/biden.jpg")},{Relative("biden/biden2.jpg")},true",
                $"{Relative("obama/obama.jpg")},{Relative("biden/biden.jpg")},no",
                $"{Relative("rose_leslie/img1.jpg")},{Relative("rose_leslie/img2.jpg")},1",
                $"{Relative("rose_leslie/img1.jpg")},{Relative("obama/obama2.jpg")},0",
                $"missing.jpg,{Relative("obama/obama.jpg")},yes",
                $"{Relative("obama/obama.jpg")},{Relative("biden/biden2.jpg")},maybe",
                $"{blank},{Relative("obama/obama.jpg")},no",
                "only-one-field",
            ]);

            VerificationEvaluationResult result = await VerificationEvaluation.EvaluatePairsAsync(csv, detector, aligned, DlibThreshold,
                new VerificationEvaluationOptions { BootstrapResamples = 0 });

            // Lines 2–6 by hand: three same-person pairs (Obama, Biden, Rose Leslie), two different-person pairs, every
            // same-person distance below dlib's 0.6 and every different-person one above it.
            result.SamePersonPairs.Should().Be(3);
            result.DifferentPersonPairs.Should().Be(2);
            result.AccuracyAtThreshold!.Value.Should().Be(1);
            result.AreaUnderRoc.Value.Should().Be(1);
            result.RejectedPairs.Select(rejected => rejected.Line).Should().Equal(7, 8, 9, 10);
            result.RejectedPairs[0].Reason.Should().Contain("missing.jpg").And.Contain("does not exist");
            result.RejectedPairs[1].Reason.Should().Contain("unknown label 'maybe'");
            result.RejectedPairs[2].Reason.Should().Contain("no face").And.Contain("blank.png");
            result.RejectedPairs[3].Reason.Should().Contain("expected 3 fields");
            result.FailedImages.Should().ContainSingle(image => image.Path.EndsWith("blank.png", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
