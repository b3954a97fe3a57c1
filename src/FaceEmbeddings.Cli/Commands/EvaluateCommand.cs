using System.CommandLine;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.Evaluation;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Recognition;

namespace FaceEmbeddings.Cli.Commands;

/// <summary><c>faceembed evaluate &lt;folder|pairs.csv&gt;</c>: verification accuracy of the encoder on labelled faces.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("source")
        {
            Description = "A folder with one subfolder of photos per person (every pair is evaluated), or a CSV of pairs "
                + "(file_x,file_y,same with yes/no or true/false; paths relative to the CSV).",
        };
        var threshold = IdentifyCommand.ThresholdOption("the accuracy is measured at it");
        var maxPairs = new Option<int>("--max-pairs")
        {
            Description = "Evaluate every pair of a folder when there are at most this many, else a seeded sample of this many.",
            DefaultValueFactory = _ => new VerificationEvaluationOptions().MaxPairs,
        };
        var seed = new Option<int>("--seed") { Description = "Seeds the sample of pairs and the bootstrap.", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Write the result as JSON instead of a table." };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Also write evaluation.md, evaluation.json and det.png into this folder.", HelpName = "dir" };
        var pipeline = new PipelineOptions(embeds: true, cropGeometry: false, onePerPhoto: true);

        var command = new Command("evaluate", "Measure how well the --encoder tells people apart on labelled photos: accuracy at its "
            + "threshold and at the best one, ROC AUC, equal-error rate and TAR at FAR 1e-2 and 1e-3, with bootstrap intervals over people.")
        {
            source, threshold, maxPairs, seed, json, output,
        };
        maxPairs.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError("--max-pairs must be at least 1.");
        });
        pipeline.AddTo(command);
        CommandAction.Set(command, async (parsed, cancellationToken) =>
        {
            string path = parsed.GetRequiredValue(source);
            bool pairsFile = File.Exists(path);
            if (!pairsFile && !Directory.Exists(path))
                throw new FileNotFoundException($"'{path}' is neither a pairs file nor a folder.", path);
            using var encoder = await pipeline.CreateEncoderAsync(parsed, cancellationToken).ConfigureAwait(false);
            string model = pipeline.ModelNameOf(parsed);
            VerificationThreshold? decision = pipeline.ThresholdOf(parsed, parsed.GetValue(threshold), DistanceMetric.Euclidean);
            using var detector = await pipeline.CreateDetectorAsync(parsed, keepAll: false, encoder, cancellationToken).ConfigureAwait(false);
            var options = new VerificationEvaluationOptions { MaxPairs = parsed.GetValue(maxPairs), Seed = parsed.GetValue(seed) };
            Terminal.Info($"Evaluating {model} on {(pairsFile ? "the pairs of" : "every pair of")} '{path}', faces cut as {pipeline.GeometryOf(parsed, encoder)}.");

            VerificationEvaluationResult result = await Terminal.WithProgressAsync("Embedding faces", update =>
            {
                var progress = new SynchronousProgress<FaceDatasetProgress>(report => update(report.Completed, report.Total));
                return pairsFile
                    ? VerificationEvaluation.EvaluatePairsAsync(path, detector, encoder, decision, options, progress, cancellationToken)
                    : VerificationEvaluation.EvaluateAsync(FaceDataset.FromImageFolder(path), detector, encoder, decision, options, progress, cancellationToken);
            }).ConfigureAwait(false);

            if (parsed.GetValue(output) is { } folder)
            {
                await VerificationEvaluationReport.SaveAsync(folder.FullName, result, cancellationToken).ConfigureAwait(false);
                Terminal.Info($"Wrote {Path.Combine(folder.FullName, VerificationEvaluationReport.MarkdownFile)}.");
            }
            Terminal.Result(parsed.GetValue(json) ? result.ToJson() : VerificationEvaluationReport.ToMarkdown(result).TrimEnd());
        });
        return command;
    }
}
