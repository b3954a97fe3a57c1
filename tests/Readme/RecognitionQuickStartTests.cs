using System.Text.RegularExpressions;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.Recognition;
using FaceEmbeddings.Tests.Infrastructure;
using FaceEmbeddings.Tests.Store;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Readme;

/// <summary>
/// Runs the recognition quick start of docs/recognition.md on ../shared/data/people (5 people, 9 photos) with the shared
/// MTCNN weights and the random-weight encoder checkpoint in place of the pretrained download, and checks that the guide
/// shows the same code. Random weights make this plumbing only: the test identifies a photo that was enrolled (distance 0), which
/// any encoder must get right, and says nothing about recognizing new photos.
/// </summary>
[Collection(ConsoleOutputTests.Name)]
public sealed class RecognitionQuickStartTests
{
    private static async Task RecognitionQuickStart(MtcnnFaceDetector detector, FaceNetEncoder encoder, string peopleFolder, string photoPath,
        string galleryPath)
    {
        // recognition-quick-start:begin
        // Enrol: one subfolder per person, named after them; the largest face of each photo.
        using var gallery = new InMemoryFaceGallery(new GalleryDescriptor("vggface2", encoder.EmbeddingSize));
        foreach (string personFolder in Directory.GetDirectories(peopleFolder))
        {
            foreach (string file in Directory.GetFiles(personFolder))
            {
                using var image = FaceImage.Load(file);
                IReadOnlyList<DetectedFace> faces = detector.Detect(image);    // largest first
                if (faces.Count == 0) continue;
                using FaceCrop crop = detector.Extract(image, faces[0]);
                using Tensor embedding = encoder.Embed(crop);
                await gallery.EnrollAsync(Path.GetFileName(personFolder), embedding);
            }
        }
        await gallery.SaveAsync(galleryPath);                    // reopen with InMemoryFaceGallery.LoadAsync

        // Identify every face of a photo: nearest person, or unknown beyond the model's threshold.
        double threshold = VerificationThreshold.ForModel("vggface2", DistanceMetric.Euclidean)!.Distance;
        var identifier = new FaceIdentifier(encoder, gallery, new GallerySearchOptions { Threshold = threshold }, detector);
        using var photo = FaceImage.Load(photoPath);
        IReadOnlyList<IdentifiedFace> found = await identifier.IdentifyAsync(photo);   // detect, embed, search
        for (int i = 0; i < found.Count; i++)
            Console.WriteLine(found[i].Result.Best is { } best
                ? $"face {i}: {best.Identity} (distance {best.Distance:F3})"
                : $"face {i}: unknown");
        // recognition-quick-start:end
    }

    [Fact]
    public async Task Recognition_quick_start_enrols_the_people_folder_and_identifies_an_enrolled_photo()
    {
        using var detector = await MtcnnFaceDetector.CreateAsync(new MtcnnOptions { KeepAll = true }, new ModelStore(SharedData.PathOf("models")));
        using var encoder = FaceNetEncoder.FromFile(SharedData.PathOf("fixtures/inception_resnet_v1/irv1-random-fp16.pt"));
        string people = SharedData.PathOf("data/people");
        using var folder = new TemporaryDirectory();
        string galleryPath = Path.Combine(folder.Path, "people.gallery");

        string output = ConsoleCapture.Run(() =>
            RecognitionQuickStart(detector, encoder, people, Path.Combine(people, "obama", "obama.jpg"), galleryPath).GetAwaiter().GetResult());

        Match line = Regex.Match(output, @"^face 0: (?<who>\S+) \(distance (?<d>[0-9.]+)\)", RegexOptions.Multiline);
        line.Success.Should().BeTrue(output);
        line.Groups["who"].Value.Should().Be("obama", "the photo itself was enrolled under obama/");
        double.Parse(line.Groups["d"].Value, System.Globalization.CultureInfo.InvariantCulture).Should().BeLessThan(1e-3);
        using InMemoryFaceGallery saved = await InMemoryFaceGallery.LoadAsync(galleryPath);
        IReadOnlyList<GalleryIdentity> identities = await saved.ListIdentitiesAsync();
        identities.Select(identity => identity.Name).Should().Equal(Directory.GetDirectories(people).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        identities.Sum(identity => identity.FaceCount).Should().Be(Directory.GetFiles(people, "*", SearchOption.AllDirectories).Length,
            "every photo of the people folder shows a face");
    }

    [Fact]
    public void The_recognition_guide_shows_the_quick_start_that_this_test_runs() =>
        ReadmeSnippet.AssertDocumentShows("docs/recognition.md", "## Recognition quick start", "RecognitionQuickStartTests.cs", "recognition-quick-start");
}
