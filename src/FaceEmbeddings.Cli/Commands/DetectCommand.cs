using System.CommandLine;
using System.Globalization;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Plots;
using Spectre.Console;

namespace FaceEmbeddings.Cli.Commands;

/// <summary><c>faceembed detect &lt;images…&gt; [--draw &lt;dir&gt;]</c>: every face's box and probability.</summary>
internal static class DetectCommand
{
    public static Command Create()
    {
        var images = new Argument<FileInfo[]>("images")
        {
            Description = "Image files (JPEG, PNG, WebP, BMP, GIF, ...).",
            Arity = ArgumentArity.OneOrMore,
        };
        var draw = new Option<DirectoryInfo?>("--draw")
        {
            Description = "Also write each image as <dir>/<name>.png with the boxes (red) and landmarks (green) drawn.",
            HelpName = "dir",
        };
        var pipeline = new PipelineOptions(embeds: false, cropGeometry: false);

        var command = new Command("detect", "Find every face (MTCNN) and print its box [x1, y1, x2, y2] in pixels and its probability.")
        {
            images,
            draw,
        };
        pipeline.AddTo(command);
        CommandAction.Set(command, async (parsed, cancellationToken) =>
        {
            FileInfo[] files = parsed.GetRequiredValue(images);
            string? drawTo = parsed.GetValue(draw)?.FullName;
            using var detector = await pipeline.CreateDetectorAsync(parsed, keepAll: true, encoder: null, cancellationToken).ConfigureAwait(false);

            var table = new Table().AddColumns("Image", "Face", "Probability", "x1", "y1", "x2", "y2");
            foreach (TableColumn column in table.Columns.Skip(1))
                column.RightAligned();
            int unreadable = await Terminal.WithProgressAsync("Detecting faces", async update =>
            {
                int failures = 0;
                for (int i = 0; i < files.Length; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (!await Task.Run(() => DetectOneAsync(detector, files[i], drawTo, table, cancellationToken), cancellationToken).ConfigureAwait(false))
                        failures++;
                    update(i + 1, files.Length);
                }
                return failures;
            }).ConfigureAwait(false);
            Terminal.Out.Write(table);

            if (unreadable > 0)
                throw new IOException($"{unreadable} of {files.Length} images could not be read (see the warnings above).");
        });
        return command;
    }

    /// <summary>Adds the faces of one image to the table (and draws them); false when the image cannot be read.</summary>
    private static async Task<bool> DetectOneAsync(MtcnnFaceDetector detector, FileInfo file, string? drawTo, Table table, CancellationToken cancellationToken)
    {
        if (ImageArguments.TryLoad(file) is not { } image)
            return false;

        using (image)
        {
            IReadOnlyList<DetectedFace> faces = detector.Detect(image);
            string name = Markup.Escape(file.ToString());
            if (faces.Count == 0)
                table.AddRow(name, "-", "no face", "", "", "", "");
            for (int i = 0; i < faces.Count; i++)
            {
                BoundingBox box = faces[i].Box;
                table.AddRow(name, i.ToString(CultureInfo.InvariantCulture), faces[i].Probability.ToString("0.000000", CultureInfo.InvariantCulture),
                    Pixels(box.X1), Pixels(box.Y1), Pixels(box.X2), Pixels(box.Y2));
            }
            if (drawTo is not null)
                await DetectionOverlay.SaveAsync(Path.Combine(drawTo, Path.GetFileNameWithoutExtension(file.Name) + ".png"), image, faces, cancellationToken)
                    .ConfigureAwait(false);
        }
        return true;
    }

    private static string Pixels(float value) => value.ToString("0.0", CultureInfo.InvariantCulture);
}
