using System.Collections.Concurrent;
using System.Text.Json;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Tests.Infrastructure;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Detection;

/// <summary>What facenet-pytorch reported for one fixture image (<c>fixtures/mtcnn/detect.json</c>).</summary>
public sealed record FacenetDetections(string Name, string Path, int Width, int Height, float[][] Boxes, float[] Probabilities,
                                       float[][][] Landmarks, IReadOnlyDictionary<string, float[]?> Selections);

/// <summary>
/// Shared by the MTCNN test classes: detectors (one per option set, weights loaded once each), the decoded
/// fixture images, facenet-pytorch's detections and crops.
/// </summary>
public sealed class MtcnnFixture : IDisposable
{
    public static readonly string[] ImageNames = { "multiface", "angelina_jolie", "kate_siegel", "paul_rudd", "shea_whigham", "blank", "noise" };
    public static readonly string[] PortraitNames = { "angelina_jolie", "kate_siegel", "paul_rudd", "shea_whigham" };

    private readonly ConcurrentDictionary<MtcnnOptions, MtcnnFaceDetector> detectors = new();
    private readonly ConcurrentDictionary<string, FaceImage> images = new();
    private readonly ConcurrentDictionary<string, IReadOnlyList<DetectedFace>> detections = new();

    public MtcnnFixture()
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(SharedData.PathOf("fixtures/mtcnn/detect.json")));
        Expected = document.RootElement.GetProperty("images").EnumerateArray().Select(Parse).ToDictionary(entry => entry.Name);
        // Loaded here, outside any test's dispose scope, so that the tensors live as long as the fixture.
        Crops = SafeTensors.Load(SharedData.PathOf("fixtures/mtcnn/crops.safetensors"));
    }

    /// <summary>facenet-pytorch's detections, by image name.</summary>
    public IReadOnlyDictionary<string, FacenetDetections> Expected { get; }

    /// <summary>facenet-pytorch's crops (<c>crops.safetensors</c>).</summary>
    public SafeTensorsFile Crops { get; }

    /// <summary>A detector with <paramref name="options"/> (default options when null), created once.</summary>
    public MtcnnFaceDetector Detector(MtcnnOptions? options = null) =>
        detectors.GetOrAdd(options ?? new MtcnnOptions(), CreateDetector);

    public static MtcnnFaceDetector CreateDetector(MtcnnOptions options) =>
        MtcnnFaceDetector.FromFiles(SharedData.PathOf("models/mtcnn/pnet.pt"), SharedData.PathOf("models/mtcnn/rnet.pt"),
                                    SharedData.PathOf("models/mtcnn/onet.pt"), options);

    /// <summary>The decoded fixture image <paramref name="name"/>, loaded once.</summary>
    public FaceImage Image(string name) => images.GetOrAdd(name, key => FaceImage.Load(Expected[key].Path));

    /// <summary>The default detector's faces in fixture image <paramref name="name"/>, detected once.</summary>
    public IReadOnlyList<DetectedFace> Detections(string name) => detections.GetOrAdd(name, key => Detector().Detect(Image(key)));

    /// <summary>facenet-pytorch's crop <paramref name="key"/> as [3, S, S] float32 (tensor-input crops are stored H × W × 3).</summary>
    public Tensor ReferenceCrop(string key)
    {
        Tensor crop = Crops[key].to(ScalarType.Float32);
        return key.Contains("/tensor/", StringComparison.Ordinal) ? crop.permute(2, 0, 1) : crop;
    }

    public void Dispose()
    {
        foreach (MtcnnFaceDetector detector in detectors.Values) detector.Dispose();
        foreach (FaceImage image in images.Values) image.Dispose();
        Crops.Dispose();
    }

    private static FacenetDetections Parse(JsonElement entry)
    {
        string relative = entry.GetProperty("image").GetString()!;
        static float[] Numbers(JsonElement array) => array.EnumerateArray().Select(value => value.GetSingle()).ToArray();
        var selections = entry.GetProperty("selection").EnumerateObject().ToDictionary(
            property => property.Name,
            property => property.Value.ValueKind == JsonValueKind.Null ? null : Numbers(property.Value));
        return new FacenetDetections(
            System.IO.Path.GetFileNameWithoutExtension(relative),
            SharedData.PathOf("fixtures/" + relative),
            entry.GetProperty("width").GetInt32(),
            entry.GetProperty("height").GetInt32(),
            entry.GetProperty("boxes").EnumerateArray().Select(Numbers).ToArray(),
            Numbers(entry.GetProperty("probs")),
            entry.GetProperty("landmarks").EnumerateArray().Select(face => face.EnumerateArray().Select(Numbers).ToArray()).ToArray(),
            selections);
    }
}
