using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.IO;
using SkiaSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Plots;

/// <summary>Draws detections onto a copy of their image: each face box as a rectangle and its five landmarks as dots.</summary>
public static class DetectionOverlay
{
    private static readonly SKColor BoxColor = new(255, 48, 48);
    private static readonly SKColor LandmarkColor = new(48, 255, 96);

    /// <summary>The image with <paramref name="faces"/> drawn on it, encoded as PNG.</summary>
    /// <param name="image">The image the faces were found in; it is not changed.</param>
    /// <param name="faces">The detections, in source pixels.</param>
    public static byte[] EncodePng(FaceImage image, IReadOnlyList<DetectedFace> faces)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(faces);
        using SKBitmap bitmap = ToBitmap(image);
        using (var canvas = new SKCanvas(bitmap))
        {
            // Lines scale with the image so that they stay visible on large photos and do not cover small ones.
            float stroke = Math.Max(2f, MathF.Round(Math.Min(image.Width, image.Height) / 250f));
            using var boxPaint = new SKPaint { Color = BoxColor, Style = SKPaintStyle.Stroke, StrokeWidth = stroke, IsAntialias = true };
            using var landmarkPaint = new SKPaint { Color = LandmarkColor, Style = SKPaintStyle.Fill, IsAntialias = true };
            foreach (DetectedFace face in faces)
            {
                ArgumentNullException.ThrowIfNull(face, nameof(faces));
                canvas.DrawRect(SKRect.Create(face.Box.X1, face.Box.Y1, face.Box.Width, face.Box.Height), boxPaint);
                foreach (FacePoint point in face.Landmarks)
                    canvas.DrawCircle(point.X, point.Y, stroke * 1.5f, landmarkPaint);
            }
        }
        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException($"SkiaSharp could not encode a {image.Width}×{image.Height} image as PNG.");
        return png.ToArray();
    }

    /// <summary>Writes the image with <paramref name="faces"/> drawn on it as a PNG file, atomically (a temporary
    /// file renamed into place); the folder is created when missing.</summary>
    /// <inheritdoc cref="EncodePng" path="/param"/>
    /// <param name="path">The PNG file to write.</param>
    public static void SavePng(string path, FaceImage image, IReadOnlyList<DetectedFace> faces)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.WriteAllBytes(path, EncodePng(image, faces));
    }

    private static SKBitmap ToBitmap(FaceImage image)
    {
        byte[] rgba;
        using (var scope = NewDisposeScope())
        {
            Tensor rgb = image.ToTensor();                                                          // [H, W, 3]
            Tensor opaque = full(new long[] { image.Height, image.Width, 1 }, 255, ScalarType.Byte); // [H, W, 1]
            rgba = cat(new[] { rgb, opaque }, 2).contiguous().data<byte>().ToArray();              // [H, W, 4]
        }
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        rgba.CopyTo(bitmap.GetPixelSpan());
        return bitmap;
    }
}
