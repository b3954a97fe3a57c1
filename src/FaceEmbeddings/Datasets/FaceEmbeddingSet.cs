using System.Globalization;
using System.Text;
using System.Text.Json;
using FaceEmbeddings.Audit;
using FaceEmbeddings.Detection;
using FaceEmbeddings.IO;
using FaceEmbeddings.Models.Checkpoints;
using static TorchSharp.torch;

namespace FaceEmbeddings.Datasets;

/// <summary>
/// An embedded dataset: its faces in order, with their labels, detections and embeddings, and the files that were
/// skipped. Written as safetensors (tensors plus JSON metadata) or CSV. Owns the faces' crops: dispose it to free them.
/// </summary>
public sealed class FaceEmbeddingSet : IDisposable
{
    /// <summary>The safetensors key of the N×D embedding matrix.</summary>
    public const string EmbeddingsKey = "embeddings";

    /// <summary>The safetensors key of the N×4 face boxes (x1, y1, x2, y2 in source pixels).</summary>
    public const string BoxesKey = "boxes";

    /// <summary>The safetensors key of the N face probabilities.</summary>
    public const string ProbabilitiesKey = "probabilities";

    /// <summary>The safetensors key of the N×5×2 landmarks (x, y in source pixels).</summary>
    public const string LandmarksKey = "landmarks";

    /// <summary>The safetensors metadata key of the faces' file paths (a JSON array, one per row).</summary>
    public const string PathsKey = "paths";

    /// <summary>The safetensors metadata key of the faces' labels (a JSON array of objects, one per row).</summary>
    public const string LabelsKey = "labels";

    /// <summary>The safetensors metadata key of the skipped files (a JSON array of <c>{path, reason, message}</c>).</summary>
    public const string SkippedKey = "skipped";

    internal FaceEmbeddingSet(string source, IReadOnlyList<string> labelKeys, IReadOnlyList<DatasetFace> faces, int embeddingSize,
        IReadOnlyList<SkippedImage> skipped)
    {
        Source = source;
        LabelKeys = labelKeys;
        Faces = faces;
        EmbeddingSize = embeddingSize;
        Skipped = skipped;
    }

    /// <summary>The dataset's folder or pattern.</summary>
    public string Source { get; }

    /// <summary>The label names every face has.</summary>
    public IReadOnlyList<string> LabelKeys { get; }

    /// <summary>The faces, in dataset order.</summary>
    public IReadOnlyList<DatasetFace> Faces { get; }

    /// <summary>Length D of each embedding.</summary>
    public int EmbeddingSize { get; }

    /// <summary>The files skipped, with the reason, in the order they were met.</summary>
    public IReadOnlyList<SkippedImage> Skipped { get; }

    /// <summary>The embeddings as a new N×D float32 tensor on the CPU, which the caller owns.</summary>
    public Tensor ToTensor()
    {
        var values = new float[Faces.Count * EmbeddingSize];
        for (int row = 0; row < Faces.Count; row++)
            Faces[row].EmbeddingValues!.AsSpan().CopyTo(values.AsSpan(row * EmbeddingSize, EmbeddingSize));
        return tensor(values, [Faces.Count, EmbeddingSize], ScalarType.Float32);
    }

    /// <summary>
    /// Each face's group when grouping by the labels <paramref name="keys"/>: their values joined as
    /// <see cref="BiasAudit.CombineGroups"/> joins them, e.g. <c>Black, female</c> for <c>race, gender</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="keys"/> is empty, or a key is not one of <see cref="LabelKeys"/>.</exception>
    public IReadOnlyList<string> GroupNames(IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
            throw new ArgumentException("Grouping needs at least one label name.", nameof(keys));
        foreach (string key in keys)
        {
            if (!LabelKeys.Contains(key, StringComparer.Ordinal))
                throw new ArgumentException(
                    $"Cannot group by '{key}': the labels are {(LabelKeys.Count == 0 ? "none" : string.Join(", ", LabelKeys.Select(k => $"'{k}'")))}.", nameof(keys));
        }
        return BiasAudit.CombineGroups(keys.Select(key => Faces.Select(face => face.Item.Labels[key]).ToList()).ToList());
    }

    /// <summary>
    /// Moves the kept crops into one N×3×S×S uint8 tensor (RGB, 0..255, as the images had them), freeing each float
    /// crop as it goes; the faces hold no crops afterwards. The caller owns the tensor.
    /// </summary>
    /// <exception cref="InvalidOperationException">A face has no crop (the set was made without
    /// <see cref="FaceDatasetOptions.KeepCrops"/>), or the set is empty.</exception>
    public Tensor TakeCrops()
    {
        if (Faces.Count == 0)
            throw new InvalidOperationException("The set has no faces, so no crops.");
        if (Faces.FirstOrDefault(face => face.Crop is null) is { } missing)
            throw new InvalidOperationException($"The face of '{missing.Item.Path}' has no crop: embed with FaceDatasetOptions.KeepCrops to keep them.");

        using var scope = NewDisposeScope();
        var bytes = new Tensor[Faces.Count];
        for (int i = 0; i < Faces.Count; i++)
        {
            using FaceCrop crop = Faces[i].DetachCrop()!;
            bytes[i] = crop.ToByteTensor(); // [3, S, S]
        }
        return stack(bytes).MoveToOuterDisposeScope();                   // [N, 3, S, S]
    }

    /// <summary>Writes the set to <paramref name="path"/>: safetensors for <c>.safetensors</c>, CSV for <c>.csv</c>.
    /// The file appears complete or not at all.</summary>
    /// <exception cref="ArgumentException">The extension is neither.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        switch (Path.GetExtension(path).ToUpperInvariant())
        {
            case ".SAFETENSORS":
                SaveSafeTensors(path);
                break;
            case ".CSV":
                SaveCsv(path);
                break;
            default:
                throw new ArgumentException($"Cannot write embeddings to '{path}': the file must end in .safetensors or .csv.", nameof(path));
        }
    }

    /// <summary>
    /// Writes the set as safetensors: <see cref="EmbeddingsKey"/> [N, D], <see cref="BoxesKey"/> [N, 4],
    /// <see cref="ProbabilitiesKey"/> [N] and <see cref="LandmarksKey"/> [N, 5, 2], all float32, with the paths,
    /// labels and skipped files as JSON in the metadata. The folder is created when missing.
    /// </summary>
    public void SaveSafeTensors(string path)
    {
        using var scope = NewDisposeScope();
        int count = Faces.Count;
        var boxes = new float[count * 4];
        var probabilities = new float[count];
        var landmarks = new float[count * 10];
        for (int row = 0; row < count; row++)
        {
            var face = Faces[row].Face;
            (boxes[row * 4], boxes[row * 4 + 1], boxes[row * 4 + 2], boxes[row * 4 + 3]) = (face.Box.X1, face.Box.Y1, face.Box.X2, face.Box.Y2);
            probabilities[row] = face.Probability;
            for (int point = 0; point < face.Landmarks.Count; point++)
                (landmarks[row * 10 + point * 2], landmarks[row * 10 + point * 2 + 1]) = (face.Landmarks[point].X, face.Landmarks[point].Y);
        }
        var tensors = new Dictionary<string, Tensor>
        {
            [EmbeddingsKey] = ToTensor(),
            [BoxesKey] = tensor(boxes, [count, 4], ScalarType.Float32),
            [ProbabilitiesKey] = tensor(probabilities, [count], ScalarType.Float32),
            [LandmarksKey] = tensor(landmarks, [count, 5, 2], ScalarType.Float32),
        };
        var metadata = new Dictionary<string, string>
        {
            ["source"] = Source,
            ["label_keys"] = JsonSerializer.Serialize(LabelKeys),
            [PathsKey] = JsonSerializer.Serialize(Faces.Select(face => face.Item.Path)),
            [LabelsKey] = JsonSerializer.Serialize(Faces.Select(face => face.Item.Labels.Pairs.ToDictionary(pair => pair.Key, pair => pair.Value))),
            [SkippedKey] = JsonSerializer.Serialize(Skipped.Select(skip => new Dictionary<string, string>
            {
                ["path"] = skip.Path,
                ["reason"] = skip.Reason.ToString(),
                ["message"] = skip.Message,
            })),
        };
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
            Directory.CreateDirectory(folder);
        SafeTensors.Save(path, tensors, metadata);
    }

    /// <summary>
    /// Writes the set as CSV (RFC 4180, invariant culture, values that round-trip): one row per face with
    /// <c>path</c>, the label columns, <c>face</c> (its index in the image), <c>probability</c>, the box
    /// <c>x1,y1,x2,y2</c>, then <c>e0</c> … <c>e{D−1}</c>.
    /// </summary>
    public void SaveCsv(string path)
    {
        var text = new StringBuilder();
        var header = new List<string> { "path" };
        header.AddRange(LabelKeys);
        header.AddRange(["face", "probability", "x1", "y1", "x2", "y2"]);
        header.AddRange(Enumerable.Range(0, EmbeddingSize).Select(i => "e" + i.ToString(CultureInfo.InvariantCulture)));
        AppendRow(text, header);

        foreach (DatasetFace face in Faces)
        {
            var row = new List<string> { face.Item.Path };
            row.AddRange(LabelKeys.Select(key => face.Item.Labels[key]));
            row.Add(face.FaceIndex.ToString(CultureInfo.InvariantCulture));
            var box = face.Face.Box;
            row.AddRange(new[] { face.Face.Probability, box.X1, box.Y1, box.X2, box.Y2 }.Select(Format));
            row.AddRange(face.EmbeddingValues!.Select(Format));
            AppendRow(text, row);
        }
        AtomicFile.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>Frees the crops the faces hold.</summary>
    public void Dispose()
    {
        foreach (DatasetFace face in Faces)
            face.Dispose();
    }

    private static string Format(float value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static void AppendRow(StringBuilder text, IEnumerable<string> fields)
    {
        text.AppendJoin(',', fields.Select(Quote));
        text.Append("\r\n");
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
