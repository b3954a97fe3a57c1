using FaceEmbeddings.Audit;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Tests.Infrastructure;
using FaceEmbeddings.Tests.Plots;
using SkiaSharp;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Audit;

/// <summary>
/// The audit and its report on the seed pipeline fixture: the tutorial's 49 black women and 49 white women from
/// UTKFace, cropped by facenet-pytorch's MTCNN and embedded with the random-weight InceptionResnetV1.
/// </summary>
public sealed class BiasAuditReportTests : IDisposable
{
    private const string Black = "black women", White = "white women";
    private const int PerGroup = 49;

    private readonly string _directory = Directory.CreateTempSubdirectory("bias-audit-report-").FullName;
    private readonly SafeTensorsFile _fixture = SafeTensors.Load(SharedData.PathOf("fixtures/seed_pipeline/reference.safetensors"));
    private readonly string[] _groups = Enumerable.Repeat(Black, PerGroup).Concat(Enumerable.Repeat(White, PerGroup)).ToArray();

    public void Dispose()
    {
        _fixture.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private Tensor Embeddings() => cat(new[] { _fixture["black_female/embeddings"], _fixture["white_female/embeddings"] }, 0);

    private Tensor Crops()
    {
        using Tensor bytes = cat(new[] { _fixture["black_female/crops"], _fixture["white_female/crops"] }, 0);
        return bytes.to(ScalarType.Float32);
    }

    /// <summary>The fixture's crops hold (x − 127.5) / 128.</summary>
    private static readonly BiasAuditReportOptions Standardized = new() { FacesStandardized = true };

    [Fact]
    public void Group_wss_equals_the_metrics_function_on_each_groups_fixture_embeddings()
    {
        using var scope = NewDisposeScope();
        _fixture.Metadata.Keys.Should().Contain(["black_female", "white_female"]);

        BiasAuditResult result = BiasAudit.Run(Embeddings(), _groups);

        result.Groups.Select(g => (g.Group, g.Count)).Should().Equal((Black, PerGroup), (White, PerGroup));
        double black = Clusters.WithinSumOfSquares(_fixture["black_female/embeddings"]).item<float>();
        double white = Clusters.WithinSumOfSquares(_fixture["white_female/embeddings"]).item<float>();
        result.Groups[0].WithinSumOfSquares.Should().BeApproximately(black, 1e-5 * black);
        result.Groups[1].WithinSumOfSquares.Should().BeApproximately(white, 1e-5 * white);
        result.Groups[0].WithinSumOfSquaresPerMember.Should().BeApproximately(black / PerGroup, 1e-5 * black / PerGroup);
        double centroids = Distances.Pairwise(Clusters.Centroid(_fixture["black_female/embeddings"]).unsqueeze(0),
            Clusters.Centroid(_fixture["white_female/embeddings"]).unsqueeze(0)).item<float>();
        result.CentroidDistances.Single().Distance.Should().BeApproximately(centroids, 1e-5);
    }

    [Fact]
    public void Distances_and_false_match_rates_agree_with_the_fixtures_reference_distances()
    {
        // The fixture's cdist was computed by the reference pipeline (black women first): order all i < j pairs by
        // it, independently of this library's distances.
        using var scope = NewDisposeScope();
        float[] cdist = _fixture["cdist"].data<float>().ToArray();
        const int n = 2 * PerGroup;
        var pairs = new List<(double Distance, int Group)>();   // group 0, 1, or −1 across groups
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                pairs.Add((cdist[i * n + j], i / PerGroup == j / PerGroup ? i / PerGroup : -1));
        var sorted = pairs.OrderBy(p => p.Distance).ToArray();

        BiasAuditResult result = BiasAudit.Run(Embeddings(), _groups);

        for (int g = 0; g < 2; g++)
        {
            List<double> within = pairs.Where(p => p.Group == g).Select(p => p.Distance).Order().ToList();
            result.Groups[g].MeanIntraGroupDistance.Should().BeApproximately(within.Average(), 1e-5);
            result.Groups[g].MedianIntraGroupDistance.Should().BeApproximately((within[587] + within[588]) / 2, 1e-5);
        }
        foreach (VerificationAtFalseMatchRate view in result.Verification)
        {
            int k = (int)Math.Floor(view.TargetFalseMatchRate * pairs.Count + 1e-9);
            sorted[k].Distance.Should().BeGreaterThan(sorted[k - 1].Distance + 1e-5, "the threshold's rank is unambiguous at float32 precision");
            view.Threshold.Should().BeApproximately(sorted[k].Distance, 1e-5 * sorted[k].Distance);
            view.FalseMatches.Should().Be(k);
            for (int g = 0; g < 2; g++)
            {
                view.Groups[g].Pairs.Should().Be(PerGroup * (PerGroup - 1) / 2);
                view.Groups[g].FalseMatches.Should().Be(sorted.Take(k).Count(p => p.Group == g));
            }
        }
        result.Verification.Select(v => v.TargetFalseMatchRate).Should().Equal(1e-2, 1e-3);
        result.Verification[0].FalseMatches.Should().Be(47, "⌊0.01 · 4753⌋");
        result.Verification[1].FalseMatches.Should().Be(4, "⌊0.001 · 4753⌋");
    }

    [Fact]
    public async Task Report_writes_the_named_files_with_plots_of_the_expected_sizes()
    {
        using Tensor embeddings = Embeddings();
        using Tensor crops = Crops();
        BiasAuditResult result = BiasAudit.Run(embeddings, _groups);

        BiasAuditReportFiles files = await BiasAuditReport.SaveAsync(_directory, result, embeddings, _groups, crops, options: Standardized);

        Directory.GetFiles(_directory).Select(Path.GetFileName).Should().BeEquivalentTo(
            "audit.json", "audit.md", "report.html", "pca.png", "distances.png", "faces.png", "wss-intervals.png", "false-match-rates.png");
        files.Charts.Should().Equal(Path.Combine(_directory, "wss-intervals.png"), Path.Combine(_directory, "false-match-rates.png"));
        (files with { Charts = null }).Should().Be(new BiasAuditReportFiles(
            Path.Combine(_directory, "audit.json"), Path.Combine(_directory, "audit.md"), Path.Combine(_directory, "report.html"),
            Path.Combine(_directory, "pca.png"), Path.Combine(_directory, "distances.png"), Path.Combine(_directory, "faces.png")));
        BiasAuditResult.FromJson(await File.ReadAllTextAsync(files.Json)).Should().BeEquivalentTo(result);

        using (SKBitmap pca = PngAssert.Decode(await File.ReadAllBytesAsync(files.PcaPlot), 800, 600))
            PngAssert.GreyVariance(pca).Should().BeGreaterThan(100);
        using (SKBitmap heatmap = PngAssert.Decode(await File.ReadAllBytesAsync(files.DistancePlot), 800, 600))
            PngAssert.GreyVariance(heatmap).Should().BeGreaterThan(100);
        // One row per group, the first 8 faces of each: 8 tiles of 150 px with padding 2 across, 2 down.
        using (SKBitmap faces = PngAssert.Decode(await File.ReadAllBytesAsync(files.FaceGrid!), 8 * 152 + 2, 2 * 152 + 2))
        {
            // Tile (row 1, column 0) is white_female crop 0, undone from (x − 127.5) / 128.
            float[] crop = _fixture["white_female/crops"][0].to(ScalarType.Float32).data<float>().ToArray();
            for (int y = 0; y < 150; y += 37)
            {
                for (int x = 0; x < 150; x += 29)
                {
                    SKColor pixel = faces.GetPixel(2 + x, 152 + 2 + y);
                    byte Expected(int channel) => (byte)Math.Clamp(Math.Round(crop[(channel * 150 + y) * 150 + x] * 128 + 127.5), 0, 255);
                    (pixel.Red, pixel.Green, pixel.Blue).Should().Be((Expected(0), Expected(1), Expected(2)), $"pixel ({x}, {y}) of the first white woman's crop");
                }
            }
        }
    }

    [Fact]
    public async Task Html_references_only_itself_and_markdown_only_files_that_exist()
    {
        using Tensor embeddings = Embeddings();
        using Tensor crops = Crops();
        string[] groups = _groups.Select(g => g == Black ? "<black> & \"women\"" : g).ToArray();
        BiasAuditResult result = BiasAudit.Run(embeddings, groups);

        BiasAuditReportFiles files = await BiasAuditReport.SaveAsync(_directory, result, embeddings, groups, crops, options: Standardized);

        string html = await File.ReadAllTextAsync(files.Html);
        IReadOnlyList<string> links = ReportLinks.Referenced(html);
        links.Should().HaveCount(5, "the three plots and the two interval charts are embedded");
        links.Should().OnlyContain(link => link.StartsWith(ReportLinks.EmbeddedPngPrefix, StringComparison.Ordinal));
        foreach (string link in links)
            SKBitmap.Decode(ReportLinks.EmbeddedPng(link)).Should().NotBeNull();
        html.Should().Contain("&lt;black&gt; &amp; &quot;women&quot;").And.NotContain("<black>");

        string markdown = await File.ReadAllTextAsync(files.Markdown);
        ReportLinks.MarkdownTargets(markdown).Should().BeEquivalentTo("pca.png", "distances.png", "wss-intervals.png", "false-match-rates.png", "faces.png");
        foreach (string target in ReportLinks.MarkdownTargets(markdown))
            File.Exists(Path.Combine(_directory, target)).Should().BeTrue(target);
        markdown.Should().Contain("| \\<black\\> & \"women\" | 49 |");
    }

    [Fact]
    public async Task Only_the_crops_the_grid_shows_need_be_given_with_their_rows()
    {
        using Tensor embeddings = Embeddings();
        BiasAuditResult result = BiasAudit.Run(embeddings, _groups);
        using Tensor crops = Crops();
        using Tensor bytes = global::FaceEmbeddings.Detection.FaceCrop.ToBytes(crops, standardized: true); // [98, 3, 150, 150] uint8
        int[] shown = [.. Enumerable.Range(0, 8), .. Enumerable.Range(PerGroup, 8)];
        using Tensor shownRows = tensor(shown.Select(row => (long)row).ToArray());
        using Tensor shownBytes = bytes.index_select(0, shownRows);
        using Tensor firstTwo = bytes.narrow(0, 0, 2);

        BiasAuditReportFiles all = await BiasAuditReport.SaveAsync(Path.Combine(_directory, "all"), result, embeddings, _groups, bytes);
        BiasAuditReportFiles sampled = await BiasAuditReport.SaveAsync(Path.Combine(_directory, "sampled"), result, embeddings, _groups,
            shownBytes, shown);

        (await File.ReadAllBytesAsync(sampled.FaceGrid!)).Should().Equal(await File.ReadAllBytesAsync(all.FaceGrid!),
            "the grid shows the first 8 faces of each group, whichever others were given");
        await FluentActions.Awaiting(() => BiasAuditReport.SaveAsync(_directory, result, embeddings, _groups, firstTwo, [0, 98]))
            .Should().ThrowAsync<ArgumentException>().Where(e => e.ParamName == "faceRows").WithMessage("*faceRows[1] is 98*");
        await FluentActions.Awaiting(() => BiasAuditReport.SaveAsync(_directory, result, embeddings, _groups, firstTwo, [0]))
            .Should().ThrowAsync<ArgumentException>().Where(e => e.ParamName == "faceRows");
    }

    [Fact]
    public async Task Report_without_crops_has_no_face_grid_and_takes_plot_sizes()
    {
        using Tensor embeddings = Embeddings();
        BiasAuditResult result = BiasAudit.Run(embeddings, _groups);

        BiasAuditReportFiles files = await BiasAuditReport.SaveAsync(_directory, result, embeddings, _groups,
            options: new BiasAuditReportOptions { PlotWidth = 400, PlotHeight = 300 });

        files.FaceGrid.Should().BeNull();
        File.Exists(Path.Combine(_directory, "faces.png")).Should().BeFalse();
        PngAssert.Decode(await File.ReadAllBytesAsync(files.PcaPlot), 400, 300).Dispose();
        PngAssert.Decode(await File.ReadAllBytesAsync(files.DistancePlot), 400, 300).Dispose();
        ReportLinks.Referenced(await File.ReadAllTextAsync(files.Html)).Should().HaveCount(4, "two plots and two interval charts");
    }

    [Fact]
    public async Task A_result_of_other_data_or_misshapen_crops_are_rejected_before_anything_is_written()
    {
        using Tensor embeddings = Embeddings();
        using Tensor allButFirst = embeddings.narrow(0, 1, 97);
        using Tensor crops = Crops();
        using Tensor tenCrops = crops.narrow(0, 0, 10);
        BiasAuditResult result = BiasAudit.Run(embeddings, _groups);
        string[] relabelled = _groups.Select(g => g == Black ? "other" : g).ToArray();

        await FluentActions.Awaiting(() => BiasAuditReport.SaveAsync(_directory, result, embeddings, relabelled))
            .Should().ThrowAsync<ArgumentException>().Where(e => e.ParamName == "result");
        await FluentActions.Awaiting(() => BiasAuditReport.SaveAsync(_directory, result, allButFirst, _groups.Skip(1).ToArray()))
            .Should().ThrowAsync<ArgumentException>().Where(e => e.ParamName == "result");
        await FluentActions.Awaiting(() => BiasAuditReport.SaveAsync(_directory, result, embeddings, _groups, tenCrops))
            .Should().ThrowAsync<ArgumentException>().Where(e => e.ParamName == "faces");
        await FluentActions.Awaiting(() => BiasAuditReport.SaveAsync(_directory, result, embeddings, _groups, options: new BiasAuditReportOptions { FacesPerGroup = 0 }))
            .Should().ThrowAsync<ArgumentException>().Where(e => e.ParamName == "options");
        Directory.GetFileSystemEntries(_directory).Should().BeEmpty();
    }

    [Fact]
    public async Task A_cancelled_report_leaves_no_partial_file()
    {
        using Tensor embeddings = Embeddings();
        BiasAuditResult result = BiasAudit.Run(embeddings, _groups);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        await FluentActions.Awaiting(() => BiasAuditReport.SaveAsync(_directory, result, embeddings, _groups, cancellationToken: cancelled.Token))
            .Should().ThrowAsync<OperationCanceledException>();

        Directory.GetFileSystemEntries(_directory).Should().BeEmpty();
    }
}
