using System.CommandLine;
using System.Globalization;
using FaceEmbeddings.Audit;
using FaceEmbeddings.Datasets;
using Spectre.Console;
using static TorchSharp.torch;

namespace FaceEmbeddings.Cli.Commands;

/// <summary>
/// <c>faceembed audit &lt;dir&gt; [--labels folders|utkface] [--group-by race,gender] --out &lt;dir&gt;</c>: embeds a
/// labelled dataset, audits how tightly each group clusters and what that costs in false matches, prints the table
/// and writes the report.
/// </summary>
internal static class AuditCommand
{
    /// <summary>File name of the audited embeddings in the report folder.</summary>
    public const string EmbeddingsFileName = "embeddings.safetensors";

    public static Command Create()
    {
        var input = new InputOptions(LabelScheme.Folders, LabelScheme.Folders, LabelScheme.UtkFace);
        var pipeline = new PipelineOptions(embeds: true, cropGeometry: true);
        var groupBy = new Option<string[]>("--group-by")
        {
            Description = "Labels whose values form the groups, comma-separated (default: label for folders, race,gender for utkface).",
            HelpName = "labels",
            CustomParser = result => result.Tokens
                .SelectMany(token => token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .ToArray(),
        };
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = $"Folder for the report: {BiasAuditReport.HtmlFileName}, {BiasAuditReport.JsonFileName}, {BiasAuditReport.MarkdownFileName}, "
                + $"{BiasAuditReport.PcaPlotFileName}, {BiasAuditReport.DistancePlotFileName}, {BiasAuditReport.FaceGridFileName} and {EmbeddingsFileName}.",
            HelpName = "dir",
            Required = true,
        };

        var command = new Command("audit", "Embed a labelled set of faces and audit whether the model packs some groups tighter than others.");
        input.AddTo(command);
        command.Add(groupBy);
        command.Add(output);
        pipeline.AddTo(command);
        CommandAction.Set(command, async (parsed, cancellationToken) =>
        {
            FaceDataset dataset = input.Open(parsed);
            string[] keys = GroupKeys(parsed.GetValue(groupBy), input.SchemeOf(parsed), dataset);
            string folder = parsed.GetRequiredValue(output).FullName;

            using var encoder = await pipeline.CreateEncoderAsync(parsed, cancellationToken).ConfigureAwait(false);
            using var detector = await pipeline.CreateDetectorAsync(parsed, keepAll: false, encoder, cancellationToken).ConfigureAwait(false);
            using FaceEmbeddingSet set = await DatasetRun.EmbedAllAsync(dataset, detector, encoder,
                pipeline.DatasetOptions(parsed, keepCrops: true), cancellationToken).ConfigureAwait(false);
            IReadOnlyList<string> groups = set.GroupNames(keys);

            using Tensor embeddings = set.ToTensor();
            using Tensor crops = set.TakeCrops();
            BiasAuditResult result = await Task.Run(() => BiasAudit.Run(embeddings, groups, cancellationToken: cancellationToken), cancellationToken)
                .ConfigureAwait(false);
            BiasAuditReportFiles files = await BiasAuditReport.WriteAsync(folder, result, embeddings, groups, crops,
                new BiasAuditReportOptions { FacesStandardized = false }, cancellationToken).ConfigureAwait(false);
            set.Save(Path.Combine(folder, EmbeddingsFileName));

            WriteTable(result);
            Terminal.Info($"Audited {set.Faces.Count} faces in {result.Groups.Count} groups; {set.Skipped.Count} files skipped.");
            Terminal.Result(files.Html);
        });
        return command;
    }

    /// <summary>The labels to group by: those asked for, checked against the dataset, or the scheme's default.</summary>
    private static string[] GroupKeys(string[]? requested, LabelScheme scheme, FaceDataset dataset)
    {
        if (requested is null || requested.Length == 0)
            return scheme == LabelScheme.UtkFace ? [UtkFaceLabels.RaceKey, UtkFaceLabels.GenderKey] : [FaceLabels.FolderKey];
        string[] unknown = requested.Where(key => !dataset.LabelKeys.Contains(key, StringComparer.Ordinal)).ToArray();
        if (unknown.Length > 0)
            throw new UsageException(
                $"--group-by {string.Join(',', unknown)}: no such label with --labels {scheme.ToString().ToLowerInvariant()}; the labels are {string.Join(", ", dataset.LabelKeys)}.");
        return requested;
    }

    /// <summary>The audit as one table: per group its clustering figures and its false-match rate at each operating point.</summary>
    private static void WriteTable(BiasAuditResult result)
    {
        var table = new Table().Title($"Bias audit: {result.Embeddings} faces, {result.DifferentPersonPairs:N0} different-person pairs ({result.Metric} distance)");
        table.AddColumns("Group", "Count", "WSS", "WSS/member", "Mean dist", "Median dist");
        foreach (VerificationAtFalseMatchRate view in result.Verification)
            table.AddColumn($"FMR @ {Rate(view.TargetFalseMatchRate)}");
        foreach (TableColumn column in table.Columns.Skip(1))
            column.RightAligned();

        foreach (GroupStatistics group in result.Groups)
        {
            var row = new List<string>
            {
                Markup.Escape(group.Group),
                group.Count.ToString(CultureInfo.InvariantCulture),
                Quantity(group.WithinSumOfSquares),
                Quantity(group.WithinSumOfSquaresPerMember),
                Quantity(group.MeanIntraGroupDistance),
                Quantity(group.MedianIntraGroupDistance),
            };
            row.AddRange(result.Verification.Select(view => Rate(view.Groups.Single(g => g.Group == group.Group).FalseMatchRate)));
            table.AddRow(row.ToArray());
        }
        Terminal.Out.Write(table);

        foreach (VerificationAtFalseMatchRate view in result.Verification)
        {
            string ratio = view.RatioKind switch
            {
                WorstToBestRatioKind.Finite => view.WorstToBestRatio!.Value.ToString("0.00", CultureInfo.InvariantCulture) + "×",
                WorstToBestRatioKind.Infinite => "∞ (the best group has no false match)",
                _ => "undefined (no group has a false match)",
            };
            Terminal.Result($"At a false-match rate of {Rate(view.TargetFalseMatchRate)} (threshold {Quantity(view.Threshold)}): "
                + $"worst group {view.WorstGroup}, best {view.BestGroup}, worst/best {ratio}");
        }
    }

    private static string Quantity(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Rate(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
