using System.CommandLine;
using System.Globalization;
using FaceEmbeddings.Attributes;
using FaceEmbeddings.Audit;
using FaceEmbeddings.Datasets;

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
        AttributeAuditResult result;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (FaceAnalyzer analyzer = await pipeline.CreateAnalyzerAsync(parsed, cancellationToken).ConfigureAwait(false))
        using (var detector = await pipeline.CreateDetectorAsync(parsed, keepAll: false, analyzer.Input, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                result = await DatasetRun.RunAsync("Analyzing", dataset, (progress, token) =>
                    AttributeAudit.RunAsync(dataset, detector, analyzer, keys, options, pipeline.DatasetOptions(parsed), progress, token), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (AuditGroupsException e)
            {
                throw new UsageException("--task attributes:", e);
            }
        }
        double auditSeconds = clock.Elapsed.TotalSeconds;
        AttributeAuditReportFiles files = await AttributeAuditReport.SaveAsync(folder, result, cancellationToken: cancellationToken).ConfigureAwait(false);

        Terminal.Write(AuditTable.Of(result));
        Terminal.Info(string.Create(CultureInfo.InvariantCulture,
            $"Analysed and audited {result.Faces} faces in {result.Groups.Count} groups in {auditSeconds:0.00} s."));
        Terminal.Result(files.Html);
    }
}
