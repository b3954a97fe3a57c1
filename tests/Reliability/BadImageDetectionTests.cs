using System.Diagnostics;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Tests.Infrastructure;
using SkiaSharp;
using Xunit.Abstractions;
using static FaceEmbeddings.Tests.Infrastructure.EncodedImages;

namespace FaceEmbeddings.Tests.Reliability;

/// <summary>
/// Unusual but valid images through <see cref="FaceImage.Load(Stream, FaceImageOptions?)"/> and then
/// <see cref="MtcnnFaceDetector"/>: the decoder gives the pixels the format defines, and the detector finds the face
/// where it is (or, for images too small to hold one, nothing) without an exception. Bytes that are not an image never
/// reach the detector: <see cref="BadImageDecodingTests"/> shows <see cref="FaceImage.Load(Stream, FaceImageOptions?)"/>
/// refuses them, and the detector only takes a decoded <see cref="FaceImage"/>.
/// </summary>
public sealed class BadImageDetectionTests(PortraitDetector fixture, ITestOutputHelper output) : IClassFixture<PortraitDetector>
{
    /// <summary>How far, in pixels of the 162×200 portrait, a box may move when its pixels change slightly (grey, palette, JPEG).</summary>
    private const float BoxTolerance = 5;

    [Fact]
    public void The_portrait_face_is_found_where_facenet_found_it_in_the_full_size_image()
    {
        // facenet-pytorch's box on the 650×800 original (detect.json), in the 4× smaller portrait's pixels.
        float[] expected = [225.6f / 4, 99.4f / 4, 468.7f / 4, 438.3f / 4];

        fixture.PortraitFaces.Should().ContainSingle();
        BoundingBox box = fixture.PortraitFaces[0].Box;
        float[] actual = [box.X1, box.Y1, box.X2, box.Y2];
        output.WriteLine($"portrait box {box}, expected about [{string.Join(", ", expected)}]");
        actual.Zip(expected, (a, e) => Math.Abs(a - e)).Should().OnlyContain(difference => difference <= 6);
    }

    public static TheoryData<string> Kinds => new() { "png-16bit", "png-rgba", "png-grey", "png-palette", "gif-animated", "jpeg-cmyk" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Each_pixel_format_decodes_to_its_defined_pixels_and_the_face_is_found(string kind)
    {
        (byte[] file, byte[] expectedRgb, int tolerance) = Build(kind);

        using FaceImage image = FaceImage.Load(new MemoryStream(file));

        (image.Width, image.Height).Should().Be((Portrait.Width, Portrait.Height));
        int worst = image.Rgb.Zip(expectedRgb, (a, e) => Math.Abs(a - e)).Max();
        worst.Should().BeLessThanOrEqualTo(tolerance, $"{kind} must decode to the pixels its format defines");

        IReadOnlyList<DetectedFace> faces = fixture.Detector.Detect(image);
        faces.Should().ContainSingle($"the {kind} portrait shows one face");
        float shift = BoxShift(faces[0].Box, fixture.PortraitFaces[0].Box);
        output.WriteLine($"{kind}: {file.Length} bytes, worst pixel difference {worst}, box {faces[0].Box}, {shift:F2} px from the RGB portrait's");
        // 16-bit and RGBA decode to the portrait's very pixels, so the box must not move at all.
        shift.Should().BeLessThanOrEqualTo(kind is "png-16bit" or "png-rgba" ? 0 : BoxTolerance);
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
    public void Under_every_exif_orientation_the_face_is_found_where_it_is_shown(int orientation)
    {
        // The file stores the portrait turned so that its EXIF orientation turns it upright again: the box found in the
        // upright image must be the box of the upright portrait, encoded the same way.
        using FaceImage plain = FaceImage.Load(new MemoryStream(EncodedPortrait.Encode(SKEncodedImageFormat.Jpeg, 95)));
        BoundingBox reference = fixture.Detector.Detect(plain).Should().ContainSingle().Which.Box;
        (byte[] stored, int storedWidth, int storedHeight) = StoredFor(orientation);
        byte[] jpeg = WithExifOrientation(EncodedPortrait.Encode(stored, storedWidth, storedHeight, SKEncodedImageFormat.Jpeg, 95), (ushort)orientation);

        using FaceImage upright = FaceImage.Load(new MemoryStream(jpeg));

        (upright.Width, upright.Height).Should().Be((Portrait.Width, Portrait.Height));
        IReadOnlyList<DetectedFace> faces = fixture.Detector.Detect(upright);
        faces.Should().ContainSingle("the upright image shows one face");
        float shift = BoxShift(faces[0].Box, reference);
        output.WriteLine($"orientation {orientation}: stored {storedWidth}×{storedHeight}, box {faces[0].Box}, {shift:F2} px from the plain JPEG's {reference}");
        shift.Should().BeLessThanOrEqualTo(BoxTolerance);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(10_000, 10)]
    [InlineData(10, 10_000)]
    [InlineData(10_000, 25)]
    [InlineData(12, 12)]
    public void Images_too_small_for_a_face_give_no_faces_quickly(int width, int height)
    {
        byte[] rgb = new byte[width * height * 3];
        new Random(width + height).NextBytes(rgb);
        using FaceImage image = FaceImage.Load(new MemoryStream(Png(width, height, PngColor.Rgb, 8, rgb)));
        var clock = Stopwatch.StartNew();

        fixture.Detector.Detect(image).Should().BeEmpty();
        fixture.Detector.DetectAndExtract(image).Should().BeEmpty();
        output.WriteLine($"{width}×{height}: {clock.ElapsedMilliseconds} ms for detect and detect-and-extract");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_batch_mixing_degenerate_and_real_images_gives_each_its_own_result()
    {
        using FaceImage tiny = FaceImage.FromRgb([1, 2, 3], 1, 1);
        using FaceImage strip = FaceImage.FromRgb(new byte[10_000 * 10 * 3], 10_000, 10);
        using FaceImage portrait = Portrait.Image();

        IReadOnlyList<IReadOnlyList<DetectedFace>> faces = fixture.Detector.Detect([tiny, portrait, strip, portrait]);

        faces.Select(found => found.Count).Should().Equal(0, 1, 0, 1);
        faces[1][0].Box.Should().Be(fixture.PortraitFaces[0].Box);
    }

    [Fact]
    public void A_disposed_image_is_refused_with_ObjectDisposedException()
    {
        FaceImage image = Portrait.Image();
        image.Dispose();

        var detect = () => fixture.Detector.Detect(image);

        detect.Should().Throw<ObjectDisposedException>();
    }

    /// <summary>The encoded file of <paramref name="kind"/>, the RGB pixels it defines, and the decoding tolerance.</summary>
    private static (byte[] File, byte[] Rgb, int Tolerance) Build(string kind)
    {
        byte[] rgb = Portrait.Rgb;
        int width = Portrait.Width, height = Portrait.Height, pixels = width * height;
        switch (kind)
        {
            case "png-16bit":
                // v × 257 is v in both bytes: exactly the 8-bit value again.
                return (Png(width, height, PngColor.Rgb, 16, [.. rgb.SelectMany(v => new[] { v, v })]), rgb, 0);
            case "png-rgba":
                byte[] rgba = new byte[pixels * 4];
                for (int i = 0; i < pixels; i++)
                {
                    rgb.AsSpan(i * 3, 3).CopyTo(rgba.AsSpan(i * 4));
                    rgba[i * 4 + 3] = (byte)(i * 37 % 256); // any alpha, even 0: PIL's convert("RGB") drops it
                }
                return (Png(width, height, PngColor.Rgba, 8, rgba), rgb, 0);
            case "png-grey":
                byte[] grey = new byte[pixels];
                for (int i = 0; i < pixels; i++) // ITU-R 601-2 luma, PIL's convert("L")
                    grey[i] = (byte)((rgb[i * 3] * 19595 + rgb[i * 3 + 1] * 38470 + rgb[i * 3 + 2] * 7471 + 0x8000) >> 16);
                return (Png(width, height, PngColor.Grey, 8, grey), [.. grey.SelectMany(v => new[] { v, v, v })], 0);
            case "png-palette":
                byte[] indices = PaletteQuantizer.Indices(rgb);
                return (Png(width, height, PngColor.Palette, 8, indices, PaletteQuantizer.Palette), PaletteQuantizer.Colours(indices), 0);
            case "gif-animated":
                byte[] first = PaletteQuantizer.Indices(rgb);
                byte[] second = [.. first.Select(index => (byte)(251 - Math.Min(index, (byte)251)))];
                return (GifWriter.Encode(width, height, PaletteQuantizer.Palette, [first, second]), PaletteQuantizer.Colours(first), 0);
            default:
                return (BaselineJpegWriter.Encode(AdobeCmyk(rgb), width, height, components: 4), rgb, 3);
        }
    }

    /// <summary>
    /// RGB as Adobe CMYK, stored inverted (255 − ink): the key is the darkness left after the brightest channel,
    /// and each channel keeps its share of that brightness, so that decoding (stored C × stored K / 255) gives RGB back.
    /// </summary>
    private static byte[] AdobeCmyk(byte[] rgb)
    {
        byte[] cmyk = new byte[rgb.Length / 3 * 4];
        for (int i = 0; i < rgb.Length / 3; i++)
        {
            byte brightest = Math.Max(rgb[i * 3], Math.Max(rgb[i * 3 + 1], rgb[i * 3 + 2]));
            for (int c = 0; c < 3; c++)
                cmyk[i * 4 + c] = brightest == 0 ? (byte)255 : (byte)Math.Round(rgb[i * 3 + c] * 255.0 / brightest);
            cmyk[i * 4 + 3] = brightest;
        }
        return cmyk;
    }

    /// <summary>
    /// The portrait as a file with EXIF <paramref name="orientation"/> must store it: the EXIF definition says where the
    /// stored pixel shown at upright position (x, y) lies; the stored image puts the portrait's pixel (x, y) there.
    /// </summary>
    private static (byte[] Rgb, int Width, int Height) StoredFor(int orientation)
    {
        int width = Portrait.Width, height = Portrait.Height;
        bool swapped = orientation >= 5;
        int storedWidth = swapped ? height : width, storedHeight = swapped ? width : height;
        byte[] stored = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                (int sx, int sy) = orientation switch
                {
                    1 => (x, y),
                    2 => (storedWidth - 1 - x, y),                      // mirrored left-right
                    3 => (storedWidth - 1 - x, storedHeight - 1 - y),   // turned 180°
                    4 => (x, storedHeight - 1 - y),                     // mirrored top-bottom
                    5 => (y, x),                                        // transposed
                    6 => (y, storedHeight - 1 - x),                     // shown turned 90° clockwise
                    7 => (storedWidth - 1 - y, storedHeight - 1 - x),   // transversed
                    _ => (storedWidth - 1 - y, x),                      // shown turned 90° counter-clockwise
                };
                Portrait.Rgb.AsSpan((y * width + x) * 3, 3).CopyTo(stored.AsSpan((sy * storedWidth + sx) * 3));
            }
        }
        return (stored, storedWidth, storedHeight);
    }

    /// <summary>The largest distance between corresponding coordinates of two boxes.</summary>
    private static float BoxShift(BoundingBox a, BoundingBox b) =>
        new[] { a.X1 - b.X1, a.Y1 - b.Y1, a.X2 - b.X2, a.Y2 - b.Y2 }.Max(Math.Abs);
}
