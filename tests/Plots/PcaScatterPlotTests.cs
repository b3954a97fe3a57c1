using FaceEmbeddings.Runtime;
using FaceEmbeddings.Plots;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Plots;

public class PcaScatterPlotTests
{
    /// <summary>N embeddings in <paramref name="groupCount"/> groups, each group shifted along its own axis so the groups separate.</summary>
    private static (Tensor Embeddings, string[] Groups) Clustered(int count, int groupCount)
    {
        const int dimensions = 16;
        using var scope = NewDisposeScope();
        using var generator = new Generator(7);
        Tensor x = randn(new long[] { count, dimensions }, generator: generator);
        string[] groups = Enumerable.Range(0, count).Select(i => $"group {i % groupCount}").ToArray();
        using Scalar shift = 4f;
        for (int i = 0; i < count; i++) x[i, i % groupCount % dimensions].add_(shift, TorchScalars.One);
        return (x.MoveToOuterDisposeScope(), groups);
    }

    /// <summary>A marker colour of ScottPlot's Category10 palette, drawn at 80% opacity over white.</summary>
    private static SKColor OverWhite(string hex)
    {
        SKColor c = SKColor.Parse(hex);
        static byte Blend(byte channel) => (byte)Math.Round(0.8 * channel + 0.2 * 255);
        return new SKColor(Blend(c.Red), Blend(c.Green), Blend(c.Blue));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(12)]
    public void Renders_a_png_of_the_default_size_that_is_not_blank(int groupCount)
    {
        using var scope = NewDisposeScope();
        var (x, groups) = Clustered(96, groupCount);

        byte[] png = PcaScatterPlot.Render(x, groups);

        using SKBitmap bitmap = PngAssert.Decode(png, 800, 600);
        PngAssert.GreyVariance(bitmap).Should().BeGreaterThan(100);
    }

    [Fact]
    public void Each_group_gets_its_own_palette_colour()
    {
        using var scope = NewDisposeScope();
        var (x, groups) = Clustered(60, 2);
        SKColor blue = OverWhite("#1f77b4"), orange = OverWhite("#ff7f0e");

        using SKBitmap two = PngAssert.Decode(PcaScatterPlot.Render(x, groups), 800, 600);
        using SKBitmap one = PngAssert.Decode(PcaScatterPlot.Render(x, Enumerable.Repeat("everyone", 60).ToArray()), 800, 600);

        PngAssert.CountNear(two, blue, 3).Should().BeGreaterThan(200, "the first group's markers are Category10 blue");
        PngAssert.CountNear(two, orange, 3).Should().BeGreaterThan(200, "the second group's markers are Category10 orange");
        PngAssert.CountNear(one, orange, 3).Should().Be(0, "with one group no second colour is used");
    }

    [Fact]
    public void Text_is_drawn_with_the_embedded_font()
    {
        // Without a usable typeface Skia draws no glyphs: the title band above the data area would stay
        // white whatever the title says.
        using var scope = NewDisposeScope();
        var (x, groups) = Clustered(40, 2);

        using SKBitmap first = PngAssert.Decode(PcaScatterPlot.Render(x, groups, new PlotOptions { Title = "A title" }), 800, 600);
        using SKBitmap second = PngAssert.Decode(PcaScatterPlot.Render(x, groups, new PlotOptions { Title = "Another, longer title!" }), 800, 600);

        static bool[] DarkInTitleBand(SKBitmap bitmap)
        {
            var dark = new List<bool>();
            for (int y = 0; y < 30; y++)
                for (int x = 0; x < bitmap.Width; x++)
                    dark.Add(bitmap.GetPixel(x, y).Red < 128);
            return dark.ToArray();
        }
        bool[] firstBand = DarkInTitleBand(first), secondBand = DarkInTitleBand(second);
        firstBand.Count(dark => dark).Should().BeGreaterThan(100, "the title's glyphs are drawn");
        secondBand.Count(dark => dark).Should().BeGreaterThan(firstBand.Count(dark => dark), "a longer title has more glyphs");
        firstBand.Should().NotEqual(secondBand);
    }

    [Fact]
    public async Task Size_is_configurable_and_saved_atomically()
    {
        (Tensor Embeddings, string[] Groups) clustered = Clustered(30, 3);
        using Tensor x = clustered.Embeddings;
        string[] groups = clustered.Groups;
        string directory = Directory.CreateTempSubdirectory("pca-plot-").FullName;
        try
        {
            string path = Path.Combine(directory, "pca.png");
            await PcaScatterPlot.SaveAsync(path, x, groups, new PlotOptions { Width = 640, Height = 480 });
            using SKBitmap bitmap = PngAssert.Decode(File.ReadAllBytes(path), 640, 480);
            Directory.GetFiles(directory).Should().Equal(path);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData(1, "PC1 (0.0%)")]
    [InlineData(2, "PC2 (12.3%)")]
    public void Axis_labels_give_the_share_of_variance(int component, string expected)
    {
        PcaScatterPlot.ComponentLabel(component, component == 1 ? 0.0 : 0.12345).Should().Be(expected);
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_the_argument_named()
    {
        using var scope = NewDisposeScope();
        var (x, groups) = Clustered(20, 2);
        FluentActions.Invoking(() => PcaScatterPlot.Render(x, groups.Take(19).ToArray()))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "groups");
        FluentActions.Invoking(() => PcaScatterPlot.Render(x, groups.Select((g, i) => i == 3 ? "" : g).ToArray()))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "groups" && e.Message.Contains("index 3"));
        FluentActions.Invoking(() => PcaScatterPlot.Render(x.narrow(0, 0, 1), groups.Take(1).ToArray()))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "embeddings");
        Tensor withNaN = x.clone();
        withNaN[5, 5] = float.NaN;
        FluentActions.Invoking(() => PcaScatterPlot.Render(withNaN, groups))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "embeddings");
        FluentActions.Invoking(() => PcaScatterPlot.Render(x, groups, new PlotOptions { Width = 10 }))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "options");
    }
}
