using FaceEmbeddings.Runtime;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.IO;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Detection;

/// <summary>
/// A square face crop cut out of a source image, ready for an encoder. Owns <see cref="Pixels"/>:
/// dispose the crop to free it.
/// </summary>
public sealed class FaceCrop : IDisposable
{
    /// <summary>Wraps a 3×S×S float32 crop. The crop takes ownership of <paramref name="pixels"/>.</summary>
    /// <param name="pixels">The crop, channels first (RGB), float32.</param>
    /// <param name="face">The detection the crop was cut from.</param>
    /// <param name="isStandardized">True when the values are <c>(x − 127.5) / 128</c>, false when 0..255.</param>
    public FaceCrop(Tensor pixels, DetectedFace face, bool isStandardized)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(face);
        if (pixels.dim() != 3 || pixels.shape[0] != 3 || pixels.shape[1] != pixels.shape[2])
            throw new ArgumentException($"A face crop must be 3×S×S; got [{string.Join(", ", pixels.shape)}].", nameof(pixels));
        if (pixels.dtype != ScalarType.Float32)
            throw new ArgumentException($"A face crop must be float32; got {pixels.dtype}.", nameof(pixels));
        Pixels = pixels;
        Face = face;
        IsStandardized = isStandardized;
    }

    /// <summary>The crop, 3×S×S float32, RGB, channels first.</summary>
    public Tensor Pixels { get; }

    /// <summary>The detection this crop was cut from.</summary>
    public DetectedFace Face { get; }

    /// <summary>True when <see cref="Pixels"/> holds <c>(x − 127.5) / 128</c>; false for raw 0..255 values.</summary>
    public bool IsStandardized { get; }

    /// <summary>Side length S of the square crop.</summary>
    public int Size => (int)Pixels.shape[1];

    /// <summary>
    /// Writes the crop as an image before standardization, as facenet-pytorch's <c>save_path</c> does.
    /// The format follows the extension (.png, .jpg/.jpeg, .webp). The file is written to a temporary
    /// name and renamed, so a failure never leaves a half-written image.
    /// </summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SKEncodedImageFormat format = Path.GetExtension(path).ToUpperInvariant() switch
        {
            ".PNG" => SKEncodedImageFormat.Png,
            ".JPG" or ".JPEG" => SKEncodedImageFormat.Jpeg,
            ".WEBP" => SKEncodedImageFormat.Webp,
            var other => throw new ArgumentException($"Cannot save a face crop as '{other}': use .png, .jpg or .webp.", nameof(path)),
        };

        using var image = FaceImage.FromRgb(ToRgbBytes(), Size, Size);
        using SKBitmap bitmap = image.ToBitmap();
        using SKData data = bitmap.Encode(format, 95) ?? throw new IOException($"SkiaSharp could not encode '{path}' as {format}.");
        AtomicFile.WriteAllBytes(path, data.AsSpan());
    }

    /// <summary>The crop as interleaved RGB bytes (H×W×3), undoing standardization and rounding as PIL does.</summary>
    internal byte[] ToRgbBytes()
    {
        using var scope = NewDisposeScope();
        return ToByteTensor().to(CPU).permute(1, 2, 0).contiguous().data<byte>().ToArray();
    }

    /// <summary>The crop as 3×S×S uint8 values on its device; see <see cref="ToBytes"/>.</summary>
    internal Tensor ToByteTensor() => ToBytes(Pixels.detach(), IsStandardized);

    /// <summary>Face pixels as 0..255 bytes: standardized values mapped back (x·128 + 127.5), then rounded and
    /// clamped as PIL does; uint8 pixels as they are.</summary>
    internal static Tensor ToBytes(Tensor pixels, bool standardized)
    {
        if (pixels.dtype == ScalarType.Byte) return pixels;
        Tensor values = pixels.to(ScalarType.Float32);
        using Scalar scale = 128f, offset = 127.5f, darkest = 0, brightest = 255;
        if (standardized) values = values.mul(scale).Plus(offset);
        return values.round().clamp(darkest, brightest).to(ScalarType.Byte);
    }

    /// <inheritdoc />
    public void Dispose() => Pixels.Dispose();
}
