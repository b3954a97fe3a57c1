using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Tests.Infrastructure;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Detection;

/// <summary>The tutorial's <c>MTCNN(image_size=150, margin=32)</c> on 98 UTKFace JPEGs
/// (<c>fixtures/seed_pipeline</c>): one crop per image, as facenet-pytorch cut it.</summary>
public sealed class SeedPipelineCropParityTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("black_female")]
    [InlineData("white_female")]
    public void Crops_of_the_utkface_group_match_facenet(string group)
    {
        using SafeTensorsFile reference = SafeTensors.Load(SharedData.PathOf("fixtures/seed_pipeline/reference.safetensors"));
        string[] files = reference.Metadata[group].Split(',');
        using var scope = NewDisposeScope();
        Tensor expected = reference[$"{group}/crops"].to(ScalarType.Float32); // [49, 3, 150, 150], standardized
        files.Should().HaveCount((int)expected.shape[0]);

        using MtcnnFaceDetector detector = MtcnnFixture.CreateDetector(new MtcnnOptions { ImageSize = 150, Margin = 32 });
        var levels = new float[files.Length];
        for (int i = 0; i < files.Length; i++)
        {
            using FaceImage image = FaceImage.Load(SharedData.PathOf("data/utkface/" + files[i]));
            using FaceCropBatch crops = detector.DetectAndExtract(image);
            crops.Should().ContainSingle(files[i]);
            FaceCrop crop = crops[0];
            crop.Pixels.shape.Should().Equal(3, 150, 150);
            levels[i] = (crop.Pixels - expected[i]).abs().max().item<float>() * 128f;
        }

        float worst = levels.Max();
        int exact = levels.Count(level => level == 0);
        output.WriteLine($"{group}: {exact} of {files.Length} crops identical; max |Δ| {worst} grey levels (median {levels.Order().ElementAt(levels.Length / 2)})");
        worst.Should().BeLessThanOrEqualTo(3f, "the PIL-path crops agree within a few grey levels (fixtures README)");
    }
}
