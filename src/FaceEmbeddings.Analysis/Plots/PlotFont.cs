using ScottPlot;
using SkiaSharp;

namespace FaceEmbeddings.Plots;

/// <summary>
/// The typeface every plot of this library draws its text with: DejaVu Sans, embedded in the assembly.
/// The NoDependencies Skia build used on Linux has no fontconfig, so it finds no system font and would
/// draw labels with an empty typeface (no glyphs at all); an embedded font also makes the plots look the
/// same on every operating system. It is registered with ScottPlot under a name of its own, so plots
/// that other code in the process draws keep their fonts.
/// </summary>
internal static class PlotFont
{
    /// <summary>The family name plots ask ScottPlot for.</summary>
    public const string Name = "FaceEmbeddings DejaVu Sans";

    private static readonly Lock RegistrationLock = new();
    private static bool registered;

    /// <summary>Adds the embedded font's resolver to ScottPlot once per process.</summary>
    public static void EnsureRegistered()
    {
        lock (RegistrationLock)
        {
            if (registered) return;
            Fonts.FontResolvers.Add(new EmbeddedFontResolver());
            registered = true;
        }
    }

    /// <summary>Applies the embedded font to every text element of <paramref name="plot"/>.</summary>
    public static void Apply(Plot plot)
    {
        EnsureRegistered();
        plot.Font.Set(Name);
        plot.Legend.FontName = Name;
    }

    /// <summary>
    /// Answers ScottPlot's requests for <see cref="Name"/>, whatever the style, with the embedded regular face
    /// (the plots use no bold or italic text).
    /// </summary>
    private sealed class EmbeddedFontResolver : IFontResolver
    {
        // The font file stays in memory once, as SKData; each request gets a fresh typeface over it
        // because ScottPlot caches and may dispose the typefaces it is given.
        private static readonly Lazy<SKData> Regular = new(() => ReadResource("FaceEmbeddings.Plots.Fonts.DejaVuSans.ttf"));

        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing width) =>
            CreateTypeface(fontName, bold: false, italic: false);

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            string.Equals(fontName, Name, StringComparison.Ordinal) ? SKTypeface.FromData(Regular.Value) : null;

        private static SKData ReadResource(string name)
        {
            using Stream stream = typeof(PlotFont).Assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"The embedded font '{name}' is missing from {typeof(PlotFont).Assembly.GetName().Name}.");
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return SKData.CreateCopy(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        }
    }
}
