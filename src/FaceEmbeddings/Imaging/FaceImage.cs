using FaceEmbeddings.IO;
using SkiaSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Imaging;

/// <summary>
/// An 8-bit RGB image, the input of face detection. Decoding follows PIL's <c>Image.open(...).convert("RGB")</c>,
/// which facenet-pytorch users feed to MTCNN: alpha is dropped without premultiplying, grey and palette
/// images are expanded to RGB, no colour profile is applied. Unlike PIL, the EXIF orientation is applied by
/// default (see <see cref="FaceImageOptions.ApplyExifOrientation"/>).
/// </summary>
/// <remarks>The pixels live in managed memory; <see cref="ToTensor"/> copies them into a new tensor.
/// Instances are immutable and safe to share between threads.</remarks>
public sealed class FaceImage : IDisposable
{
    private byte[]? rgb;

    private FaceImage(byte[] rgb, int width, int height)
    {
        this.rgb = rgb;
        Width = width;
        Height = height;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The interleaved RGB bytes, row by row (H × W × 3). Not copied: never modify them.</summary>
    internal byte[] Rgb => rgb ?? throw new ObjectDisposedException(nameof(FaceImage));

    /// <summary>
    /// Decodes the image file at <paramref name="path"/>: JPEG (including CMYK), PNG (8 or 16 bit; grey,
    /// palette, alpha), WebP, BMP, GIF (first frame), and the other formats SkiaSharp reads.
    /// </summary>
    /// <exception cref="ImageDecodeException">The file is not a supported image, is truncated or corrupt, or is
    /// larger than <see cref="FaceImageOptions.MaxPixels"/>.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public static FaceImage Load(string path, FaceImageOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Load(stream, options);
    }

    /// <summary>Decodes an image from <paramref name="stream"/>, read from its current position to its end.</summary>
    /// <param name="stream">The encoded image. A <see cref="FileStream"/>'s name appears in error messages.</param>
    /// <param name="options">Decoding options; <see cref="FaceImageOptions.Default"/> when null.</param>
    /// <exception cref="ImageDecodeException">The bytes are not a supported image, are truncated or corrupt, or
    /// the image is larger than <see cref="FaceImageOptions.MaxPixels"/>.</exception>
    public static FaceImage Load(Stream stream, FaceImageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= FaceImageOptions.Default;
        options.Validate();
        string source = stream is FileStream file ? file.Name : "stream";

        byte[] encoded = ReadAll(stream, source);
        if (encoded.Length == 0)
            throw new ImageDecodeException(source, "the input is empty", null);

        using var data = SKData.CreateCopy(encoded);
        using var skiaStream = new SKMemoryStream(data);
        using var codec = SKCodec.Create(skiaStream, out SKCodecResult opened)
            ?? throw new ImageDecodeException(source, opened == SKCodecResult.IncompleteInput
                ? "the data ends inside the image header (truncated file)"
                : $"the bytes are not an image format SkiaSharp can read ({opened})", null);

        SKImageInfo header = codec.Info;
        long pixelCount = (long)header.Width * header.Height;
        if (header.Width < 1 || header.Height < 1)
            throw new ImageDecodeException(source, $"the header gives an empty size {header.Width}×{header.Height}", null);
        if (pixelCount > options.MaxPixels)
            throw new ImageDecodeException(source,
                $"the image is {header.Width}×{header.Height} = {pixelCount:N0} pixels, above the limit of {options.MaxPixels:N0} (FaceImageOptions.MaxPixels)", null);
        if (pixelCount * 3 > Array.MaxLength)
            throw new ImageDecodeException(source, $"the image is {header.Width}×{header.Height} pixels, too large to hold in one buffer", null);

        byte[] pixels = DecodeRgb(codec, source);
        FaceImage image = new(pixels, header.Width, header.Height);
        return options.ApplyExifOrientation ? image.Oriented(codec.EncodedOrigin) : image;
    }

    /// <summary>Wraps a copy of interleaved 8-bit RGB pixels, row by row (H × W × 3).</summary>
    /// <exception cref="ArgumentException"><paramref name="rgb"/> does not hold exactly width × height × 3 bytes.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The width or height is below 1.</exception>
    public static FaceImage FromRgb(byte[] rgb, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(rgb);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        long expected = 3L * width * height;
        if (rgb.LongLength != expected)
            throw new ArgumentException($"A {width}×{height} RGB image needs {expected} bytes; got {rgb.LongLength}.", nameof(rgb));
        return new FaceImage((byte[])rgb.Clone(), width, height);
    }

    /// <summary>Wraps <paramref name="rgb"/> (H × W × 3, checked by the caller) without copying it: for pixels the
    /// library has just made and hands over.</summary>
    internal static FaceImage Wrap(byte[] rgb, int width, int height)
    {
        System.Diagnostics.Debug.Assert(rgb.LongLength == 3L * width * height, "The caller checks the size.");
        return new FaceImage(rgb, width, height);
    }

    /// <summary>
    /// Writes the image to <paramref name="path"/> in the format its extension names (.png, .jpg/.jpeg or .webp;
    /// quality 95 for the lossy ones). The file is written to a temporary name and renamed, so a failure never
    /// leaves a half-written image; the folder is created when missing.
    /// </summary>
    /// <exception cref="ArgumentException">The extension is not one of those.</exception>
    public Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SKEncodedImageFormat format = ImageEncoding.FormatOf(path, nameof(path));
        return AtomicFile.WriteAllBytesAsync(path, Encode(format), cancellationToken);
    }

    /// <summary>Encodes a 3×H×W uint8 RGB tensor as an opaque image, a PNG unless <paramref name="format"/> says otherwise.</summary>
    internal static byte[] EncodeRgb(Tensor rgb, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        using FaceImage image = Wrap(Interleaved(rgb), (int)rgb.shape[2], (int)rgb.shape[1]);
        return image.Encode(format);
    }

    /// <summary>A 3×H×W uint8 RGB tensor's bytes interleaved (H×W×3), as <see cref="Wrap"/> takes them.</summary>
    internal static byte[] Interleaved(Tensor rgb)
    {
        using var scope = NewDisposeScope();
        return rgb.permute(1, 2, 0).contiguous().cpu().data<byte>().ToArray(); // [H, W, 3]
    }

    /// <summary>The image encoded in <paramref name="format"/>.</summary>
    internal byte[] Encode(SKEncodedImageFormat format)
    {
        using SKBitmap bitmap = ToBitmap();
        return ImageEncoding.Encode(bitmap, format);
    }

    /// <summary>The pixels as a new H × W × 3 uint8 tensor on the CPU. The caller owns (and disposes) it.</summary>
    public Tensor ToTensor() => tensor(Rgb, new long[] { Height, Width, 3 }, ScalarType.Byte);

    /// <summary>The pixels as a new opaque RGBA SkiaSharp bitmap, for drawing and encoding. The caller disposes it.</summary>
    internal SKBitmap ToBitmap()
    {
        byte[] pixels = Rgb;
        var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        Span<byte> rgba = bitmap.GetPixelSpan();
        for (int i = 0, j = 0; i < pixels.Length; i += 3, j += 4)
        {
            rgba[j] = pixels[i];
            rgba[j + 1] = pixels[i + 1];
            rgba[j + 2] = pixels[i + 2];
            rgba[j + 3] = 255;
        }
        return bitmap;
    }

    /// <summary>Releases the pixels; the image cannot be used afterwards.</summary>
    public void Dispose() => rgb = null;

    /// <summary>The whole encoded input; refuses more bytes than one array holds, since no image file is that large.</summary>
    private static byte[] ReadAll(Stream stream, string source)
    {
        using var buffer = stream.CanSeek ? new MemoryStream((int)Math.Min(stream.Length - stream.Position, Array.MaxLength)) : new MemoryStream();
        byte[] chunk = new byte[1 << 16];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > Array.MaxLength)
                throw new ImageDecodeException(source, $"the input is more than {Array.MaxLength:N0} bytes, larger than any image file", null);
            buffer.Write(chunk, 0, read);
        }
        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }

    private static byte[] DecodeRgb(SKCodec codec, string source)
    {
        // Unpremultiplied, without a colour space: the stored RGB values, as PIL reads them.
        var target = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap();
        if (!bitmap.TryAllocPixels(target))
            throw new ImageDecodeException(source, $"there is not enough memory to decode {target.Width}×{target.Height} pixels", null);

        SKCodecResult decoded = codec.GetPixels(target, bitmap.GetPixels());
        if (decoded != SKCodecResult.Success)
        {
            string reason = decoded == SKCodecResult.IncompleteInput
                ? "the data ends before the image is complete (truncated file)"
                : $"the image data is invalid ({decoded})";
            throw new ImageDecodeException(source, reason, null);
        }

        ReadOnlySpan<byte> rgba = bitmap.GetPixelSpan();
        byte[] rgb = new byte[rgba.Length / 4 * 3];
        for (int from = 0, to = 0; to < rgb.Length; from += 4, to += 3)
        {
            rgb[to] = rgba[from];
            rgb[to + 1] = rgba[from + 1];
            rgb[to + 2] = rgba[from + 2];
        }
        return rgb;
    }

    /// <summary>This image turned upright as the EXIF <paramref name="origin"/> says.</summary>
    private FaceImage Oriented(SKEncodedOrigin origin)
    {
        if (origin == SKEncodedOrigin.TopLeft) return this;

        using var scope = NewDisposeScope();
        Tensor pixels = ToTensor();                  // [H, W, 3]
        Tensor transposed = pixels.permute(1, 0, 2); // [W, H, 3]
        Tensor upright = origin switch
        {
            SKEncodedOrigin.TopRight => pixels.flip(1),
            SKEncodedOrigin.BottomRight => pixels.flip(0, 1),
            SKEncodedOrigin.BottomLeft => pixels.flip(0),
            SKEncodedOrigin.LeftTop => transposed,
            SKEncodedOrigin.RightTop => transposed.flip(1),     // rotate 90° clockwise
            SKEncodedOrigin.RightBottom => transposed.flip(0, 1),
            SKEncodedOrigin.LeftBottom => transposed.flip(0),   // rotate 90° counter-clockwise
            _ => pixels,
        };
        byte[] bytes = upright.contiguous().data<byte>().ToArray();
        return new FaceImage(bytes, (int)upright.shape[1], (int)upright.shape[0]);
    }
}
