using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Detection;

/// <summary>Face crops against facenet-pytorch's (<c>fixtures/mtcnn/crops.safetensors</c>).</summary>
public sealed class MtcnnCropParityTests(MtcnnFixture fixture, ITestOutputHelper output) : IClassFixture<MtcnnFixture>
{
    /// <summary>"A few grey levels" (fixtures README) for PIL-path crops.</summary>
    private const float BilinearToleranceLevels = 3f;

    /// <summary>One grey level for tensor-path crops.</summary>
    private const float AreaToleranceLevels = 1f;

    public static TheoryData<string, int, int> PortraitCrops()
    {
        var data = new TheoryData<string, int, int>();
        foreach (string image in MtcnnFixture.PortraitNames)
            foreach ((int size, int margin) in new[] { (160, 0), (160, 32), (256, 32) })
                data.Add(image, size, margin);
        return data;
    }

    public static TheoryData<string> Portraits => new(MtcnnFixture.PortraitNames);

    [Theory]
    [MemberData(nameof(PortraitCrops))]
    public void Bilinear_crops_match_facenet_pil_crops(string image, int size, int margin)
    {
        float levels = CompareDetectAndExtract(new MtcnnOptions { ImageSize = size, Margin = margin }, image, $"{image}/pil/{size}_m{margin}");
        levels.Should().BeLessThanOrEqualTo(BilinearToleranceLevels);
    }

    [Theory]
    [MemberData(nameof(PortraitCrops))]
    public void Area_crops_match_facenet_tensor_crops(string image, int size, int margin)
    {
        var options = new MtcnnOptions { ImageSize = size, Margin = margin, CropResize = CropResizeMethod.Area };
        float levels = CompareDetectAndExtract(options, image, $"{image}/tensor/{size}_m{margin}");
        levels.Should().BeLessThanOrEqualTo(AreaToleranceLevels);
    }

    [Theory]
    [MemberData(nameof(Portraits))]
    public void Unprocessed_crops_match_facenet_raw_crops(string image)
    {
        float levels = CompareDetectAndExtract(new MtcnnOptions { PostProcess = false }, image, $"{image}/pil/160_m0_raw");
        levels.Should().BeLessThanOrEqualTo(BilinearToleranceLevels);
    }

    [Theory]
    [MemberData(nameof(PortraitCrops))]
    public void Extracting_facenets_own_box_reproduces_its_pil_crop_exactly(string image, int size, int margin)
    {
        // The crop arithmetic alone, from facenet-pytorch's box: margin rule, truncation, PIL's filter.
        float[] box = fixture.Expected[image].Boxes[0];
        MtcnnFaceDetector detector = fixture.Detector(new MtcnnOptions { ImageSize = size, Margin = margin });
        var face = new DetectedFace(new BoundingBox(box[0], box[1], box[2], box[3]), 1f, Array.Empty<FacePoint>());
        using FaceCrop crop = detector.Extract(fixture.Image(image), face);
        using var scope = NewDisposeScope();
        GreyLevels(crop.Pixels, fixture.ReferenceCrop($"{image}/pil/{size}_m{margin}"), standardized: true).Should().Be(0f);
    }

    [Fact]
    public void All_six_faces_of_the_group_photo_match_facenet_keep_all()
    {
        Tensor expected = fixture.ReferenceCrop("multiface/pil/160_m0_all"); // [6, 3, 160, 160]
        using FaceCropBatch crops = fixture.Detector(new MtcnnOptions { KeepAll = true }).DetectAndExtract(fixture.Image("multiface"));
        crops.Should().HaveCount(6);
        float worst = 0;
        for (int i = 0; i < crops.Count; i++)
        {
            crops[i].IsStandardized.Should().BeTrue();
            crops[i].Face.Box.Should().Be(fixture.Detections("multiface")[i].Box);
            using var scope = NewDisposeScope();
            worst = Math.Max(worst, GreyLevels(crops[i].Pixels, expected[i], standardized: true));
        }
        output.WriteLine($"multiface keep_all: max |Δ| {worst} grey levels over 6 crops");
        worst.Should().BeLessThanOrEqualTo(BilinearToleranceLevels);
    }

    [Fact]
    public async Task ToImage_gives_the_crop_before_standardization_and_SaveAsync_writes_it()
    {
        string path = Path.Combine(Path.GetTempPath(), $"mtcnn-save-{Guid.NewGuid():N}", "face.png");
        using FaceCropBatch crops = fixture.Detector().DetectAndExtract(fixture.Image("kate_siegel"));
        try
        {
            crops.Should().ContainSingle().Which.IsStandardized.Should().BeTrue();
            using (FaceImage image = crops[0].ToImage())
                await image.SaveAsync(path);
            using FaceImage saved = FaceImage.Load(path);
            using var scope = NewDisposeScope();
            Tensor pixels = saved.ToTensor().permute(2, 0, 1).to(ScalarType.Float32);
            GreyLevels(pixels, fixture.ReferenceCrop("kate_siegel/pil/160_m0_raw"), standardized: false).Should().BeLessThanOrEqualTo(BilinearToleranceLevels);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void Extracting_a_box_outside_the_image_is_refused()
    {
        var outside = new DetectedFace(new BoundingBox(5000, 10, 5100, 110), 0.99f, Array.Empty<FacePoint>());
        Action extract = () => fixture.Detector().Extract(fixture.Image("kate_siegel"), outside);
        extract.Should().Throw<ArgumentException>().WithParameterName("face").WithMessage("*558×800*");
    }

    private float CompareDetectAndExtract(MtcnnOptions options, string image, string key)
    {
        using FaceCropBatch crops = fixture.Detector(options).DetectAndExtract(fixture.Image(image));
        crops.Should().ContainSingle();
        FaceCrop crop = crops[0];
        crop.Size.Should().Be(options.ImageSize);
        crop.IsStandardized.Should().Be(options.PostProcess);
        using var scope = NewDisposeScope();
        float levels = GreyLevels(crop.Pixels, fixture.ReferenceCrop(key), options.PostProcess);
        output.WriteLine($"{key}: max |Δ| {levels} grey levels");
        return levels;
    }

    /// <summary>The largest difference in grey levels (0..255 units) between two [3, S, S] crops.</summary>
    private static float GreyLevels(Tensor actual, Tensor expected, bool standardized)
    {
        actual.shape.Should().Equal(expected.shape);
        float difference = (actual - expected).abs().max().item<float>();
        return standardized ? difference * 128f : difference;
    }
}
