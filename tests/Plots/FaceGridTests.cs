using FaceEmbeddings.Tests.Infrastructure;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Plots;
using SkiaSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Plots;

public class FaceGridTests
{
    private const int Side = 4;

    /// <summary>Image i is filled with one colour of its own: (20i + 10, 200 − 20i, 7i + 3).</summary>
    private static (byte R, byte G, byte B) ColourOf(int image) => ((byte)(20 * image + 10), (byte)(200 - 20 * image), (byte)(7 * image + 3));

    private static Tensor SolidImages(int count, int height = Side, int width = Side)
    {
        var data = new byte[count * 3 * height * width];
        for (int i = 0; i < count; i++)
        {
            var (r, g, b) = ColourOf(i);
            byte[] channels = { r, g, b };
            for (int c = 0; c < 3; c++)
                Array.Fill(data, channels[c], ((i * 3) + c) * height * width, height * width);
        }
        return tensor(data, new long[] { count, 3, height, width });
    }

    /// <summary>
    /// The colour torchvision's make_grid puts at (row, column) of the grid: image k sits at
    /// top = (k / nrow)(H + p) + p, left = (k % nrow)(W + p) + p; everything else is padding.
    /// </summary>
    private static (byte R, byte G, byte B) ExpectedPixel(int row, int column, int count, int nrow, int padding, byte pad, int height = Side, int width = Side)
    {
        int tileRow = (row - padding) / (height + padding), inTileRow = (row - padding) % (height + padding);
        int tileColumn = (column - padding) / (width + padding), inTileColumn = (column - padding) % (width + padding);
        bool inside = row >= padding && column >= padding && inTileRow < height && inTileColumn < width && tileColumn < nrow;
        int image = tileRow * nrow + tileColumn;
        return inside && image < count ? ColourOf(image) : (pad, pad, pad);
    }

    private static void AssertLayout(Tensor grid, int count, int nrow, int padding, byte pad, int height = Side, int width = Side)
    {
        int columns = Math.Min(nrow, count), rows = (count + columns - 1) / columns;
        grid.dtype.Should().Be(ScalarType.Byte);
        grid.shape.Should().Equal(3, rows * (height + padding) + padding, columns * (width + padding) + padding);
        byte[] pixels = grid.data<byte>().ToArray();
        int gridHeight = (int)grid.shape[1], gridWidth = (int)grid.shape[2];
        for (int y = 0; y < gridHeight; y++)
        {
            for (int x = 0; x < gridWidth; x++)
            {
                var (r, g, b) = ExpectedPixel(y, x, count, columns, padding, pad, height, width);
                var actual = (pixels[(0 * gridHeight + y) * gridWidth + x], pixels[(1 * gridHeight + y) * gridWidth + x], pixels[(2 * gridHeight + y) * gridWidth + x]);
                actual.Should().Be((r, g, b), $"pixel (row {y}, column {x}) of a grid of {count} images, {nrow} per row, padding {padding}");
            }
        }
    }

    [Theory]
    [InlineData(5, 3, 2, (byte)0)]
    [InlineData(6, 3, 2, (byte)0)]
    [InlineData(3, 8, 2, (byte)0)]
    [InlineData(7, 2, 0, (byte)0)]
    [InlineData(4, 4, 3, (byte)255)]
    public void Tiles_images_row_by_row_with_padding_like_make_grid(int count, int nrow, int padding, byte pad)
    {
        using var images = SolidImages(count);
        using var grid = FaceGrid.Make(images, standardized: false, new FaceGridOptions { ImagesPerRow = nrow, Padding = padding, PadValue = pad });
        AssertLayout(grid, count, nrow, padding, pad);
    }

    [Fact]
    public void Non_square_images_keep_their_shape_in_the_grid()
    {
        using var images = SolidImages(5, height: 3, width: 6);
        using var grid = FaceGrid.Make(images, standardized: false, new FaceGridOptions { ImagesPerRow = 2 });
        AssertLayout(grid, 5, 2, 2, 0, height: 3, width: 6);
    }

    [Fact]
    public void Standardized_crops_are_mapped_back_to_their_grey_levels()
    {
        using var images = SolidImages(5);
        using var standardized = TestTensors.Standardized(images);
        using var grid = FaceGrid.Make(standardized, standardized: true, new FaceGridOptions { ImagesPerRow = 3 });
        AssertLayout(grid, 5, 3, 2, 0);
    }

    [Fact]
    public void Float_values_are_rounded_and_clamped_to_bytes()
    {
        using var values = tensor(new[] { -20f, 0.4f, 0.6f, 254.5f, 300f, 127.49f }, new long[] { 1, 3, 1, 2 });
        using var grid = FaceGrid.Make(values, standardized: false);
        grid.data<byte>().ToArray().Should().Equal(0, 0, 1, 254, 255, 127);
    }

    [Fact]
    public void A_single_image_is_returned_without_padding_as_make_grid_does()
    {
        using var image = SolidImages(1);
        using var grid = FaceGrid.Make(image, standardized: false);
        grid.shape.Should().Equal(3, Side, Side);
        grid.data<byte>().ToArray().Should().Equal(image.data<byte>().ToArray());
    }

    [Fact]
    public void Png_decodes_to_the_grid_with_its_colours()
    {
        using var images = SolidImages(5);
        byte[] png = FaceGrid.Render(images, standardized: false, new FaceGridOptions { ImagesPerRow = 3 });
        using SKBitmap bitmap = PngAssert.Decode(png, 3 * (Side + 2) + 2, 2 * (Side + 2) + 2);
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                var (r, g, b) = ExpectedPixel(y, x, 5, 3, 2, 0);
                bitmap.GetPixel(x, y).Should().Be(new SKColor(r, g, b, 255), $"pixel ({x}, {y})");
            }
        }
    }

    [Fact]
    public void Face_crops_of_both_kinds_make_the_same_grid_as_raw_pixels()
    {
        using var images = SolidImages(3);
        using var raw = images.to(ScalarType.Float32);
        var face = new DetectedFace(new BoundingBox(0, 0, Side, Side), 0.99f, Enumerable.Repeat(new FacePoint(1, 1), DetectedFace.LandmarkCount).ToArray());
        var crops = new[]
        {
            new FaceCrop(raw[0].clone(), face, isStandardized: false),
            new FaceCrop(TestTensors.Standardized(raw[1]), face, isStandardized: true),
            new FaceCrop(raw[2].clone(), face, isStandardized: false),
        };
        try
        {
            FaceGrid.Render(crops).Should().Equal(FaceGrid.Render(images, standardized: false));
        }
        finally
        {
            foreach (FaceCrop crop in crops) crop.Dispose();
        }
    }

    [Fact]
    public async Task SaveAsync_writes_the_png_and_leaves_no_temporary_file()
    {
        string directory = Directory.CreateTempSubdirectory("facegrid-").FullName;
        try
        {
            using var images = SolidImages(4);
            string path = Path.Combine(directory, "nested", "faces.png");
            await FaceGrid.SaveAsync(path, images, standardized: false);
            File.ReadAllBytes(path).Should().Equal(FaceGrid.Render(images, standardized: false));
            Directory.GetFiles(Path.GetDirectoryName(path)!).Should().ContainSingle();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Bad_faces_are_rejected_with_the_argument_named()
    {
        using var wrongShape = zeros(2, 1, 4, 4);
        FluentActions.Invoking(() => FaceGrid.Make(wrongShape, standardized: false))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "faces" && e.Message.Contains("N×3×H×W"));

        using var empty = zeros(0, 3, 4, 4);
        FluentActions.Invoking(() => FaceGrid.Make(empty, standardized: false))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "faces");

        using var withNaN = zeros(2, 3, 4, 4);
        withNaN[1, 2, 3, 3] = float.NaN;
        FluentActions.Invoking(() => FaceGrid.Make(withNaN, standardized: true))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "faces" && e.Message.Contains("NaN"));

        using var bytes = zeros(2, 3, 4, 4, ScalarType.Byte);
        FluentActions.Invoking(() => FaceGrid.Make(bytes, standardized: true))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "standardized");

        using var images = SolidImages(2);
        FluentActions.Invoking(() => FaceGrid.Make(images, standardized: false, new FaceGridOptions { ImagesPerRow = 0 }))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "options");
    }
}
