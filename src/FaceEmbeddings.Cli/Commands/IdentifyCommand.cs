using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FaceEmbeddings.Detection;
using FaceEmbeddings.Recognition;
using Spectre.Console;

namespace FaceEmbeddings.Cli.Commands;

/// <summary><c>faceembed identify &lt;images…&gt; --gallery &lt;file&gt;</c>: who is each face?</summary>
internal static class IdentifyCommand
{
    public static Command Create()
    {
        var images = new Argument<FileInfo[]>("images") { Description = "Image files (JPEG, PNG, WebP, BMP, GIF, ...).", Arity = ArgumentArity.OneOrMore };
        var gallery = new GalleryOptions();
        var top = new Option<int>("--top") { Description = "How many people to list per face, nearest first.", DefaultValueFactory = _ => 1 };
        top.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError($"--top must be at least 1; got {result.GetValueOrDefault<int>()}.");
        });
        var threshold = ThresholdOption("people farther away are not listed, and a face with no one nearer is 'unknown'");
        var json = new Option<bool>("--json") { Description = "Write JSON instead of a table." };
        var pipeline = new PipelineOptions(embeds: true, cropGeometry: false);

        var command = new Command("identify", "Find every face in each image (MTCNN), embed it (the --encoder) and name the nearest people of the gallery.")
        {
            images, top, threshold, json,
        };
        gallery.AddTo(command);
        pipeline.AddTo(command);
        CommandAction.Set(command, async (parsed, cancellationToken) =>
        {
            FileInfo[] files = parsed.GetRequiredValue(images);
            using var encoder = await pipeline.CreateEncoderAsync(parsed, cancellationToken).ConfigureAwait(false);
            using OpenedGallery opened = await gallery.OpenAsync(parsed, null, encoder.Device, cancellationToken).ConfigureAwait(false);
            GalleryDescriptor stored = opened.Gallery.Descriptor;
            GalleryDescriptor expected = pipeline.SourceOf(parsed).GalleryDescriptorFor(encoder, stored.Metric);
            if (expected != stored)
                throw new GalleryDescriptorMismatchException(opened.Location, expected, stored);
            double? cutOff = ThresholdFor(parsed.GetValue(threshold), stored, "people are listed without a cut-off, never as unknown");
            using var detector = await pipeline.CreateDetectorAsync(parsed, keepAll: true, encoder, cancellationToken).ConfigureAwait(false);
            var identifier = new FaceIdentifier(encoder, opened.Gallery, new GallerySearchOptions { TopK = parsed.GetValue(top), Threshold = cutOff }, detector);

            var results = new List<ImageResult>();
            int unreadable = 0;
            foreach (FileInfo file in files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ImageResult? result = await IdentifyOneAsync(file, identifier, cancellationToken).ConfigureAwait(false);
                if (result is null) unreadable++;
                else results.Add(result);
            }
            Write(results, cutOff, parsed.GetValue(json));
            if (unreadable > 0)
                throw new IOException($"{unreadable} of {files.Length} images could not be read (see the warnings above).");
        });
        return command;
    }

    /// <summary><c>--threshold</c>, shared with <c>verify</c>.</summary>
    public static Option<double?> ThresholdOption(string effect)
    {
        var option = new Option<double?>("--threshold")
        {
            Description = $"Distance threshold: {effect}. Default: the model's published threshold where one exists.",
            HelpName = "distance",
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is { } value && !(value > 0 && double.IsFinite(value)))
                result.AddError($"--threshold must be a positive distance; got {value.ToString(CultureInfo.InvariantCulture)}.");
        });
        return option;
    }

    /// <summary>The threshold given, else the model's published one (announced), else null with a warning saying what follows.</summary>
    public static double? ThresholdFor(double? given, GalleryDescriptor descriptor, string withoutOne)
    {
        if (given is not null) return given;
        if (VerificationThreshold.ForModel(descriptor.Model, descriptor.Metric) is { } known)
        {
            Terminal.Info($"Threshold {known.Distance.ToString(CultureInfo.InvariantCulture)} ({known.Metric}): {known.Source}.");
            return known.Distance;
        }
        Terminal.Warning($"no published {descriptor.Metric} threshold for model '{descriptor.Model}': {withoutOne} (pass --threshold; "
            + "ThresholdCalibration picks one from labelled faces).");
        return null;
    }

    private static async Task<ImageResult?> IdentifyOneAsync(FileInfo file, FaceIdentifier identifier, CancellationToken cancellationToken)
    {
        if (ImageArguments.TryLoad(file) is not { } image)
            return null;
        using (image)
        {
            IReadOnlyList<IdentifiedFace> faces = await Task.Run(() => identifier.IdentifyAsync(image, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (faces.Count == 0)
                Terminal.Warning($"no face found in {file}.");
            return new ImageResult(file.ToString(), faces);
        }
    }

    private static void Write(IReadOnlyList<ImageResult> results, double? threshold, bool json)
    {
        if (json)
        {
            Terminal.Result(JsonSerializer.Serialize(new
            {
                threshold,
                images = results.Select(image => new
                {
                    image = image.Path,
                    faces = image.Faces.Select(face => new
                    {
                        box = new[] { face.Face.Box.X1, face.Face.Box.Y1, face.Face.Box.X2, face.Face.Box.Y2 },
                        probability = face.Face.Probability,
                        unknown = face.Result.IsUnknown,
                        matches = face.Result.Matches.Select(match => new { identity = match.Identity, distance = match.Distance, faceId = match.FaceId }),
                    }),
                }),
            }));
            return;
        }
        var table = new Table().AddColumns("Image", "Face", "Box", "Identity", "Distance");
        table.Columns[1].RightAligned();
        table.Columns[4].RightAligned();
        foreach (ImageResult image in results)
        {
            for (int f = 0; f < image.Faces.Count; f++)
            {
                IdentifiedFace face = image.Faces[f];
                BoundingBox box = face.Face.Box;
                string where = string.Create(CultureInfo.InvariantCulture, $"{box.X1:0},{box.Y1:0},{box.X2:0},{box.Y2:0}");
                if (face.Result.IsUnknown)
                    table.AddRow(Markup.Escape(image.Path), $"{f}", where, "[yellow]unknown[/]", "");
                foreach (IdentityMatch match in face.Result.Matches)
                    table.AddRow(Markup.Escape(image.Path), $"{f}", where, Markup.Escape(match.Identity), match.Distance.ToString("0.0000", CultureInfo.InvariantCulture));
            }
        }
        Terminal.Out.Write(table);
    }

    private sealed record ImageResult(string Path, IReadOnlyList<IdentifiedFace> Faces);
}
