using SkiaSharp;

namespace FaceEmbeddings.Imaging;

/// <summary>The one place images are encoded: every PNG, JPEG or WebP the library writes (crops, face grids,
/// detection overlays) goes through <see cref="Encode"/>.</summary>
internal static class ImageEncoding
{
    /// <summary>JPEG and WebP quality; PNG is lossless and ignores it.</summary>
    private const int Quality = 95;

    /// <summary>
    /// PNG settings for photographs: the Paeth filter and zlib level 3 encode a large face grid several times faster
    /// than SkiaSharp's default (every filter, level 6), for slightly larger files (benchmarks/README.md).
    /// </summary>
    private static readonly SKPngEncoderOptions PhotoPng = new(SKPngEncoderFilterFlags.Paeth, zLibLevel: 3);

    /// <summary>The format a file name asks for by its extension: .png, .jpg/.jpeg or .webp.</summary>
    /// <exception cref="ArgumentException">Another extension.</exception>
    public static SKEncodedImageFormat FormatOf(string path, string parameterName) => Path.GetExtension(path).ToUpperInvariant() switch
    {
        ".PNG" => SKEncodedImageFormat.Png,
        ".JPG" or ".JPEG" => SKEncodedImageFormat.Jpeg,
        ".WEBP" => SKEncodedImageFormat.Webp,
        var other => throw new ArgumentException($"Cannot write an image as '{other}' ('{path}'): use .png, .jpg or .webp.", parameterName),
    };

    /// <summary>Encodes <paramref name="bitmap"/> in <paramref name="format"/>.</summary>
    /// <exception cref="InvalidOperationException">SkiaSharp could not encode it.</exception>
    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format)
    {
        // PeekPixels is null for a bitmap without pixels, as SKBitmap.Encode, which it replaces, then returns null.
        using SKPixmap? pixels = bitmap.PeekPixels();
        using SKData data = (format == SKEncodedImageFormat.Png ? pixels?.Encode(PhotoPng) : pixels?.Encode(format, Quality))
            ?? throw new InvalidOperationException($"SkiaSharp could not encode a {bitmap.Width}×{bitmap.Height} image as {format}.");
        return data.ToArray();
    }
}
