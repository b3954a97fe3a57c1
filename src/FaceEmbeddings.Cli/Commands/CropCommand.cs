using System.CommandLine;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.Imaging;

namespace FaceEmbeddings.Cli.Commands;

/// <summary><c>faceembed crop &lt;dir&gt; --out &lt;dir&gt; [--size] [--margin]</c>: the face crops as PNG files.</summary>
internal static class CropCommand
{
    public static Command Create()
    {
        var input = new InputOptions(LabelScheme.None, LabelScheme.None);
        var pipeline = new PipelineOptions(embeds: false, cropGeometry: true, onePerPhoto: true);
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Folder for the crops; each is written under the image's path relative to the input, as PNG.",
            HelpName = "dir",
            Required = true,
        };
        var keepAll = new Option<bool>("--keep-all")
        {
            Description = "Crop every face, not only the largest; the second face of a.jpg is a_2.png, and so on.",
        };

        var command = new Command("crop", "Detect faces (MTCNN) and save the aligned crops, as facenet-pytorch's save_path does.");
        input.AddTo(command);
        command.Add(output);
        command.Add(keepAll);
        pipeline.AddTo(command);
        CommandAction.Set(command, async (parsed, cancellationToken) =>
        {
            FaceDataset dataset = input.Open(parsed);
            string root = CommonFolder(dataset.Items.Select(item => item.Path));
            string target = parsed.GetRequiredValue(output).FullName;
            using var detector = await pipeline.CreateDetectorAsync(parsed, parsed.GetValue(keepAll), encoder: null, cancellationToken).ConfigureAwait(false);
            int written = await DatasetRun.ForEachFaceAsync(dataset, detector, pipeline.DatasetOptions(parsed), async face =>
            {
                string relative = Path.ChangeExtension(Path.GetRelativePath(root, face.Item.Path), null);
                string suffix = face.FaceIndex == 0 ? "" : $"_{face.FaceIndex + 1}";
                using FaceImage image = face.Crop!.ToImage();
                await image.SaveAsync(Path.Combine(target, relative + suffix + ".png"), cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            Terminal.Info($"Wrote {written} face crops from {dataset.Items.Count} images.");
            Terminal.Result(target);
        });
        return command;
    }

    /// <summary>The deepest folder holding all of <paramref name="paths"/> (full paths).</summary>
    private static string CommonFolder(IEnumerable<string> paths)
    {
        string? common = null;
        foreach (string path in paths)
        {
            string folder = Path.GetDirectoryName(path)!;
            if (common is null)
            {
                common = folder;
                continue;
            }
            while (!IsInside(folder, common))
                common = Path.GetDirectoryName(common) ?? Path.GetPathRoot(common)!;
        }
        return common ?? Directory.GetCurrentDirectory();
    }

    private static bool IsInside(string folder, string candidate)
    {
        string prefix = Path.EndsInDirectorySeparator(candidate) ? candidate : candidate + Path.DirectorySeparatorChar;
        return folder.Equals(candidate, StringComparison.Ordinal) || folder.StartsWith(prefix, StringComparison.Ordinal);
    }
}
