using TorchSharp;
using FaceEmbeddings.Detection;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Detection;

public class AreaResamplerTests
{
    private static byte[] RandomImage(Random random, int height, int width)
    {
        var pixels = new byte[height * width * 3];
        random.NextBytes(pixels);
        return pixels;
    }

    /// <summary>PyTorch's area interpolation of rows top..bottom − 1, columns left..right − 1 of an image: [h, w, 3].</summary>
    private static Tensor PyTorchArea(byte[] image, int height, int width, CropWindow crop, long outHeight, long outWidth)
    {
        Tensor pixels = tensor(image, new long[] { height, width, 3 })[crop.Top..crop.Bottom, crop.Left..crop.Right]
            .to(ScalarType.Float32).permute(2, 0, 1).unsqueeze(0);
        return nn.functional.adaptive_avg_pool2d(pixels, new[] { outHeight, outWidth })[0].permute(1, 2, 0);
    }

    [Fact]
    public void Crops_equal_pytorch_adaptive_average_pooling_bit_for_bit()
    {
        using var scope = NewDisposeScope();
        var random = new Random(7);
        const int height = 37, width = 53;
        byte[][] images = [RandomImage(random, height, width), RandomImage(random, height, width)];
        using AreaResampler resampler = AreaResampler.Of(images, height, width);

        var crops = new List<CropWindow>();
        for (int i = 0; i < 40; i++)
        {
            int top = random.Next(height), left = random.Next(width);
            crops.Add(new CropWindow(i % 2, top, left, top + 1 + random.Next(height - top), left + 1 + random.Next(width - left)));
        }
        crops.Add(new CropWindow(1, 0, 0, height, width)); // the whole image
        crops.Add(new CropWindow(0, 5, 5, 6, 6));          // one pixel

        foreach (int size in new[] { 24, 7 })
        {
            Tensor resized = resampler.ResizeCrops(crops, size, size, PixelNormalization.None, CPU);
            resized.shape.Should().Equal(crops.Count, size, size, 3);
            for (int k = 0; k < crops.Count; k++)
            {
                Tensor expected = PyTorchArea(images[crops[k].Image], height, width, crops[k], size, size);
                (resized[k] - expected).abs().max().item<float>().Should().Be(0f, $"crop {k} {crops[k]} at {size}×{size} must match bit for bit");
            }
        }
    }

    [Fact]
    public void Whole_images_equal_pytorch_adaptive_average_pooling_bit_for_bit()
    {
        using var scope = NewDisposeScope();
        var random = new Random(11);
        const int height = 41, width = 67;
        byte[][] images = [RandomImage(random, height, width), RandomImage(random, height, width)];
        using AreaResampler resampler = AreaResampler.Of(images, height, width);
        foreach ((int outHeight, int outWidth) in new[] { (30, 49), (13, 24), (41, 67), (50, 70) })
        {
            Tensor resized = resampler.ResizeImages(outHeight, outWidth, PixelNormalization.None, CPU);
            resized.shape.Should().Equal(2, outHeight, outWidth, 3);
            for (int n = 0; n < images.Length; n++)
            {
                Tensor expected = PyTorchArea(images[n], height, width, new CropWindow(n, 0, 0, height, width), outHeight, outWidth);
                (resized[n] - expected).abs().max().item<float>().Should().Be(0f, $"image {n} at {outHeight}×{outWidth} must match bit for bit");
            }
        }
    }

    [Fact]
    public void Normalized_outputs_equal_facenet_pytorch_normalizing_after_resampling()
    {
        using var scope = NewDisposeScope();
        var random = new Random(13);
        const int height = 29, width = 45;
        byte[][] images = [RandomImage(random, height, width)];
        using AreaResampler resampler = AreaResampler.Of(images, height, width);
        var whole = new CropWindow(0, 0, 0, height, width);
        var crop = new CropWindow(0, 3, 7, 26, 30);

        Tensor pyramidLevel = resampler.ResizeImages(17, 26, PixelNormalization.Standardized, CPU)[0];
        Tensor patch = resampler.ResizeCrops([crop], 24, 24, PixelNormalization.Standardized, CPU)[0];

        // facenet-pytorch: im_data = (imresample(img, size) - 127.5) * 0.0078125
        using Scalar offset = 127.5f, scale = 0.0078125f;
        Tensor expectedLevel = PyTorchArea(images[0], height, width, whole, 17, 26).sub(offset).mul(scale);
        Tensor expectedPatch = PyTorchArea(images[0], height, width, crop, 24, 24).sub(offset).mul(scale);
        pyramidLevel.equal(expectedLevel).all().item<bool>().Should().BeTrue();
        patch.equal(expectedPatch).all().item<bool>().Should().BeTrue();
        patch.min().item<float>().Should().BeLessThan(0f, "the offset was subtracted");
    }

    [Fact]
    public void Sums_beyond_32_bits_still_give_exact_means()
    {
        // 3000 × 3000 × 255 ≈ 2.3·10⁹ overflows 32 bits: the table wraps, the window sums must not.
        // All white except a 10 × 10 red-channel corner of 7, so the expected means follow by hand.
        using var scope = NewDisposeScope();
        const int side = 3000;
        var image = new byte[side * side * 3];
        Array.Fill(image, (byte)255);
        for (int y = side - 10; y < side; y++)
            for (int x = side - 10; x < side; x++)
                image[(y * side + x) * 3] = 7;
        using AreaResampler resampler = AreaResampler.Of([image], side, side);

        Tensor resized = resampler.ResizeImages(2, 2, PixelNormalization.None, CPU);      // windows of 1500 × 1500
        resized[0, .., .., 1..].eq(tensor(255f)).all().item<bool>().Should().BeTrue();
        float[] red = resized[0, .., .., 0].contiguous().data<float>().ToArray();
        red[..3].Should().Equal(255f, 255f, 255f);
        red[3].Should().BeApproximately(255f - 248f * 100 / (1500f * 1500), 1e-4f);

        Tensor corner = resampler.ResizeCrops([new CropWindow(0, 2000, 2000, side, side)], 1, 1, PixelNormalization.None, CPU);
        corner[0, 0, 0, 0].item<float>().Should().BeApproximately(255f - 248f * 100 / 1_000_000f, 1e-4f);
    }

    [Theory]
    [InlineData(0, 0, 0, 0, 5)]   // no rows
    [InlineData(0, 3, 3, 2, 5)]   // bottom above top
    [InlineData(0, 0, 0, 11, 5)]  // below the image
    [InlineData(0, -1, 0, 4, 5)]  // above the image
    [InlineData(1, 0, 0, 4, 5)]   // no such image
    public void Crops_that_are_empty_or_outside_the_images_are_rejected(int image, int top, int left, int bottom, int right)
    {
        using AreaResampler resampler = AreaResampler.Of([new byte[10 * 10 * 3]], 10, 10);
        var act = () => resampler.ResizeCrops([new CropWindow(image, top, left, bottom, right)], 4, 4, PixelNormalization.None, CPU);
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("crops").WithMessage("*Crop 0*10×10*");
    }

    [Fact]
    public void An_image_too_large_for_one_table_is_rejected_before_anything_is_allocated()
    {
        // 1 × 800,000,000 pixels: 4.8·10⁹ table entries, beyond any .NET array. The image bytes are never read.
        var act = () => AreaResampler.Of([new byte[3]], 800_000_000, 1);
        act.Should().Throw<ArgumentException>().WithMessage("*1×800000000*too large*");
    }
}
