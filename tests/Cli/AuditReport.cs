using System.Text.Json;
using FaceEmbeddings.Audit;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Models.Checkpoints;
using FaceEmbeddings.Tests.Audit;
using FaceEmbeddings.Tests.Plots;
using static TorchSharp.torch;

namespace FaceEmbeddings.Tests.Cli;

/// <summary>
/// The files <c>faceembed audit</c> wrote, read back, with checks of the report against figures computed here from the
/// embeddings it wrote (the Metrics functions and a plain recount of the pair distances).
/// </summary>
public sealed class AuditReport : IDisposable
{
    public AuditReport(string folder)
    {
        Folder = folder;
        Result = BiasAuditResult.FromJson(File.ReadAllText(Path.Combine(folder, BiasAuditReport.JsonFileName)));
        Embeddings = SafeTensors.Load(Path.Combine(folder, "embeddings.safetensors"));
        Paths = JsonSerializer.Deserialize<string[]>(Embeddings.Metadata[FaceEmbeddingSet.PathsKey])!;
        var labels = JsonSerializer.Deserialize<Dictionary<string, string>[]>(Embeddings.Metadata[FaceEmbeddingSet.LabelsKey])!;
        // As the audit command names groups by race and gender (GroupLabels.Combine's default separator).
        Groups = labels.Select(row => $"{row["race"]}, {row["gender"]}").ToArray();
    }

    public string Folder { get; }

    public BiasAuditResult Result { get; }

    public SafeTensorsFile Embeddings { get; }

    /// <summary>The image of each embedding row.</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary>The race-and-gender group of each embedding row.</summary>
    public IReadOnlyList<string> Groups { get; }

    public Tensor X => Embeddings[FaceEmbeddingSet.EmbeddingsKey];

    public void Dispose() => Embeddings.Dispose();

    /// <summary>The per-group figures and centroid distances equal <see cref="Clusters.Summarize"/> on the written embeddings.</summary>
    public void ShouldMatchClusterSummary()
    {
        Result.Embeddings.Should().Be((int)X.shape[0]);
        Result.Dimensions.Should().Be((int)X.shape[1]);
        using ClusterSummary summary = Clusters.Summarize(X, Groups);
        Result.Groups.Select(group => group.Group).Should().BeEquivalentTo(summary.Groups.Select(group => group.Name));
        foreach (GroupStatistics group in Result.Groups)
        {
            GroupSummary expected = summary[group.Group];
            group.Count.Should().Be(expected.Count, group.Group);
            group.WithinSumOfSquares.Should().BeApproximately(expected.WithinSumOfSquares, 1e-9 * expected.WithinSumOfSquares, group.Group);
            group.WithinSumOfSquaresPerMember.Should().BeApproximately(expected.WithinSumOfSquaresPerMember, 1e-9 * expected.WithinSumOfSquaresPerMember, group.Group);
            group.MeanIntraGroupDistance.Should().BeApproximately(expected.MeanPairwiseDistance!.Value, 1e-9, group.Group);
            group.MedianIntraGroupDistance.Should().BeApproximately(expected.MedianPairwiseDistance!.Value, 1e-9, group.Group);
        }
        foreach (CentroidDistance distance in Result.CentroidDistances)
            distance.Distance.Should().BeApproximately(summary.CentroidDistance(distance.First, distance.Second), 1e-6, $"{distance.First} – {distance.Second}");
    }

    /// <summary>
    /// The verification view equals a recount from all pair distances (<see cref="Distances.Pairwise(Tensor, Tensor?, DistanceMetric)"/>):
    /// the threshold is the (⌊f·M⌋ + 1)-th smallest of the M pair distances, a false match is a pair strictly below it.
    /// </summary>
    public void ShouldMatchRecountedFalseMatches()
    {
        using var scope = NewDisposeScope();
        int n = (int)X.shape[0];
        float[] distances = Distances.Pairwise(X).data<float>().ToArray();
        var pairs = new List<(double Distance, string? Group)>();
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                pairs.Add((distances[i * n + j], Groups[i] == Groups[j] ? Groups[i] : null));
        double[] sorted = pairs.Select(pair => pair.Distance).Order().ToArray();

        Result.DifferentPersonPairs.Should().Be(pairs.Count);
        Result.Verification.Select(view => view.TargetFalseMatchRate).Should().Equal(1e-2, 1e-3);
        foreach (VerificationAtFalseMatchRate view in Result.Verification)
        {
            double threshold = sorted[(int)Math.Floor(view.TargetFalseMatchRate * pairs.Count)];
            view.Threshold.Should().BeApproximately(threshold, 1e-6, $"the threshold at {view.TargetFalseMatchRate}");
            view.FalseMatches.Should().Be(pairs.Count(pair => pair.Distance < view.Threshold));
            foreach (GroupFalseMatchRate group in view.Groups)
            {
                var own = pairs.Where(pair => pair.Group == group.Group).ToList();
                group.Pairs.Should().Be(own.Count, group.Group);
                group.FalseMatches.Should().Be(own.Count(pair => pair.Distance < view.Threshold), group.Group);
                group.FalseMatchRate.Should().BeApproximately((double)group.FalseMatches / own.Count, 1e-12, group.Group);
            }
        }
    }

    /// <summary>Every plot decodes as a PNG of the size it should have.</summary>
    public void ShouldHavePlotsOfSize(int faceSize)
    {
        PngAssert.Decode(File.ReadAllBytes(Path.Combine(Folder, BiasAuditReport.PcaPlotFileName)), 800, 600).Dispose();
        PngAssert.Decode(File.ReadAllBytes(Path.Combine(Folder, BiasAuditReport.DistancePlotFileName)), 800, 600).Dispose();
        // One row per group of its first faces (at most 8), laid out as make_grid with 2 px padding.
        int perRow = Math.Min(8, Result.Groups.Max(group => group.Count));
        int width = perRow * (faceSize + 2) + 2, height = Result.Groups.Count * (faceSize + 2) + 2;
        PngAssert.Decode(File.ReadAllBytes(Path.Combine(Folder, BiasAuditReport.FaceGridFileName)), width, height).Dispose();
    }

    /// <summary>The HTML and Markdown reports point only at things that exist: files in the folder or embedded PNGs.</summary>
    public void ShouldReferenceOnlyWhatExists()
    {
        string html = File.ReadAllText(Path.Combine(Folder, BiasAuditReport.HtmlFileName));
        IReadOnlyList<string> references = ReportLinks.Referenced(html);
        references.Should().NotBeEmpty("the report shows its plots");
        foreach (string target in references)
        {
            if (target.StartsWith(ReportLinks.EmbeddedPngPrefix, StringComparison.Ordinal))
                SkiaSharp.SKBitmap.Decode(ReportLinks.EmbeddedPng(target)).Should().NotBeNull("an embedded plot decodes");
            else if (!target.StartsWith('#'))
                File.Exists(Path.Combine(Folder, Uri.UnescapeDataString(target))).Should().BeTrue($"the HTML refers to '{target}'");
        }

        string markdown = File.ReadAllText(Path.Combine(Folder, BiasAuditReport.MarkdownFileName));
        IReadOnlyList<string> images = ReportLinks.MarkdownTargets(markdown);
        images.Should().Contain([BiasAuditReport.PcaPlotFileName, BiasAuditReport.DistancePlotFileName, BiasAuditReport.FaceGridFileName]);
        images.Should().OnlyContain(file => File.Exists(Path.Combine(Folder, file)));
    }
}
