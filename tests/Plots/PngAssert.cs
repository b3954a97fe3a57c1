using SkiaSharp;

namespace FaceEmbeddings.Tests.Plots;

/// <summary>Decodes PNG bytes and checks what a person would see: size, and that something was drawn.</summary>
internal static class PngAssert
{
    /// <summary>Decodes <paramref name="png"/>, failing the test when it is not a PNG of the expected size.</summary>
    public static SKBitmap Decode(byte[] png, int width, int height)
    {
        png.Take(8).Should().Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, "the bytes must start with the PNG signature");
        using var codec = SKCodec.Create(new SKMemoryStream(png));
        codec.Should().NotBeNull("the PNG must decode");
        codec!.EncodedFormat.Should().Be(SKEncodedImageFormat.Png);
        var bitmap = SKBitmap.Decode(png);
        bitmap.Width.Should().Be(width);
        bitmap.Height.Should().Be(height);
        return bitmap;
    }

    /// <summary>The variance of the grey levels of <paramref name="bitmap"/>: near zero for a blank image.</summary>
    public static double GreyVariance(SKBitmap bitmap)
    {
        double sum = 0, sumOfSquares = 0;
        long count = 0;
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                SKColor c = bitmap.GetPixel(x, y);
                double grey = (c.Red + c.Green + c.Blue) / 3.0;
                sum += grey;
                sumOfSquares += grey * grey;
                count++;
            }
        }
        double mean = sum / count;
        return sumOfSquares / count - mean * mean;
    }

    /// <summary>How many pixels of <paramref name="bitmap"/> are close to <paramref name="colour"/> (each channel within <paramref name="tolerance"/>).</summary>
    public static int CountNear(SKBitmap bitmap, SKColor colour, int tolerance = 8)
    {
        int count = 0;
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                SKColor c = bitmap.GetPixel(x, y);
                if (Math.Abs(c.Red - colour.Red) <= tolerance && Math.Abs(c.Green - colour.Green) <= tolerance && Math.Abs(c.Blue - colour.Blue) <= tolerance)
                    count++;
            }
        }
        return count;
    }
}
