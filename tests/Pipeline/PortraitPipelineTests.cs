using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Models.Store;
using FaceEmbeddings.Tests.FaceNet;
using FaceEmbeddings.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Pipeline;

/// <summary>
/// The whole pipeline as a user runs it: PNG portrait → FaceImage → MtcnnFaceDetector (defaults: largest face,
/// PIL-style bilinear crop, 160 px, standardized) → FaceNetEncoder, against facenet-pytorch's
/// <c>crop_embeddings</c> of the same portraits.
/// </summary>
[Collection(FaceNetTestGroup.Name)]
public sealed class PortraitPipelineTests(FaceNetReference reference, ITestOutputHelper output)
{
    [Fact]
    public async Task Portraits_give_facenet_pytorchs_embeddings()
    {
        using var detector = await MtcnnFaceDetector.CreateAsync(store: new ModelStore(SharedData.PathOf("models")));
        using var encoder = FaceNetEncoder.FromStateDict(reference.StateDict);

        IReadOnlyList<string> order = reference.CropOrder;
        var rows = new List<Tensor>();
        foreach (string key in order)
        {
            // Keys look like "angelina_jolie/pil/160_m0": the portrait, given as a PIL image, default crop.
            string portrait = key.Split('/')[0];
            using var image = FaceImage.Load(SharedData.PathOf($"fixtures/images/{portrait}.png"));
            using FaceCropBatch crops = detector.DetectAndExtract(image);
            crops.Should().ContainSingle($"{portrait} shows one face and the default keeps the largest");
            rows.Add(encoder.Embed(crops[0]));
        }

        using var scope = NewDisposeScope();
        Tensor actual = stack(rows);
        rows.ForEach(row => row.Dispose());
        float maxError = FaceNetReference.MaxAbsDifference(actual, reference.CropEmbeddings);
        float minCosine = FaceNetReference.MinCosine(actual, reference.CropEmbeddings);
        output.WriteLine($"portrait pipeline vs crop_embeddings: max |Δ| {maxError:E2}, min cosine {minCosine:F6}");

        // The embedding tolerance of the fixture README; it holds end to end because the crops themselves match.
        maxError.Should().BeLessThan(1e-4f);
        minCosine.Should().BeGreaterThan(0.9999f);
    }
}
