using System.Buffers.Binary;
using System.Diagnostics;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Tests.Infrastructure;
using SkiaSharp;
using Xunit.Abstractions;
using static FaceEmbeddings.Tests.Infrastructure.EncodedImages;

namespace FaceEmbeddings.Tests.Reliability;

/// <summary>
/// Hostile and unusual image files through <see cref="FaceImage.Load(Stream, FaceImageOptions?)"/>: each decodes to
/// the right pixels or is refused with <see cref="ImageDecodeException"/>; nothing else escapes, nothing hangs.
/// tests/Imaging already covers a zero-byte file, one truncated PNG, garbage without a magic number, the
/// 100,000 × 100,000 PNG's message, and the pixels of grey, grey+alpha, RGBA, palette and 16-bit PNGs and of a
/// one-frame GIF; these tests add what it lacks.
/// </summary>
public sealed class BadImageDecodingTests(ITestOutputHelper output)
{
    public static TheoryData<string> TruncatedFormats => new() { "jpeg", "png", "gif" };

    [Theory]
    [MemberData(nameof(TruncatedFormats))]
    public void Every_truncation_of_a_photo_is_refused_or_decodes_to_the_intact_pixels(string format)
    {
        byte[] intact = format switch
        {
            "jpeg" => EncodedPortrait.Encode(SKEncodedImageFormat.Jpeg),
            "png" => EncodedPortrait.Encode(SKEncodedImageFormat.Png),
            _ => GifWriter.Encode(Portrait.Width, Portrait.Height, PaletteQuantizer.Palette, [PaletteQuantizer.Indices(Portrait.Rgb)]),
        };
        using FaceImage reference = Decode(intact);
        // Every cut in the headers, then cuts spread over the data, then the last few bytes (the trailer).
        IEnumerable<int> cuts = Enumerable.Range(0, 200)
            .Concat(Enumerable.Range(1, 40).Select(i => intact.Length * i / 41))
            .Concat(Enumerable.Range(intact.Length - 4, 4))
            .Where(cut => cut < intact.Length)
            .Distinct();

        int refused = 0, complete = 0;
        foreach (int cut in cuts)
        {
            try
            {
                using FaceImage image = Decode(intact[..cut]);
                // Only a cut that leaves all pixel data (dropping trailer bytes) may decode, and then to the same image.
                (image.Width, image.Height).Should().Be((reference.Width, reference.Height), $"the file cut at {cut} of {intact.Length} bytes decoded");
                image.Rgb.Should().Equal(reference.Rgb, $"the file cut at {cut} of {intact.Length} bytes decoded");
                complete++;
            }
            catch (ImageDecodeException e)
            {
                e.Message.Should().Contain("'stream'");
                refused++;
            }
        }
        output.WriteLine($"{format}: {intact.Length} bytes, {refused} cuts refused, {complete} decoded completely");
        refused.Should().BeGreaterThan(200);
    }

    public static TheoryData<string> MagicNumbers => new()
    {
        "jpeg", "png", "gif87", "gif89", "bmp", "webp", "ico",
    };

    [Theory]
    [MemberData(nameof(MagicNumbers))]
    public void Random_bytes_behind_a_valid_magic_number_are_refused(string format)
    {
        byte[] magic = format switch
        {
            "jpeg" => [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, .. "JFIF\0"u8],
            "png" => [0x89, .. "PNG\r\n"u8, 0x1A, (byte)'\n'],
            "gif87" => [.. "GIF87a"u8],
            "gif89" => [.. "GIF89a"u8],
            "bmp" => [.. "BM"u8],
            "webp" => [.. "RIFF"u8, 0x00, 0x10, 0x00, 0x00, .. "WEBPVP8 "u8],
            _ => [0, 0, 1, 0],
        };
        // Random size fields may claim up to the default 100-megapixel limit, which the decoder then allocates before
        // finding the data missing: correct, but seconds per sample. A lower limit keeps the test about the bytes.
        var options = new FaceImageOptions { MaxPixels = 1 << 22 };
        var random = new Random(format.Length * 7919 + magic[0]);
        for (int sample = 0; sample < 40; sample++)
        {
            byte[] tail = new byte[random.Next(1, 4096)];
            random.NextBytes(tail);
            byte[] bytes = [.. magic, .. tail];

            var load = () => Decode(bytes, options).Dispose();

            load.Should().Throw<ImageDecodeException>($"sample {sample} ({bytes.Length} bytes) is {format}'s magic number and random bytes");
        }
    }

    [Theory(Timeout = 60_000)]
    [InlineData("jpeg", 11)]
    [InlineData("png", 12)]
    [InlineData("gif", 13)]
    [InlineData("bmp", 14)]
    [InlineData("webp", 15)]
    public async Task Mutated_images_decode_or_are_refused_with_ImageDecodeException(string format, int seed)
    {
        byte[] original = format switch
        {
            "jpeg" => EncodedPortrait.Encode(SKEncodedImageFormat.Jpeg),
            "png" => EncodedPortrait.Encode(SKEncodedImageFormat.Png),
            "gif" => GifWriter.Encode(Portrait.Width, Portrait.Height, PaletteQuantizer.Palette, [PaletteQuantizer.Indices(Portrait.Rgb)]),
            "bmp" => Bmp24(Portrait.Width, Portrait.Height, Portrait.Rgb),
            _ => EncodedPortrait.Encode(SKEncodedImageFormat.Webp, 80),
        };
        // Mutated size fields may claim larger images; the limit keeps each decode as small as the fuzzer's memory bound.
        var options = new FaceImageOptions { MaxPixels = 2L * Portrait.Width * Portrait.Height };
        Decode(original, options).Dispose();

        var outcome = await Task.Run(() => MutationFuzzer.Run<ImageDecodeException>(original, seed, 400, TimeSpan.FromSeconds(6),
            (bytes, random) => MutationFuzzer.MutateBytes(bytes, random, regionEnd: random.Next(2) == 0 ? 512 : null),
            mutant =>
            {
                using FaceImage image = Decode(mutant, options);
                image.Rgb.Length.Should().Be(image.Width * image.Height * 3);
                return 0; // images expand on decoding: only the pixel limit bounds them
            }));

        outcome.ShouldBeClean(output, format, minimumIterations: 100);
    }

    public static TheoryData<string, byte[]> HugeHeaders => new()
    {
        { "png 100000×100000", PngClaimingSize(100_000, 100_000) },
        { "jpeg 65500×65500", JpegClaimingSize(65_500, 65_500) },
        { "gif 65535×65535", GifClaimingSize(65_535, 65_535) },
        { "bmp 60000×60000", BmpClaimingSize(60_000, 60_000) },
    };

    [Theory]
    [MemberData(nameof(HugeHeaders))]
    public void A_small_file_claiming_a_huge_image_is_refused_quickly_without_allocating_it(string kind, byte[] file)
    {
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();

        var load = () => Decode(file).Dispose();

        load.Should().Throw<ImageDecodeException>().WithMessage("*above the limit of 100,000,000*", kind);
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
        (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore).Should().BeLessThan(1 << 20, "nothing of the claimed size may be allocated");
    }

    [Fact]
    public void Adobe_CMYK_jpeg_converts_to_rgb_as_PIL_does()
    {
        // Four 8×8 blocks of flat ink, stored inverted (255 − ink) as Photoshop writes CMYK JPEGs.
        byte[][] inverted = [[255, 255, 255, 255], [0, 255, 255, 255], [200, 100, 50, 128], [30, 60, 90, 0]];
        byte[] samples = new byte[16 * 16 * 4];
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++)
                inverted[(y / 8 * 2) + (x / 8)].CopyTo(samples, (y * 16 + x) * 4);

        using FaceImage image = Decode(BaselineJpegWriter.Encode(samples, 16, 16, components: 4));

        (image.Width, image.Height).Should().Be((16, 16));
        for (int block = 0; block < 4; block++)
        {
            byte[] cmyk = inverted[block];
            // PIL's cmyk2rgb: (255 − C)(255 − K)/255 with C, K the ink, i.e. stored C × stored K / 255.
            int[] expected = [.. cmyk[..3].Select(value => (int)Math.Round(value * cmyk[3] / 255.0))];
            int at = ((block / 2 * 8 + 4) * 16 + (block % 2 * 8) + 4) * 3;
            for (int c = 0; c < 3; c++)
                ((int)image.Rgb[at + c]).Should().BeCloseTo(expected[c], 1, $"block {block}, channel {c}");
        }
    }

    [Fact]
    public void An_animated_gif_decodes_to_its_first_frame()
    {
        byte[] first = PaletteQuantizer.Indices(Portrait.Rgb);
        byte[] second = [.. first.Select(index => (byte)(255 - index))];
        byte[] gif = GifWriter.Encode(Portrait.Width, Portrait.Height, PaletteQuantizer.Palette, [first, second, first]);

        using FaceImage image = Decode(gif);

        (image.Width, image.Height).Should().Be((Portrait.Width, Portrait.Height));
        image.Rgb.Should().Equal(PaletteQuantizer.Colours(first));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(10_000, 10)]
    [InlineData(10, 10_000)]
    public void Degenerate_sizes_decode_exactly(int width, int height)
    {
        byte[] rgb = new byte[width * height * 3];
        for (int i = 0; i < rgb.Length; i++)
            rgb[i] = (byte)(i * 7 % 251);

        using FaceImage png = Decode(Png(width, height, PngColor.Rgb, 8, rgb));
        (png.Width, png.Height).Should().Be((width, height));
        png.Rgb.Should().Equal(rgb);

        // JPEG: a flat colour survives compression exactly, so the size is what is checked.
        byte[] flat = [.. Enumerable.Repeat(new byte[] { 40, 160, 220 }, width * height).SelectMany(pixel => pixel)];
        using FaceImage jpeg = Decode(EncodedPortrait.Encode(flat, width, height, SKEncodedImageFormat.Jpeg, 100));
        (jpeg.Width, jpeg.Height).Should().Be((width, height));
        jpeg.Rgb.Chunk(3).Should().OnlyContain(pixel => Math.Abs(pixel[0] - 40) <= 2 && Math.Abs(pixel[1] - 160) <= 2 && Math.Abs(pixel[2] - 220) <= 2);
    }

    private static FaceImage Decode(byte[] encoded, FaceImageOptions? options = null) =>
        FaceImage.Load(new MemoryStream(encoded), options);

    /// <summary>A 1×1 JPEG whose frame header (SOF0) is patched to claim <paramref name="width"/> × <paramref name="height"/>.</summary>
    private static byte[] JpegClaimingSize(int width, int height)
    {
        byte[] jpeg = EncodedPortrait.Encode([1, 2, 3], 1, 1, SKEncodedImageFormat.Jpeg);
        int frame = Enumerable.Range(0, jpeg.Length - 1).First(i => jpeg[i] == 0xFF && jpeg[i + 1] == 0xC0);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(frame + 5), (ushort)height);
        BinaryPrimitives.WriteUInt16BigEndian(jpeg.AsSpan(frame + 7), (ushort)width);
        return jpeg;
    }

    /// <summary>A one-pixel GIF whose logical screen and image descriptor claim <paramref name="width"/> × <paramref name="height"/>.</summary>
    private static byte[] GifClaimingSize(int width, int height)
    {
        byte[] gif = GifWriter.Encode(1, 1, PaletteQuantizer.Palette, [[0]]);
        int descriptor = Array.IndexOf(gif, (byte)0x2C, 13 + (256 * 3));
        foreach (int at in new[] { 6, descriptor + 5 })
        {
            BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(at), (ushort)width);
            BinaryPrimitives.WriteUInt16LittleEndian(gif.AsSpan(at + 2), (ushort)height);
        }
        return gif;
    }

    /// <summary>A 1×1 BMP whose info header claims <paramref name="width"/> × <paramref name="height"/>.</summary>
    private static byte[] BmpClaimingSize(int width, int height)
    {
        byte[] bmp = Bmp24(1, 1, [1, 2, 3]);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
        return bmp;
    }
}
