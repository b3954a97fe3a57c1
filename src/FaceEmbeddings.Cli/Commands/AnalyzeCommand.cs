using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FaceEmbeddings.Attributes;
using FaceEmbeddings.Datasets;
using FaceEmbeddings.Detection;
using Spectre.Console;

namespace FaceEmbeddings.Cli.Commands;

/// <summary><c>faceembed analyze &lt;images…|folder&gt; [--json]</c>: apparent age, gender and expression of every face.</summary>
internal static class AnalyzeCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("images")
        {
            Description = "Image files (JPEG, PNG, WebP, BMP, GIF, ...) or folders of them.",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<bool>("--json")
        {
            Description = "Print a JSON array, one object per face (image, face, box, age in years, gender \"male\"/\"female\", "
                + "genderProbability, expressions), instead of a table.",
        };
        var pipeline = new PipelineOptions(embeds: false, cropGeometry: false);

        var command = new Command("analyze",
            "Find every face (MTCNN) and predict its apparent age, apparent gender and expression with face-api's networks. "
            + "Estimates from appearance with measured group biases: not for decisions about people.")
        {
            inputs,
            json,
        };
        pipeline.AddTo(command);
        CommandAction.Set(command, async (parsed, cancellationToken) =>
        {
            List<FileInfo> files = Expand(parsed.GetRequiredValue(inputs));
            using FaceAnalyzer analyzer = await pipeline.CreateAnalyzerAsync(parsed, cancellationToken).ConfigureAwait(false);
            using var detector = await pipeline.CreateDetectorAsync(parsed, keepAll: true, analyzer.Input, cancellationToken).ConfigureAwait(false);

            var faces = new List<AnalyzedFace>();
            int unreadable = await Terminal.WithProgressAsync("Analyzing faces", async update =>
            {
                int failures = 0;
                for (int i = 0; i < files.Count; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    FileInfo file = files[i];
                    List<AnalyzedFace>? found = await Task.Run(() => AnalyzeOne(detector, analyzer, file), cancellationToken).ConfigureAwait(false);
                    if (found is null) failures++;
                    else faces.AddRange(found);
                    update(i + 1, files.Count);
                }
                return failures;
            }).ConfigureAwait(false);

            if (parsed.GetValue(json)) Terminal.Result(ToJson(faces));
            else Terminal.Out.Write(ToTable(faces, files));
            if (unreadable > 0)
                throw new IOException($"{unreadable} of {files.Count} images could not be read (see the warnings above).");
        });
        return command;
    }

    /// <summary>One face found in an image, with what the networks predict for it.</summary>
    private sealed record AnalyzedFace(string Image, int Face, BoundingBox Box, FaceAttributes Attributes);

    /// <summary>The files named, with each folder replaced by its images (not its subfolders').</summary>
    private static List<FileInfo> Expand(string[] paths)
    {
        var files = new List<FileInfo>();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                IReadOnlyList<FaceDatasetItem> images = FaceDataset.FromFolder(path, recursive: false).Items;
                if (images.Count == 0)
                    throw new UsageException($"The folder '{Path.GetFullPath(path)}' holds no images.");
                files.AddRange(images.Select(image => new FileInfo(image.Path)));
            }
            else
            {
                files.Add(new FileInfo(path));
            }
        }
        return files;
    }

    /// <summary>The faces of one image and their attributes; null when the image cannot be read.</summary>
    private static List<AnalyzedFace>? AnalyzeOne(MtcnnFaceDetector detector, FaceAnalyzer analyzer, FileInfo file)
    {
        if (ImageArguments.TryLoad(file) is not { } image)
            return null;
        using (image)
        {
            IReadOnlyList<DetectedFace> faces = detector.Detect(image);
            IReadOnlyList<FaceAttributes> attributes = analyzer.Analyze(image, faces);
            return [.. attributes.Select((a, i) => new AnalyzedFace(file.ToString(), i, faces[i].Box, a))];
        }
    }

    private static Table ToTable(List<AnalyzedFace> faces, List<FileInfo> files)
    {
        var table = new Table().AddColumns("Image", "Face", "x1", "y1", "x2", "y2", "Age", "Gender", "Probability", "Expression");
        foreach (TableColumn column in table.Columns.Skip(1))
            column.RightAligned();
        var withFaces = faces.Select(face => face.Image).ToHashSet(StringComparer.Ordinal);
        foreach (FileInfo file in files)
        {
            if (!withFaces.Contains(file.ToString()))
                table.AddRow(Markup.Escape(file.ToString()), "-", "", "", "", "", "", "no face", "", "");
            foreach (AnalyzedFace face in faces.Where(f => f.Image == file.ToString()))
            {
                FaceAttributes a = face.Attributes;
                table.AddRow(Markup.Escape(face.Image), Format(face.Face, "0"), Format(face.Box.X1, "0.0"), Format(face.Box.Y1, "0.0"),
                    Format(face.Box.X2, "0.0"), Format(face.Box.Y2, "0.0"), Format(a.Age, "0.0"), Name(a.Gender),
                    Format(a.GenderProbability, "0.000"), Name(a.Expressions.Dominant));
            }
        }
        return table;
    }

    private static string ToJson(List<AnalyzedFace> faces)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            foreach (AnalyzedFace face in faces)
            {
                FaceAttributes a = face.Attributes;
                writer.WriteStartObject();
                writer.WriteString("image", face.Image);
                writer.WriteNumber("face", face.Face);
                writer.WriteStartArray("box");
                foreach (float value in new[] { face.Box.X1, face.Box.Y1, face.Box.X2, face.Box.Y2 }) writer.WriteNumberValue(value);
                writer.WriteEndArray();
                writer.WriteNumber("age", a.Age);
                writer.WriteString("gender", Name(a.Gender));
                writer.WriteNumber("genderProbability", a.GenderProbability);
                writer.WriteString("expression", Name(a.Expressions.Dominant));
                writer.WriteStartObject("expressions");
                foreach (FaceExpression expression in FaceExpressions.All) writer.WriteNumber(Name(expression), a.Expressions[expression]);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>face-api's lower-case names: "male", "female", "happy", ….</summary>
    private static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
