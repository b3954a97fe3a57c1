using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.IO;
using SkiaSharp;

namespace FaceEmbeddings.Plots;

/// <summary>Draws detections onto a copy of their image: each face box as a rectangle and its five landmarks as dots.</summary>
public static class DetectionOverlay
{
    private static readonly SKColor BoxColor = new(255, 48, 48);
    private static readonly SKColor LandmarkColor = new(48, 255, 96);

    /// <summary>The image with <paramref name="faces"/> drawn on it, encoded as PNG.</summary>
    /// <param name="image">The image the faces were found in; it is not changed.</param>
    /// <param name="faces">The detections, in source pixels.</param>
    public static byte[] Render(FaceImage image, IReadOnlyList<DetectedFace> faces)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(faces);
        using SKBitmap bitmap = image.ToBitmap();
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
        return ImageEncoding.Encode(bitmap, SKEncodedImageFormat.Png);
    }

    /// <summary>Writes the image with <paramref name="faces"/> drawn on it as a PNG file, atomically (a temporary
    /// file renamed into place); the folder is created when missing.</summary>
    /// <param name="path">The PNG file to write.</param>
    /// <param name="image">The image to draw on (not modified).</param>
    /// <param name="faces">The detections whose boxes and landmarks are drawn.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    public static Task SaveAsync(string path, FaceImage image, IReadOnlyList<DetectedFace> faces, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return AtomicFile.WriteAllBytesAsync(path, Render(image, faces), cancellationToken);
    }
}
