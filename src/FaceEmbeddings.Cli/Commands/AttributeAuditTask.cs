using System.CommandLine;
using System.Globalization;
using FaceEmbeddings.Attributes;
using FaceEmbeddings.Audit;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.Detection;
using Spectre.Console;

namespace FaceEmbeddings.Cli.Commands;

/// <summary>
/// <c>faceembed audit &lt;dir&gt; --labels utkface --task attributes</c>: predicts apparent age and gender of each image's face
/// (<see cref="FaceAnalyzer"/>), audits them against the labels per group (<see cref="AttributeAudit"/>), prints the table and
/// writes the report (<see cref="AttributeAuditReport"/>).
/// </summary>
internal static class AttributeAuditTask
{
    /// <summary>Crops analyzed at once.</summary>
    private const int AnalyzerBatch = 64;

    public static async Task RunAsync(ParseResult parsed, PipelineOptions pipeline, FaceDataset dataset, string[] keys, string folder,
        AttributeAuditOptions options, CancellationToken cancellationToken)
    {
        string[] missing = new[] { UtkFaceLabels.AgeKey, UtkFaceLabels.GenderKey }.Where(key => !dataset.LabelKeys.Contains(key, StringComparer.Ordinal)).ToArray();
        if (missing.Length > 0)
            throw new UsageException($"--task attributes needs {string.Join(" and ", missing)} labels, as --labels utkface gives; the labels are {string.Join(", ", dataset.LabelKeys)}.");

        var predictions = new List<FaceAttributes>();
        var labels = new List<AttributeLabels>();
        var groups = new List<string>();
        using (FaceAnalyzer analyzer = await pipeline.CreateAnalyzerAsync(parsed, cancellationToken).ConfigureAwait(false))
        using (var detector = await pipeline.CreateDetectorAsync(parsed, keepAll: false, analyzer.Input, cancellationToken).ConfigureAwait(false))
        {
            // The networks run a batch of crops at a time: one face per call would spend most of its time outside the convolutions.
            var pending = new List<FaceCrop>(AnalyzerBatch);
            try
            {
                await DatasetRun.ForEachFaceAsync(dataset, detector, pipeline.DatasetOptions(parsed), face =>
                {
                    pending.Add(new FaceCrop(face.Crop!.Pixels.clone().DetachFromDisposeScope(), face.Face, face.Crop.IsStandardized));
                    FaceLabels item = face.Item.Labels;
                    labels.Add(new AttributeLabels(double.Parse(item[UtkFaceLabels.AgeKey], CultureInfo.InvariantCulture),
                        item[UtkFaceLabels.GenderKey] == "female" ? ApparentGender.Female : ApparentGender.Male));
                    groups.Add(GroupLabels.Of(item, keys));
                    if (pending.Count == AnalyzerBatch) AnalyzePending();
                    return Task.CompletedTask;
                }, cancellationToken).ConfigureAwait(false);
                AnalyzePending();
            }
            finally
            {
                pending.ForEach(crop => crop.Dispose());
            }

            void AnalyzePending()
            {
                predictions.AddRange(analyzer.Analyze(pending));
                pending.ForEach(crop => crop.Dispose());
                pending.Clear();
            }
        }
        if (predictions.Count == 0)
            throw new IOException($"No face was found in any of the {dataset.Items.Count} images.");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        AttributeAuditResult result;
        try
        {
            result = await Task.Run(() => AttributeAudit.Run(predictions, labels, groups, identities: null, options, cancellationToken), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ArgumentException e) when (e.ParamName is "options" or "groups")
        {
            throw new UsageException(e.Message);
        }
        double auditSeconds = clock.Elapsed.TotalSeconds;
        AttributeAuditReportFiles files = await AttributeAuditReport.SaveAsync(folder, result, cancellationToken: cancellationToken).ConfigureAwait(false);

        WriteTable(result);
        Terminal.Info(string.Create(CultureInfo.InvariantCulture,
            $"Audited {result.Faces} faces in {result.Groups.Count} groups in {auditSeconds:0.00} s; {dataset.Items.Count + dataset.Rejected.Count - result.Faces} files skipped."));
        Terminal.Result(files.Html);
    }

    private static void WriteTable(AttributeAuditResult result)
    {
        var table = new Table().Title(Markup.Escape(AttributeAuditText.Summary(result)));
        table.AddColumns(AttributeAuditText.GroupColumnsOf(result));
        foreach (TableColumn column in table.Columns.Skip(1))
            column.RightAligned();
        foreach (AttributeGroupStatistics group in result.Groups)
            table.AddRow(AttributeAuditText.GroupRow(result, group).Select(Markup.Escape).ToArray());
        Terminal.Out.Write(table);
        foreach (string sentence in AttributeAuditText.TestSentences(result))
            Terminal.Result(sentence);
    }
}
