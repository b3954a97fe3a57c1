using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Tests.Detection;

/// <summary>The README's detection quick start, as written there, against the shared data.</summary>
public sealed class QuickStartTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("quickstart-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task Detects_and_crops_the_six_faces_of_multiface()
    {
        var store = new ModelStore(SharedData.PathOf("models"));
        string imagePath = SharedData.PathOf("fixtures/images/multiface.png");

        // README snippet begins
        using var detector = await MtcnnFaceDetector.CreateAsync(new MtcnnOptions { KeepAll = true }, store);
        using var image = FaceImage.Load(imagePath);

        IReadOnlyList<DetectedFace> faces = detector.Detect(image);          // largest first
        foreach (DetectedFace face in faces)
            Console.WriteLine($"{face.Box} p = {face.Probability:F4}");

        IReadOnlyList<FaceCrop> crops = detector.DetectAndExtract(image);    // 3×160×160, (x − 127.5) / 128
        for (int i = 0; i < crops.Count; i++)
        {
            using FaceCrop crop = crops[i];
            crop.Save(Path.Combine(directory, $"face-{i}.png"));              // the crop as facenet-pytorch saves it
        }
        // README snippet ends

        faces.Should().HaveCount(6);
        crops.Should().HaveCount(6);
        for (int i = 0; i < 6; i++)
        {
            using FaceImage saved = FaceImage.Load(Path.Combine(directory, $"face-{i}.png"));
            (saved.Width, saved.Height).Should().Be((160, 160));
        }
    }
}
