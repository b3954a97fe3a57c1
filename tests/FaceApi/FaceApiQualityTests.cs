using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.FaceApi;

/// <summary>
/// Recognition with the real model, end to end: MTCNN crops (as the encoder's <see cref="IFaceEncoder.Input"/> asks)
/// of the nine photos of five people in <c>data/people</c>, embedded by face-api's network.
/// </summary>
[Collection(FaceApiTestGroup.Name)]
public sealed class FaceApiQualityTests(FaceApiReference reference, ITestOutputHelper output)
{
    [Fact]
    public void Every_same_person_distance_is_below_every_different_person_distance()
    {
        string root = SharedData.PathOf("data/people");
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        files.Should().HaveCount(9);
        string[] people = files.Select(file => Path.GetFileName(Path.GetDirectoryName(file))!).ToArray();

        FaceApiEncoder encoder = reference.Encoder;
        using var detector = MtcnnFaceDetector.FromFiles(SharedData.PathOf("models/mtcnn/pnet.pt"), SharedData.PathOf("models/mtcnn/rnet.pt"),
            SharedData.PathOf("models/mtcnn/onet.pt"), encoder.Input.ApplyTo(new MtcnnOptions()));
        var crops = new List<FaceCrop>();
        try
        {
            foreach (string file in files)
            {
                using FaceImage image = FaceImage.Load(file);
                crops.Add(detector.DetectAndExtract(image).Should().ContainSingle($"{file} shows one face").Subject);
            }
            crops.Should().OnlyContain(crop => crop.Size == 150);

            using var scope = NewDisposeScope();
            float[,] distances = TestTensors.SquareMatrix(Distances.Pairwise(encoder.Embed(crops)));
            var same = new List<(float Distance, string Pair)>();
            var different = new List<(float Distance, string Pair)>();
            for (int i = 0; i < files.Count; i++)
                for (int j = i + 1; j < files.Count; j++)
                    (people[i] == people[j] ? same : different).Add((distances[i, j], $"{Name(files[i])} – {Name(files[j])}"));

            var worstSame = same.MaxBy(pair => pair.Distance);
            var closestDifferent = different.MinBy(pair => pair.Distance);
            output.WriteLine($"same person ({same.Count} pairs): {string.Join(", ", same.OrderBy(p => p.Distance).Select(p => $"{p.Pair} {p.Distance:F3}"))}");
            output.WriteLine($"different people ({different.Count} pairs): {different.Min(p => p.Distance):F3} – {different.Max(p => p.Distance):F3}; "
                + $"below {FaceApiEncoder.DefaultMatchThreshold}: {different.Count(p => p.Distance < FaceApiEncoder.DefaultMatchThreshold)}");
            output.WriteLine($"largest same {worstSame.Pair} {worstSame.Distance:F3}; smallest different {closestDifferent.Pair} {closestDifferent.Distance:F3}; "
                + $"gap {closestDifferent.Distance - worstSame.Distance:F3}");

            worstSame.Distance.Should().BeLessThan(closestDifferent.Distance,
                $"the least similar photos of one person ({worstSame.Pair}) must be closer than the most similar photos of two ({closestDifferent.Pair})");
        }
        finally
        {
            crops.ForEach(crop => crop.Dispose());
        }
    }

    private static string Name(string file) => $"{Path.GetFileName(Path.GetDirectoryName(file))}/{Path.GetFileName(file)}";
}
