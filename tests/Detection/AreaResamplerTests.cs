using FaceEmbeddings.Detection;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Detection;

public class AreaResamplerTests
{
    [Fact]
    public void Crops_equal_pytorch_adaptive_average_pooling_bit_for_bit()
    {
        using var scope = NewDisposeScope();
        var random = new Random(7);
        const int height = 37, width = 53;
        Tensor images = randint(0, 256, new long[] { 2, height, width, 3 }, dtype: ScalarType.Byte, generator: new TorchSharp.torch.Generator(7));
        Tensor table = AreaResampler.SummedAreaTable(images);

        var crops = new List<long[]>();
        for (int i = 0; i < 40; i++)
        {
            int top = random.Next(height), left = random.Next(width);
            crops.Add(new long[] { i % 2, top, left, top + 1 + random.Next(height - top), left + 1 + random.Next(width - left) });
        }
        crops.Add(new long[] { 1, 0, 0, height, width }); // the whole image
        crops.Add(new long[] { 0, 5, 5, 6, 6 });          // one pixel

        foreach (long size in new long[] { 24, 7 })
        {
            Tensor resized = AreaResampler.ResizeCrops(table, height, width, tensor(crops.SelectMany(c => c).ToArray(), new long[] { crops.Count, 5 }), size, size);
            resized.shape.Should().Equal(crops.Count, size, size, 3);
            for (int k = 0; k < crops.Count; k++)
            {
                long[] c = crops[k];
                Tensor crop = images[c[0], (int)c[1]..(int)c[3], (int)c[2]..(int)c[4]].to(ScalarType.Float32).permute(2, 0, 1).unsqueeze(0);
                Tensor expected = nn.functional.adaptive_avg_pool2d(crop, new[] { size, size })[0].permute(1, 2, 0);
                (resized[k] - expected).abs().max().item<float>().Should().Be(0f,$"crop {k} [{string.Join(", ", c)}] at {size}×{size} must match bit for bit");
            }
        }
    }

    [Fact]
    public void Sums_beyond_32_bits_still_give_exact_means()
    {
        // 3000 × 3000 × 255 ≈ 2.3·10⁹ overflows int32: the table wraps, the window sums must not.
        // All white except a 10 × 10 red-channel corner of 7, so the expected means follow by hand.
        using var scope = NewDisposeScope();
        Tensor images = full(new long[] { 1, 3000, 3000, 3 }, 255, ScalarType.Byte);
        images[0, 2990.., 2990.., 0] = tensor((byte)7);
        Tensor table = AreaResampler.SummedAreaTable(images);

        Tensor resized = AreaResampler.ResizeCrops(table, 3000, 3000, tensor(new long[] { 0, 0, 0, 3000, 3000 }, new long[] { 1, 5 }), 2, 2); // windows of 1500 × 1500
        resized[0, .., .., 1..].eq(255f).all().item<bool>().Should().BeTrue();
        float[] red = resized[0, .., .., 0].contiguous().data<float>().ToArray();
        red[..3].Should().Equal(255f, 255f, 255f);
        red[3].Should().BeApproximately(255f - 248f * 100 / (1500f * 1500), 1e-4f);

        Tensor corner = AreaResampler.ResizeCrops(table, 3000, 3000, tensor(new long[] { 0, 2000, 2000, 3000, 3000 }, new long[] { 1, 5 }), 1, 1);
        corner[0, 0, 0, 0].item<float>().Should().BeApproximately(255f - 248f * 100 / 1_000_000f, 1e-4f);
    }
}
