using System.Text.Json;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Tests.Infrastructure;
using SkiaSharp;
using static FaceEmbeddings.Tests.Infrastructure.EncodedImages;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Imaging;

public sealed class FaceImageTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("faceimage-tests-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Fixture_pngs_decode_to_the_sizes_facenet_reported()
    {
        using JsonDocument detect = JsonDocument.Parse(File.ReadAllText(SharedData.PathOf("fixtures/mtcnn/detect.json")));
        foreach (JsonElement entry in detect.RootElement.GetProperty("images").EnumerateArray())
        {
            using FaceImage image = FaceImage.Load(SharedData.PathOf("fixtures/" + entry.GetProperty("image").GetString()));
            image.Width.Should().Be(entry.GetProperty("width").GetInt32());
            image.Height.Should().Be(entry.GetProperty("height").GetInt32());
        }
    }

    [Fact]
    public void Fixture_blank_png_is_black_and_noise_png_is_uniform_noise()
    {
        using FaceImage blank = FaceImage.Load(SharedData.PathOf("fixtures/images/blank.png"));
        blank.Rgb.Should().OnlyContain(value => value == 0);

        using FaceImage noise = FaceImage.Load(SharedData.PathOf("fixtures/images/noise.png"));
        double mean = noise.Rgb.Average(value => (double)value);
        double variance = noise.Rgb.Average(value => (value - mean) * (value - mean));
        mean.Should().BeApproximately(127.5, 1.0);                            // uniform 0..255: mean 127.5
        Math.Sqrt(variance).Should().BeApproximately(Math.Sqrt((256.0 * 256 - 1) / 12), 1.0); // sd 73.9
    }

    [Fact]
    public void Grey_png_expands_to_equal_channels()
    {
        byte[] grey = { 0, 17, 128, 255, 3, 250 };
        using FaceImage image = Decode(Png(3, 2, PngColor.Grey, 8, grey));
        image.Rgb.Should().Equal(grey.SelectMany(v => new[] { v, v, v }));
    }

    [Fact]
    public void Grey_png_with_alpha_keeps_the_grey_value_of_transparent_pixels()
    {
        byte[] samples = { 200, 0, 90, 128, 40, 255 }; // (grey, alpha) pairs
        using FaceImage image = Decode(Png(3, 1, PngColor.GreyAlpha, 8, samples));
        image.Rgb.Should().Equal(200, 200, 200, 90, 90, 90, 40, 40, 40);
    }

    [Fact]
    public void Rgba_png_drops_alpha_without_premultiplying()
    {
        byte[] samples = { 200, 100, 50, 10, 7, 8, 9, 0, 255, 128, 1, 255, 60, 70, 80, 128 };
        using FaceImage image = Decode(Png(2, 2, PngColor.Rgba, 8, samples));
        image.Rgb.Should().Equal(200, 100, 50, 7, 8, 9, 255, 128, 1, 60, 70, 80);
    }

    [Fact]
    public void Palette_png_takes_the_palette_colours_and_ignores_their_transparency()
    {
        byte[] palette = { 255, 0, 0, 0, 255, 0, 10, 20, 30 };
        byte[] transparency = { 0, 128 }; // entry 0 fully transparent, entry 1 half, entry 2 opaque
        byte[] indices = { 0, 1, 2, 1 };
        using FaceImage image = Decode(Png(4, 1, PngColor.Palette, 8, indices, palette, transparency));
        image.Rgb.Should().Equal(255, 0, 0, 0, 255, 0, 10, 20, 30, 0, 255, 0);
    }

    [Fact]
    public void Sixteen_bit_pngs_scale_to_eight_bits()
    {
        ushort[] values = { 0, 65535, 0x1234, 0x8000, 0xABCD, 0x0101 };
        byte[] samples = values.SelectMany(v => new[] { (byte)(v >> 8), (byte)v }).ToArray();
        byte[] expected = values.Select(v => (byte)Math.Round(v / 257.0)).ToArray();

        using FaceImage rgb = Decode(Png(2, 1, PngColor.Rgb, 16, samples));
        ShouldBeWithinOneLevel(rgb.Rgb, expected);

        using FaceImage grey = Decode(Png(3, 2, PngColor.Grey, 16, samples));
        ShouldBeWithinOneLevel(grey.Rgb, expected.SelectMany(v => new[] { v, v, v }).ToArray());
    }

    [Fact]
    public void Bmp_webp_and_gif_decode()
    {
        byte[] rgb = Enumerable.Range(0, 5 * 3 * 3).Select(i => (byte)(i * 5)).ToArray();
        using (FaceImage bmp = Decode(Bmp24(5, 3, rgb)))
            bmp.Rgb.Should().Equal(rgb);

        using (FaceImage webp = Decode(Encode(SolidBitmap(16, 8, new SKColor(30, 140, 220)), SKEncodedImageFormat.Webp, 100)))
        {
            (webp.Width, webp.Height).Should().Be((16, 8));
            ShouldBeWithinLevels(webp.Rgb, Repeat(new byte[] { 30, 140, 220 }, 16 * 8), 4);
        }

        // The classic 43-byte GIF: one white pixel (palette white, black; LZW codes clear, 0, end).
        byte[] gif = Convert.FromBase64String("R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs=");
        using FaceImage single = Decode(gif);
        single.Rgb.Should().Equal(255, 255, 255);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Exif_orientation_turns_the_pixels_upright(ushort orientation)
    {
        // Stored image 32×16: four 8×8-aligned blocks per row so that JPEG keeps them apart.
        const int storedWidth = 32, storedHeight = 16;
        SKColor[] colors = { new(255, 0, 0), new(0, 255, 0), new(0, 0, 255), new(255, 255, 0), new(0, 255, 255), new(255, 0, 255), new(255, 255, 255), new(0, 0, 0) };
        using var bitmap = new SKBitmap(storedWidth, storedHeight);
        for (int y = 0; y < storedHeight; y++)
            for (int x = 0; x < storedWidth; x++)
                bitmap.SetPixel(x, y, colors[(y / 8) * 4 + x / 8]);
        byte[] jpeg = WithExifOrientation(Encode(bitmap, SKEncodedImageFormat.Jpeg, 100), orientation);

        using FaceImage asStored = Decode(jpeg, new FaceImageOptions { ApplyExifOrientation = false });
        (asStored.Width, asStored.Height).Should().Be((storedWidth, storedHeight));

        using FaceImage upright = Decode(jpeg);
        bool swapped = orientation >= 5;
        (upright.Width, upright.Height).Should().Be(swapped ? (storedHeight, storedWidth) : (storedWidth, storedHeight));
        for (int y = 4; y < upright.Height; y += 8)
        {
            for (int x = 4; x < upright.Width; x += 8)
            {
                // The EXIF definition: where the stored pixel shown at display position (x, y) lies.
                (int storedX, int storedY) = orientation switch
                {
                    1 => (x, y),
                    2 => (storedWidth - 1 - x, y),
                    3 => (storedWidth - 1 - x, storedHeight - 1 - y),
                    4 => (x, storedHeight - 1 - y),
                    5 => (y, x),
                    6 => (y, storedHeight - 1 - x),
                    7 => (storedWidth - 1 - y, storedHeight - 1 - x),
                    _ => (storedWidth - 1 - y, x),
                };
                SKColor expected = colors[(storedY / 8) * 4 + storedX / 8];
                int at = (y * upright.Width + x) * 3;
                ShouldBeWithinLevels(upright.Rgb[at..(at + 3)], new[] { expected.Red, expected.Green, expected.Blue }, 16);
            }
        }
    }

    [Fact]
    public void Images_above_the_pixel_limit_are_refused_from_the_header()
    {
        // The data holds one pixel: decoding would fail as truncated, so the limit must be checked first.
        string path = Write("huge.png", PngClaimingSize(100_000, 100_000));
        Action load = () => FaceImage.Load(path);
        load.Should().Throw<ImageDecodeException>()
            .WithMessage("*huge.png*100000×100000*above the limit*")
            .Which.SourceName.Should().Be(path);

        byte[] small = Png(20, 20, PngColor.Grey, 8, new byte[400]);
        Action limited = () => Decode(small, new FaceImageOptions { MaxPixels = 399 });
        limited.Should().Throw<ImageDecodeException>().WithMessage("*400 pixels*above the limit of 399*");
        using FaceImage allowed = Decode(small, new FaceImageOptions { MaxPixels = 400 });
        allowed.Width.Should().Be(20);
    }

    [Fact]
    public void Undecodable_input_throws_ImageDecodeException_naming_the_source()
    {
        string garbage = Write("garbage.jpg", Enumerable.Range(0, 1000).Select(i => (byte)(i * 37 % 251)).ToArray());
        Action loadGarbage = () => FaceImage.Load(garbage);
        loadGarbage.Should().Throw<ImageDecodeException>().WithMessage($"*{garbage}*not an image format*");

        string empty = Write("empty.png", Array.Empty<byte>());
        Action loadEmpty = () => FaceImage.Load(empty);
        loadEmpty.Should().Throw<ImageDecodeException>().WithMessage($"*{empty}*empty*");

        byte[] png = File.ReadAllBytes(SharedData.PathOf("fixtures/images/kate_siegel.png"));
        string truncated = Write("truncated.png", png[..(png.Length / 2)]);
        Action loadTruncated = () => FaceImage.Load(truncated);
        loadTruncated.Should().Throw<ImageDecodeException>().WithMessage($"*{truncated}*truncated*");

        Action fromStream = () => FaceImage.Load(new MemoryStream(new byte[] { 1, 2, 3 }));
        fromStream.Should().Throw<ImageDecodeException>().WithMessage("*'stream'*");

        Action invalidOptions = () => Decode(png, new FaceImageOptions { MaxPixels = 0 });
        invalidOptions.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MaxPixels");
    }

    [Fact]
    public void FromRgb_checks_the_length_and_ToTensor_gives_height_width_channels()
    {
        byte[] rgb = Enumerable.Range(0, 2 * 3 * 3).Select(i => (byte)i).ToArray();
        Action tooShort = () => FaceImage.FromRgb(rgb[..^1], 3, 2);
        tooShort.Should().Throw<ArgumentException>().WithMessage("*3×2*18 bytes*got 17*");
        Action zeroWidth = () => FaceImage.FromRgb(Array.Empty<byte>(), 0, 2);
        zeroWidth.Should().Throw<ArgumentOutOfRangeException>();

        FaceImage image = FaceImage.FromRgb(rgb, 3, 2);
        rgb[0] = 99; // the image holds its own copy
        using (Tensor pixels = image.ToTensor())
        {
            pixels.shape.Should().Equal(2, 3, 3);
            pixels.dtype.Should().Be(ScalarType.Byte);
            pixels[1, 2, 0].item<byte>().Should().Be(15); // row 1, column 2, red
            pixels[0, 0, 0].item<byte>().Should().Be(0);
        }

        image.Dispose();
        Action afterDispose = () => image.ToTensor();
        afterDispose.Should().Throw<ObjectDisposedException>();
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Png)]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    public void Encoding_a_bitmap_without_pixels_throws_a_typed_exception_naming_the_format(SKEncodedImageFormat format)
    {
        using var empty = new SKBitmap();
        Action encode = () => ImageEncoding.Encode(empty, format);
        encode.Should().Throw<InvalidOperationException>().WithMessage($"*0×0*{format}*");
    }

    private static FaceImage Decode(byte[] encoded, FaceImageOptions? options = null) =>
        FaceImage.Load(new MemoryStream(encoded), options);

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static SKBitmap SolidBitmap(int width, int height, SKColor color)
    {
        var bitmap = new SKBitmap(width, height);
        bitmap.Erase(color);
        return bitmap;
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        using SKData data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    private static byte[] Repeat(byte[] pixel, int count) => Enumerable.Repeat(pixel, count).SelectMany(p => p).ToArray();

    private static void ShouldBeWithinOneLevel(byte[] actual, byte[] expected) => ShouldBeWithinLevels(actual, expected, 1);

    private static void ShouldBeWithinLevels(byte[] actual, byte[] expected, int levels)
    {
        actual.Should().HaveCount(expected.Length);
        for (int i = 0; i < actual.Length; i++)
            Math.Abs(actual[i] - expected[i]).Should().BeLessThanOrEqualTo(levels, $"sample {i} is {actual[i]}, expected {expected[i]}");
    }
}
