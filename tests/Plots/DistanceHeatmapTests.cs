using FaceEmbeddings.Metrics;
using FaceEmbeddings.Plots;
using SkiaSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Plots;

public class DistanceHeatmapTests
{
    private static (Tensor Embeddings, string[] Groups) Grouped(int count, int groupCount)
    {
        var generator = new Generator(3);
        Tensor x = randn(new long[] { count, 8 }, generator: generator);
        // Labels interleaved, so the plot has to reorder rows to draw blocks.
        return (x, Enumerable.Range(0, count).Select(i => $"g{i % groupCount}").ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(9)]
    public void Renders_a_png_of_the_requested_size_that_is_not_blank(int groupCount)
    {
        using var scope = NewDisposeScope();
        var (x, groups) = Grouped(90, groupCount);

        using SKBitmap defaults = PngAssert.Decode(DistanceHeatmap.Render(x, groups), 800, 600);
        using SKBitmap small = PngAssert.Decode(DistanceHeatmap.Render(x, groups, new PlotOptions { Width = 500, Height = 400 }), 500, 400);

        PngAssert.GreyVariance(defaults).Should().BeGreaterThan(100);
        PngAssert.GreyVariance(small).Should().BeGreaterThan(100);
    }

    [Fact]
    public void Uses_the_viridis_scale_with_the_diagonal_in_its_lowest_colour()
    {
        using var scope = NewDisposeScope();
        var (x, groups) = Grouped(60, 3);
        using SKBitmap bitmap = PngAssert.Decode(DistanceHeatmap.Render(x, groups), 800, 600);
        // Viridis runs from dark purple (#440154) to yellow (#fde725); both ends appear: the zero
        // diagonal and the colour bar's low end in purple, the largest distance and the bar's top in yellow.
        PngAssert.CountNear(bitmap, SKColor.Parse("#440154"), 12).Should().BeGreaterThan(60);
        PngAssert.CountNear(bitmap, SKColor.Parse("#fde725"), 12).Should().BeGreaterThan(20);
    }

    [Fact]
    public void Thinning_keeps_evenly_spaced_members_of_every_group_in_proportion()
    {
        var labels = Enumerable.Repeat("a", 300).Concat(Enumerable.Repeat("b", 100)).Concat(Enumerable.Repeat("c", 1)).ToArray();
        GroupIndex index = GroupIndex.Of(labels, labels.Length, "groups");

        int[][] shown = DistanceHeatmap.Thin(index, 40);

        shown.Select(members => members.Length).Should().Equal(29, 9, 1);
        shown[0].Should().Equal(Enumerable.Range(0, 29).Select(i => i * 300 / 29));
        shown[1].Should().Equal(Enumerable.Range(0, 9).Select(i => 300 + i * 100 / 9));
        shown[2].Should().Equal(400);
        DistanceHeatmap.Thin(index, 401).Select(members => members.Length).Should().Equal(300, 100, 1);
    }

    [Fact]
    public void Draws_more_faces_than_the_limit_by_thinning()
    {
        using var scope = NewDisposeScope();
        var (x, groups) = Grouped(120, 4);
        using SKBitmap bitmap = PngAssert.Decode(DistanceHeatmap.Render(x, groups, maxItems: 40, metric: DistanceMetric.Cosine), 800, 600);
        PngAssert.GreyVariance(bitmap).Should().BeGreaterThan(100);
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_the_argument_named()
    {
        using var scope = NewDisposeScope();
        var (x, groups) = Grouped(20, 4);
        FluentActions.Invoking(() => DistanceHeatmap.Render(x, groups, maxItems: 3))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "maxItems");
        FluentActions.Invoking(() => DistanceHeatmap.Render(x, groups.Skip(1).ToArray()))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "groups");
        FluentActions.Invoking(() => DistanceHeatmap.Render(x.flatten(), groups))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "embeddings");
        FluentActions.Invoking(() => DistanceHeatmap.Render(x, groups, new PlotOptions { Height = 100_000 }))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == "options");
    }
}
