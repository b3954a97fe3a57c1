using System.CommandLine;
using System.Globalization;
using FaceEmbeddings.Clustering;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Metrics;

namespace FaceEmbeddings.Cli.Commands;

/// <summary><c>faceembed cluster &lt;dir&gt; --out &lt;dir&gt;</c>: groups every face of a photo collection by person.</summary>
internal static class ClusterCommand
{
    /// <summary>How many clusters the terminal summary lists; the files hold them all.</summary>
    private const int SummaryRows = 20;

    public static Command Create()
    {
        var input = new InputOptions(LabelScheme.None, LabelScheme.None);
        var pipeline = new PipelineOptions(embeds: true, cropGeometry: true);
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = $"The folder for {ClusterReport.FileName}, {ClusterContactSheet.FileName}, {ClusterReport.EmbeddingsFileName} and, with --copy, one folder per cluster.",
            HelpName = "dir",
            Required = true,
        };
        var threshold = new Option<double?>("--threshold")
        {
            Description = "Faces closer than this (Euclidean) are joined (default: the encoder's verification threshold, 0.6 for face-api-resnet and 1.04 for facenet's vggface2 weights).",
        };
        threshold.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is { } value && !(double.IsFinite(value) && value > 0))
                result.AddError($"--threshold must be a positive distance; got {value.ToString(CultureInfo.InvariantCulture)}.");
        });
        var minSize = new Option<int>("--min-size")
        {
            Description = "Clusters with fewer faces are listed as unclustered (no folder, last row of the contact sheet).",
            DefaultValueFactory = _ => 2,
        };
        minSize.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
                result.AddError($"--min-size must be at least 1; got {result.GetValueOrDefault<int>()}.");
        });
        var minProbability = new Option<float?>("--min-probability")
        {
            Description = "Faces MTCNN is less sure of than this (hands, half faces) are joined to no other face and listed as unclustered "
                + $"(default {MtcnnOptions.DefaultConfidentProbability.ToString(CultureInfo.InvariantCulture)}).",
            HelpName = "probability",
        };
        minProbability.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<float?>() is { } value && !(value >= 0 && value <= 1))
                result.AddError($"--min-probability must lie between 0 and 1; got {value.ToString(CultureInfo.InvariantCulture)}.");
        });
        var copy = new Option<bool>("--copy") { Description = "Copy each cluster's photos into a folder of its own (cluster-1, …) under --out; no file there is ever overwritten." };

        var command = new Command("cluster", "Group the faces of a photo collection by person, without labels: every face of every photo is detected (MTCNN), "
            + "embedded (the --encoder) and clustered (Chinese Whispers over the pairs closer than --threshold); writes clusters.json and contact-sheet.html.");
        input.AddTo(command);
        command.Add(output);
        command.Add(threshold);
        command.Add(minSize);
        command.Add(minProbability);
        command.Add(copy);
        pipeline.AddTo(command);
        CommandAction.Set(command, async (parsed, cancellationToken) =>
        {
            FaceDataset dataset = input.Open(parsed);
            string folder = Directory.CreateDirectory(parsed.GetRequiredValue(output).FullName).FullName;
            int smallest = parsed.GetValue(minSize);
            using var encoder = await pipeline.CreateEncoderAsync(parsed, cancellationToken).ConfigureAwait(false);
            FaceClusteringOptions options = pipeline.ThresholdOf(parsed, parsed.GetValue(threshold), DistanceMetric.Euclidean) is { } joining
                ? new FaceClusteringOptions { Threshold = joining }
                : throw new UsageException($"No default threshold is known for the encoder '{pipeline.ModelNameOf(parsed)}'; give --threshold (a Euclidean distance).");
            if (parsed.GetValue(minProbability) is { } least)
                options = options with { MinProbability = least };
            using var detector = await pipeline.CreateDetectorAsync(parsed, keepAll: true, encoder, cancellationToken).ConfigureAwait(false);
            using FaceEmbeddingSet set = await DatasetRun.EmbedAllAsync(dataset, detector, encoder,
                pipeline.DatasetOptions(parsed, keepCrop: _ => true), cancellationToken).ConfigureAwait(false);
            if (set.Faces.Count == 0)
                throw new InvalidOperationException($"No face was found in any of the {dataset.Items.Count} images of '{dataset.Source}'; nothing to cluster.");

            FaceClusterResult result = await Task.Run(() => FaceClustering.Cluster(set, options), cancellationToken).ConfigureAwait(false);
            ClusterReport file = ClusterReport.Of(set, result, options, pipeline.ModelNameOf(parsed), pipeline.GeometryOf(parsed, encoder).Name, smallest);
            await set.SaveAsync(Path.Combine(folder, ClusterReport.EmbeddingsFileName), cancellationToken).ConfigureAwait(false);
            await file.SaveAsync(Path.Combine(folder, ClusterReport.FileName), cancellationToken).ConfigureAwait(false);
            await ClusterContactSheet.SaveAsync(Path.Combine(folder, ClusterContactSheet.FileName), file, set, cancellationToken).ConfigureAwait(false);
            int copied = parsed.GetValue(copy) ? await ClusterFolders.CopyAsync(folder, file, cancellationToken).ConfigureAwait(false) : 0;

            Summarize(file);
            if (parsed.GetValue(copy))
                Terminal.Info($"Copied {copied} photos into {file.Clusters.Count} cluster folders (files already there were kept).");
            Terminal.Result(folder);
        });
        return command;
    }

    /// <summary>The summary on standard error (standard output holds only the output folder, for scripts).</summary>
    private static void Summarize(ClusterReport file)
    {
        Terminal.Info(file.Summary);
        foreach (ClusterReportEntry cluster in file.Clusters.Take(SummaryRows))
            Terminal.Info(string.Create(CultureInfo.InvariantCulture,
                $"  cluster {cluster.Id}: {cluster.Size} faces in {cluster.Files.Count} photos; central face in {cluster.Central.File}"));
        if (file.Clusters.Count > SummaryRows)
            Terminal.Info($"  … and {file.Clusters.Count - SummaryRows} smaller clusters (see {ClusterReport.FileName}).");
    }
}
