using System.Text.RegularExpressions;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.Recognition;
using FaceEmbeddings.Tests.Infrastructure;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Readme;

/// <summary>
/// Runs the README's quick start (detect, embed, compare and verify) on multiface.png, with the shared MTCNN weights and
/// the fixture encoder checkpoint in place of the pretrained download, and checks that the README shows the same code.
/// </summary>
[Collection(ConsoleOutputTests.Name)]
public class QuickStartTests
{
    private static void QuickStart(MtcnnFaceDetector detector, FaceNetEncoder encoder, string imagePath)
    {
        // quick-start:begin
        using var image = FaceImage.Load(imagePath);
        using FaceCropBatch crops = detector.DetectAndExtract(image);   // owns the crops: disposed even on an exception
        foreach (FaceCrop crop in crops)
            Console.WriteLine($"face at {crop.Face.Box} (p = {crop.Face.Probability:F3})");

        // Verify: one person when the distance is below the model's published threshold (1.04 for VGGFace2).
        double threshold = VerificationThreshold.ForModel("vggface2", DistanceMetric.Euclidean)!.Distance;
        using (NewDisposeScope())
        {
            Tensor embeddings = encoder.Embed(crops);              // N × 512, L2-normalized
            Tensor distances = Distances.Pairwise(embeddings);     // N × N, Euclidean
            float distance = distances[0, 1].item<float>();
            Console.WriteLine($"distance between faces 0 and 1: {distance:F4}, same person: {distance < threshold}");
        }
        // quick-start:end
    }

    [Fact]
    public async Task Quick_start_detects_the_six_faces_of_multiface_and_prints_their_distance()
    {
        using var detector = await MtcnnFaceDetector.CreateAsync(new MtcnnOptions { KeepAll = true }, new ModelStore(SharedData.PathOf("models")));
        using var encoder = FaceNetEncoder.FromFile(SharedData.PathOf("fixtures/inception_resnet_v1/irv1-random-fp16.pt"));
        string imagePath = SharedData.PathOf("fixtures/images/multiface.png");

        string output = ConsoleCapture.Run(() => QuickStart(detector, encoder, imagePath));

        Regex.Matches(output, "^face at ", RegexOptions.Multiline).Should().HaveCount(6, "multiface.png has six faces (detect.json)");
        Match printed = Regex.Match(output, @"distance between faces 0 and 1: (?<d>[0-9.]+)");
        printed.Success.Should().BeTrue(output);

        // Independently: embed the first two faces one at a time and take the float64 norm of the difference.
        using var image = FaceImage.Load(imagePath);
        using FaceCropBatch crops = detector.DetectAndExtract(image);
        double[] first = Values(encoder.Embed(crops[0]));
        double[] second = Values(encoder.Embed(crops[1]));
        double expected = Math.Sqrt(first.Zip(second, (a, b) => (a - b) * (a - b)).Sum());

        double.Parse(printed.Groups["d"].Value, System.Globalization.CultureInfo.InvariantCulture).Should().BeApproximately(expected, 1e-3);
        // VGGFace2's published Euclidean threshold (deepface's figure for these weights), written out here.
        output.Should().Contain($"same person: {expected < 1.04}");
    }

    [Fact]
    public void Readme_shows_the_quick_start_that_this_test_runs() =>
        ReadmeSnippet.AssertDocumentShows("README.md", "## Quick start", "QuickStartTests.cs", "quick-start");

    /// <summary>The values of a D-element embedding, which this frees.</summary>
    private static double[] Values(Tensor embedding)
    {
        using (embedding)
            return Array.ConvertAll(embedding.data<float>().ToArray(), v => (double)v);
    }
}
