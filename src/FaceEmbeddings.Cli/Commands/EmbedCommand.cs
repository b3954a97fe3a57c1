using System.CommandLine;
using FaceEmbeddings.Datasets;

namespace FaceEmbeddings.Cli.Commands;

/// <summary><c>faceembed embed &lt;dir&gt; --out &lt;file.safetensors|.csv&gt;</c>: one embedding per face.</summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var input = new InputOptions(LabelScheme.None, LabelScheme.None, LabelScheme.Folders, LabelScheme.UtkFace);
        var pipeline = new PipelineOptions(embeds: true, cropGeometry: true, onePerPhoto: true);
        var output = new Option<FileInfo>("--out")
        {
            Description = "Where to write the embeddings: .safetensors (embeddings, boxes, probabilities, landmarks; paths and labels in the metadata) or .csv.",
            HelpName = "file",
            Required = true,
        };
        output.Validators.Add(result =>
        {
            string extension = Path.GetExtension(result.GetValueOrDefault<FileInfo>()?.Name ?? "");
            if (!extension.Equals(".safetensors", StringComparison.OrdinalIgnoreCase) && !extension.Equals(".csv", StringComparison.OrdinalIgnoreCase))
                result.AddError($"--out must end in .safetensors or .csv; got '{extension}'.");
        });

        var command = new Command("embed", "Detect the face in every image (the largest; MTCNN) and embed it (--encoder: FaceNet or face-api's ResNet).");
        input.AddTo(command);
        command.Add(output);
        pipeline.AddTo(command);
        CommandAction.Set(command, async (parsed, cancellationToken) =>
        {
            FaceDataset dataset = input.Open(parsed);
            FileInfo target = parsed.GetRequiredValue(output);
            using var encoder = await pipeline.CreateEncoderAsync(parsed, cancellationToken).ConfigureAwait(false);
            using var detector = await pipeline.CreateDetectorAsync(parsed, keepAll: false, encoder, cancellationToken).ConfigureAwait(false);
            using FaceEmbeddingSet set = await DatasetRun.EmbedAllAsync(dataset, detector, encoder,
                pipeline.DatasetOptions(parsed), cancellationToken).ConfigureAwait(false);
            if (set.Faces.Count == 0)
                throw new InvalidOperationException($"No face was found in any of the {dataset.Items.Count} images of '{dataset.Source}'.");
            await set.SaveAsync(target.FullName, cancellationToken).ConfigureAwait(false);
            Terminal.Info($"Embedded {set.Faces.Count} faces ({set.EmbeddingSize} values each) from {dataset.Items.Count} images; {set.Skipped.Count} files skipped.");
            Terminal.Result(target.FullName);
        });
        return command;
    }
}
