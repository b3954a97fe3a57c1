using FaceEmbeddings.Imaging;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Detection;

/// <summary>
/// A square face crop cut out of a source image, ready for an encoder. Owns <see cref="Pixels"/> (detached from any
/// dispose scope, so the crop outlives the scope it was made in): dispose it to free them. Crops that come from a
/// detector belong to the <see cref="FaceCropBatch"/> holding them: dispose the batch.
/// </summary>
public sealed class FaceCrop : IDisposable
{
    /// <summary>Wraps a 3×S×S float32 crop. The crop takes ownership of <paramref name="pixels"/>, detaching it from
    /// the dispose scope it belongs to.</summary>
    /// <param name="pixels">The crop, channels first (RGB), float32.</param>
    /// <param name="face">The detection the crop was cut from.</param>
    /// <param name="isStandardized">True when the values are <c>(x − 127.5) / 128</c>, false when 0..255.</param>
    /// <param name="geometry">How the crop was cut, when known; encoders refuse crops of another alignment than theirs.</param>
    public FaceCrop(Tensor pixels, DetectedFace face, bool isStandardized, FaceCropGeometry? geometry = null)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(face);
        if (pixels.dim() != 3 || pixels.shape[0] != 3 || pixels.shape[1] != pixels.shape[2])
            throw new ArgumentException($"A face crop must be 3×S×S; got [{string.Join(", ", pixels.shape)}].", nameof(pixels));
        if (pixels.dtype != ScalarType.Float32)
            throw new ArgumentException($"A face crop must be float32; got {pixels.dtype}.", nameof(pixels));
        Pixels = pixels.DetachFromDisposeScope();
        Face = face;
        IsStandardized = isStandardized;
        Geometry = geometry;
    }

    /// <summary>The crop, 3×S×S float32, RGB, channels first.</summary>
    public Tensor Pixels { get; }

    /// <summary>The detection this crop was cut from.</summary>
    public DetectedFace Face { get; }

    /// <summary>True when <see cref="Pixels"/> holds <c>(x − 127.5) / 128</c>; false for raw 0..255 values.</summary>
    public bool IsStandardized { get; }

    /// <summary>How the crop was cut (box or aligned chip), or null when its maker did not say.</summary>
    public FaceCropGeometry? Geometry { get; }

    /// <summary>Side length S of the square crop.</summary>
    public int Size => (int)Pixels.shape[1];

    /// <summary>
    /// The crop as an 8-bit RGB image, before standardization, as facenet-pytorch's <c>save_path</c> writes it: for
    /// saving (<see cref="FaceImage.SaveAsync"/>) or drawing. The image is a copy the caller disposes.
    /// </summary>
    public FaceImage ToImage() => FaceImage.Wrap(ToRgbBytes(), Size, Size);

    /// <summary>The crop as interleaved RGB bytes (H×W×3), undoing standardization and rounding as PIL does.</summary>
    internal byte[] ToRgbBytes()
    {
        using var scope = NewDisposeScope();
        return FaceImage.Interleaved(ToByteTensor());
    }

    /// <summary>The crop as 3×S×S uint8 values on its device; see <see cref="ToBytes"/>.</summary>
    internal Tensor ToByteTensor() => ToBytes(Pixels.detach(), IsStandardized);

    /// <summary>Face pixels as 0..255 bytes: standardized values mapped back (x·128 + 127.5), then rounded and
    /// clamped as PIL does; uint8 pixels as they are.</summary>
    internal static Tensor ToBytes(Tensor pixels, bool standardized)
    {
        if (pixels.dtype == ScalarType.Byte) return pixels;
        Tensor values = pixels.to(ScalarType.Float32);
        using Scalar darkest = 0, brightest = 255;
        if (standardized) values = PixelNormalization.Standardized.Invert(values);
        return values.round().clamp(darkest, brightest).to(ScalarType.Byte);
    }

    /// <inheritdoc />
    public void Dispose() => Pixels.Dispose();
}
