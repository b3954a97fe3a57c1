using FaceEmbeddings.Detection;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Alignment;

public class AlignedChipSamplerTests
{
    private const int Size = 150;

    /// <summary>A smooth pattern that is not symmetric under rotation: the chip content expected at chip point (u, v).</summary>
    private static double Pattern(double u, double v) => 128 + 60 * Math.Sin(2 * Math.PI * u / 50) + 50 * Math.Cos(2 * Math.PI * v / 70) + 0.1 * v;

    /// <summary>An image of <paramref name="width"/>×<paramref name="height"/> whose pixel (x, y) shows the pattern at
    /// chip point T⁻¹(x, y): the chip cut through T should show the pattern upright.</summary>
    private static Tensor Render(SimilarityTransform chipToImage, int width, int height, ScalarType dtype = ScalarType.Float32)
    {
        SimilarityTransform imageToChip = chipToImage.Inverse();
        var pixels = new double[3 * height * width];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                (double u, double v) = imageToChip.Map(x, y);
                double value = Pattern(u, v);
                pixels[y * width + x] = value;
                pixels[height * width + y * width + x] = 255 - value;
                pixels[2 * height * width + y * width + x] = value / 2;
            }
        }
        return tensor(pixels, new long[] { 3, height, width }, ScalarType.Float64).to(dtype);
    }

    /// <summary>|a − b| element by element, computed on the host.</summary>
    private static double[] Differences(Tensor a, Tensor b)
    {
        double[] left = a.to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        double[] right = b.to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        return left.Select((value, i) => Math.Abs(value - right[i])).ToArray();
    }

    private static Tensor Grey(Tensor like)
    {
        using Scalar grey = 127.5;
        return full_like(like, grey);
    }

    /// <summary>3×side×side, squares of one pixel, 0 and 255.</summary>
    private static Tensor Checkerboard(int side)
    {
        var pixels = new float[3 * side * side];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++)
                    pixels[(c * side + y) * side + x] = (x + y) % 2 == 0 ? 0 : 255;
        return tensor(pixels, new long[] { 3, side, side });
    }

    private static SimilarityTransform Rotated(double degrees, double scale, double tx, double ty)
    {
        double angle = degrees * Math.PI / 180;
        return new SimilarityTransform(scale * Math.Cos(angle), scale * Math.Sin(angle), tx, ty);
    }

    [Theory]
    [InlineData(30, 1.0)]
    [InlineData(-30, 2.0)]
    [InlineData(90, 3.0)]
    public void A_pattern_drawn_rotated_comes_out_upright(double degrees, double scale)
    {
        using var scope = NewDisposeScope();
        int side = (int)(Size * scale * 1.6) + 40;
        SimilarityTransform transform = Rotated(degrees, scale, side / 2.0, side / 2.0);
        // Centre the chip in the image: chip centre (75, 75) maps to the image centre.
        (double cx, double cy) = transform.Map(Size / 2.0, Size / 2.0);
        transform = transform with { Tx = transform.Tx + side / 2.0 - cx, Ty = transform.Ty + side / 2.0 - cy };
        Tensor image = Render(transform, side, side);

        Tensor chip = AlignedChipSampler.Sample(image, [transform], Size)[0]; // [3, S, S]
        Tensor expected = Render(new SimilarityTransform(1, 0, 0, 0), Size, Size);

        // The pattern varies by at most about 8 units a chip pixel; the box filter of a scale-s chip blurs it by a fraction of that.
        Differences(chip[.., 5..^5, 5..^5], expected[.., 5..^5, 5..^5]).Max().Should().BeLessThan(2.5);
        Tensor unrotated = AlignedChipSampler.Sample(image, [new SimilarityTransform(scale, 0, transform.Tx, transform.Ty)], Size)[0];
        Differences(unrotated[.., 5..^5, 5..^5], expected[.., 5..^5, 5..^5]).Average().Should().BeGreaterThan(20, "without the rotation the chip shows another picture");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    public void A_fine_checkerboard_shrunk_eight_times_averages_to_grey(double degrees)
    {
        using var scope = NewDisposeScope();
        int side = Size * 8 + 200;
        Tensor board = Checkerboard(side);
        SimilarityTransform transform = Rotated(degrees, 8, 0, 0);
        (double cx, double cy) = transform.Map(Size / 2.0, Size / 2.0);
        transform = transform with { Tx = side / 2.0 - cx, Ty = side / 2.0 - cy };

        Tensor chip = AlignedChipSampler.Sample(board, [transform], Size);

        Differences(chip, Grey(chip)).Max().Should().BeLessThan(8);
    }

    [Fact]
    public void Without_the_box_filter_the_same_shrink_would_alias()
    {
        // The reason for the filter: bilinear sampling alone, one tap per chip pixel, on the checkerboard above.
        using var scope = NewDisposeScope();
        int side = Size * 8 + 200;
        Tensor board = Checkerboard(side).unsqueeze(0);
        // Shifted by half a pixel so that the taps fall on pixel centres, as they do wherever a face happens to lie.
        Tensor theta = tensor(new float[] { 8f * Size / side, 0, 1f / side, 0, 8f * Size / side, 1f / side }, new long[] { 1, 2, 3 });
        Tensor grid = nn.functional.affine_grid(theta, new long[] { 1, 3, Size, Size }, align_corners: false);
        Tensor plain = nn.functional.grid_sample(board, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
        Differences(plain, Grey(plain)).Max().Should().BeGreaterThan(50);
    }

    [Fact]
    public void A_batch_of_faces_gives_each_face_the_chip_it_gets_alone()
    {
        using var scope = NewDisposeScope();
        SimilarityTransform[] transforms = [Rotated(10, 1.2, 100, 40), Rotated(-40, 5.5, 420, 90), Rotated(170, 2.4, 600, 500), Rotated(0, 0.7, 20, 300)];
        Tensor image = Render(transforms[0], 800, 700);

        Tensor together = AlignedChipSampler.Sample(image, transforms, Size);

        for (int i = 0; i < transforms.Length; i++)
        {
            Tensor alone = AlignedChipSampler.Sample(image, [transforms[i]], Size)[0];
            Differences(together[i], alone).Max().Should().Be(0, $"face {i} is sampled the same way in either case");
        }
    }

    [Fact]
    public void Float32_chips_are_within_1e4_of_a_float64_reference()
    {
        using var scope = NewDisposeScope();
        SimilarityTransform[] transforms = [Rotated(25, 1.5, 300, 80), Rotated(-60, 6, 500, 200)];
        using Scalar range = 255;
        Tensor image64 = Render(transforms[0], 900, 900, ScalarType.Float64).div(range);


        Tensor chips32 = AlignedChipSampler.Sample(image64.to(ScalarType.Float32), transforms, Size);
        Tensor chips64 = AlignedChipSampler.Sample(image64, transforms, Size);

        Differences(chips32, chips64).Max().Should().BeLessThan(1e-4);
    }
}
