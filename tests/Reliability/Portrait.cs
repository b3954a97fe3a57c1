using FaceEmbeddings.Imaging;
using FaceEmbeddings.Tests.Infrastructure;

namespace FaceEmbeddings.Tests.Reliability;

/// <summary>
/// A real face for the reliability tests: facenet-pytorch's <c>angelina_jolie.png</c> fixture (650×800, one face)
/// shrunk by averaging 4×4 blocks to 162×200, so that a detection takes a fraction of a second.
/// </summary>
public static class Portrait
{
    private const int Shrink = 4;

    private static readonly Lazy<(byte[] Rgb, int Width, int Height)> Pixels = new(Load);

    /// <summary>Interleaved RGB, row by row.</summary>
    public static byte[] Rgb => Pixels.Value.Rgb;

    public static int Width => Pixels.Value.Width;

    public static int Height => Pixels.Value.Height;

    /// <summary>A new image of the portrait's pixels; the caller disposes it.</summary>
    public static FaceImage Image() => FaceImage.FromRgb(Rgb, Width, Height);

    private static (byte[] Rgb, int Width, int Height) Load()
    {
        using FaceImage full = FaceImage.Load(SharedData.PathOf("fixtures/images/angelina_jolie.png"));
        byte[] source = full.Rgb;
        int width = full.Width / Shrink, height = full.Height / Shrink;
        byte[] rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                for (int c = 0; c < 3; c++)
                {
                    int sum = 0;
                    for (int dy = 0; dy < Shrink; dy++)
                        for (int dx = 0; dx < Shrink; dx++)
                            sum += source[(((y * Shrink) + dy) * full.Width + (x * Shrink) + dx) * 3 + c];
                    rgb[(y * width + x) * 3 + c] = (byte)((sum + (Shrink * Shrink / 2)) / (Shrink * Shrink));
                }
            }
        }
        return (rgb, width, height);
    }
}
