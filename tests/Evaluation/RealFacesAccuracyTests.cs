using FaceEmbeddings.Datasets;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Evaluation;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Recognition;
using FaceEmbeddings.Tests.FaceApi;
using FaceEmbeddings.Tests.Infrastructure;
using FluentAssertions;
using Xunit;

namespace FaceEmbeddings.Tests.Evaluation;

/// <summary>face-api's real network on the shared identity-labelled photos, with and without alignment.</summary>
public sealed class RealFacesAccuracyTests : IDisposable
{
    private readonly MtcnnFaceDetector detector = Mtcnn();
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
        // Unaligned, the detector keeps its own crop size and margin: set it up for the encoder's, as the CLI does.
        using MtcnnFaceDetector boxes = Mtcnn(unaligned.Input.ApplyTo(new MtcnnOptions()));

        VerificationEvaluationResult withAlignment = await VerificationEvaluation.EvaluateAsync(celebrities, detector, aligned, DlibThreshold, options);
        VerificationEvaluationResult without = await VerificationEvaluation.EvaluateAsync(celebrities, boxes, unaligned, DlibThreshold, options);

        (withAlignment.SamePersonPairs + withAlignment.DifferentPersonPairs).Should().Be(6903);
        withAlignment.AccuracyAtThreshold!.Value.Should().BeGreaterThanOrEqualTo(0.965);
        withAlignment.AreaUnderRoc.Value.Should().BeGreaterThanOrEqualTo(0.99);
        // Unaligned, as before alignment existed: about one pair in five called wrongly.
        without.AccuracyAtThreshold!.Value.Should().BeInRange(0.80, 0.83);
        without.AreaUnderRoc.Value.Should().BeLessThan(0.9);
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
