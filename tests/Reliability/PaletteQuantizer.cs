namespace FaceEmbeddings.Tests.Reliability;

/// <summary>
/// Maps RGB to a fixed 256-entry palette, for palette PNGs and GIFs: a 6 × 7 × 6 colour cube (252 colours, finest
/// in green, to which the eye and a grey conversion are most sensitive), padded with black.
/// </summary>
public static class PaletteQuantizer
{
    private const int RedLevels = 6, GreenLevels = 7, BlueLevels = 6;

    /// <summary>256 RGB triples.</summary>
    public static byte[] Palette { get; } = BuildPalette();

    /// <summary>The palette index nearest to each pixel of interleaved RGB.</summary>
    public static byte[] Indices(byte[] rgb)
    {
        byte[] indices = new byte[rgb.Length / 3];
        for (int i = 0; i < indices.Length; i++)
        {
            int r = Level(rgb[i * 3], RedLevels), g = Level(rgb[i * 3 + 1], GreenLevels), b = Level(rgb[i * 3 + 2], BlueLevels);
            indices[i] = (byte)((r * GreenLevels + g) * BlueLevels + b);
        }
        return indices;
    }

    /// <summary>The RGB colours of palette indices.</summary>
    public static byte[] Colours(byte[] indices) => [.. indices.SelectMany(index => Palette.AsSpan(index * 3, 3).ToArray())];

    private static int Level(byte value, int levels) => (int)Math.Round(value * (levels - 1) / 255.0);

    private static byte Value(int level, int levels) => (byte)Math.Round(level * 255.0 / (levels - 1));

    private static byte[] BuildPalette()
    {
        byte[] palette = new byte[256 * 3];
        for (int r = 0; r < RedLevels; r++)
        {
            for (int g = 0; g < GreenLevels; g++)
            {
                for (int b = 0; b < BlueLevels; b++)
                {
                    int at = ((r * GreenLevels + g) * BlueLevels + b) * 3;
                    palette[at] = Value(r, RedLevels);
                    palette[at + 1] = Value(g, GreenLevels);
                    palette[at + 2] = Value(b, BlueLevels);
                }
            }
        }
        return palette;
    }
}
