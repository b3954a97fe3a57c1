using System.Runtime.InteropServices;
using SkiaSharp;

namespace FaceEmbeddings.Tests.Reliability;

/// <summary>Encodes RGB pixels (the <see cref="Portrait"/> or generated ones) with SkiaSharp's own encoders.</summary>
public static class EncodedPortrait
{
    /// <summary>The portrait in <paramref name="format"/>; lossy formats at <paramref name="quality"/>.</summary>
    public static byte[] Encode(SKEncodedImageFormat format, int quality = 95) =>
        Encode(Portrait.Rgb, Portrait.Width, Portrait.Height, format, quality);

    /// <summary>Interleaved RGB pixels in <paramref name="format"/>; lossy formats at <paramref name="quality"/>.</summary>
    public static byte[] Encode(byte[] rgb, int width, int height, SKEncodedImageFormat format, int quality = 95)
    {
        byte[] rgba = new byte[width * height * 4];
        for (int from = 0, to = 0; from < rgb.Length; from += 3, to += 4)
        {
            rgba[to] = rgb[from];
            rgba[to + 1] = rgb[from + 1];
            rgba[to + 2] = rgb[from + 2];
            rgba[to + 3] = 255;
        }
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using SKData data = bitmap.Encode(format, quality)
            ?? throw new InvalidOperationException($"SkiaSharp cannot encode {format}.");
        return data.ToArray();
    }
}
