using System.CommandLine;
using System.Globalization;
using FaceEmbeddings.Attributes;
using FaceEmbeddings.Audit;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Runtime;
using Spectre.Console;

namespace FaceEmbeddings.Cli.Commands;

/// <summary>
/// <c>faceembed audit &lt;dir&gt; --labels utkface --task attributes</c>: predicts apparent age and gender of each image's face
/// (MTCNN's selected face, cut as <c>faceembed analyze</c> cuts it: <see cref="FaceAnalyzer"/>), audits them against the labels per group (<see cref="AttributeAudit"/>), prints the table and
/// writes the report (<see cref="AttributeAuditReport"/>).
/// </summary>
internal static class AttributeAuditTask
{
    public static async Task RunAsync(ParseResult parsed, PipelineOptions pipeline, FaceDataset dataset, string[] keys, string folder,
        AttributeAuditOptions options, CancellationToken cancellationToken)
    {
        string[] missing = new[] { UtkFaceLabels.AgeKey, UtkFaceLabels.GenderKey }.Where(key => !dataset.LabelKeys.Contains(key, StringComparer.Ordinal)).ToArray();
        if (missing.Length > 0)
            throw new UsageException($"--task attributes needs {string.Join(" and ", missing)} labels, as --labels utkface gives; the labels are {string.Join(", ", dataset.LabelKeys)}.");

        var predictions = new List<FaceAttributes>();
        var labels = new List<AttributeLabels>();
        var groups = new List<string>();
        var skipped = dataset.Rejected.Select(rejected => rejected.Message).ToList();
        using (FaceAnalyzer analyzer = await pipeline.CreateAnalyzerAsync(parsed, cancellationToken).ConfigureAwait(false))
        using (var detector = await pipeline.CreateDetectorAsync(parsed, keepAll: false, analyzer.Input, cancellationToken).ConfigureAwait(false))
        {
            FaceDatasetOptions batches = pipeline.DatasetOptions(parsed);
            Terminal.Info($"Analyzing the faces of {dataset.Items.Count} images in {dataset.Source} (Ctrl+C to stop).");
            // Every batch on the same thread, as the dataset pipeline does: one copy of a batch's native memory, not one per pool thread.
            using var thread = new BatchThread("Attribute audit batches");
            await Terminal.WithProgressAsync("Analyzing faces", async update =>
            {
                int done = 0;
                foreach (FaceDatasetItem[] chunk in dataset.Items.Chunk(batches.BatchSize))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    done += await thread.RunAsync(() => AnalyzeChunk(chunk), cancellationToken).ConfigureAwait(false);
                    update(done, dataset.Items.Count);
                }
                return done;
            }).ConfigureAwait(false);

            // Detection and the networks both run a batch of images at a time; each image's face is cut from the image as
            // `faceembed analyze` cuts it (FaceAnalyzer.Analyze(images, faces)), not as the detector crops for an encoder.
            // Returns how many images it went through.
            int AnalyzeChunk(FaceDatasetItem[] chunk)
            {
                var loaded = new List<(FaceDatasetItem Item, FaceImage Image)>();
                try
                {
                    foreach (FaceDatasetItem item in chunk)
                    {
                        try
                        {
                            loaded.Add((item, FaceImage.Load(item.Path, batches.ImageOptions)));
                        }
                        catch (Exception e) when (e is ImageDecodeException or IOException or UnauthorizedAccessException)
                        {
                            skipped.Add(e.Message);
                        }
                    }
                    IReadOnlyList<FaceImage> images = loaded.Select(l => l.Image).ToList();
                    IReadOnlyList<IReadOnlyList<DetectedFace>> faces = detector.Detect(images).Select(f => (IReadOnlyList<DetectedFace>)f.Take(1).ToArray()).ToList();
                    IReadOnlyList<IReadOnlyList<FaceAttributes>> attributes = analyzer.Analyze(images, faces);
                    for (int i = 0; i < loaded.Count; i++)
                    {
                        if (attributes[i].Count == 0)
                        {
                            skipped.Add($"No face was found in '{loaded[i].Item.Path}'.");
                            continue;
                        }
                        FaceLabels item = loaded[i].Item.Labels;
                        predictions.Add(attributes[i][0]);
                        labels.Add(new AttributeLabels(double.Parse(item[UtkFaceLabels.AgeKey], CultureInfo.InvariantCulture),
                            item[UtkFaceLabels.GenderKey] == "female" ? ApparentGender.Female : ApparentGender.Male));
                        groups.Add(GroupLabels.Of(item, keys));
                    }
                }
                finally
                {
                    loaded.ForEach(l => l.Image.Dispose());
                }
                return chunk.Length;
            }
        }
        foreach (string message in skipped)
            Terminal.Warning($"skipped: {message}");
        if (predictions.Count == 0)
            throw new IOException($"No face was found in any of the {dataset.Items.Count} images.");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        AttributeAuditResult result;
        try
        {
            result = await Task.Run(() => AttributeAudit.Run(predictions, labels, groups, identities: null, options, cancellationToken), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (AuditGroupsException e)
        {
            throw new UsageException(e.Message);
        }
        double auditSeconds = clock.Elapsed.TotalSeconds;
        AttributeAuditReportFiles files = await AttributeAuditReport.SaveAsync(folder, result, cancellationToken: cancellationToken).ConfigureAwait(false);

        WriteTable(result);
        Terminal.Info(string.Create(CultureInfo.InvariantCulture,
            $"Audited {result.Faces} faces in {result.Groups.Count} groups in {auditSeconds:0.00} s; {skipped.Count} files skipped."));
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
