using FaceEmbeddings.IO;
using static TorchSharp.torch;

namespace FaceEmbeddings.Datasets;

/// <summary>
/// An embedded dataset: its faces in order, with their labels and detections, their embeddings as one N×D tensor on
/// the encoder's device, the crops kept for a face grid, and the files that were skipped. Written as safetensors
/// (tensors plus JSON metadata) or CSV by <see cref="SaveAsync"/>. Owns <see cref="Embeddings"/> and
/// <see cref="Crops"/> (detached from any dispose scope): dispose the set to free them.
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

    /// <summary>Takes ownership of <paramref name="embeddings"/> and <paramref name="crops"/>, detaching them from their dispose scope.</summary>
    internal FaceEmbeddingSet(string source, IReadOnlyList<string> labelKeys, IReadOnlyList<EmbeddedFace> faces, Tensor embeddings,
        IReadOnlyList<SkippedImage> skipped, Tensor? crops, IReadOnlyList<int> cropRows)
    {
        Source = source;
        LabelKeys = labelKeys;
        Faces = faces;
        Embeddings = embeddings.DetachFromDisposeScope();
        Skipped = skipped;
        Crops = crops?.DetachFromDisposeScope();
        CropRows = cropRows;
    }

    /// <summary>The dataset's folder or pattern.</summary>
    public string Source { get; }

    /// <summary>The label names every face has.</summary>
    public IReadOnlyList<string> LabelKeys { get; }

    /// <summary>The faces, in dataset order; face i's embedding is row i of <see cref="Embeddings"/>.</summary>
    public IReadOnlyList<EmbeddedFace> Faces { get; }

    /// <summary>The N×D embeddings, row for row with <see cref="Faces"/>, on the encoder's device.</summary>
    public Tensor Embeddings { get; }

    /// <summary>Length D of each embedding.</summary>
    public int EmbeddingSize => (int)Embeddings.shape[1];

    /// <summary>The files skipped, with the reason, in the order they were met.</summary>
    public IReadOnlyList<SkippedImage> Skipped { get; }

    /// <summary>
    /// The crops <see cref="FaceDatasetOptions.KeepCrop"/> kept, as one M×3×S×S uint8 tensor (RGB, 0..255, as the images
    /// had them) on the CPU, in dataset order; null when none was kept. Crop i belongs to face <see cref="CropRows"/>[i].
    /// </summary>
    public Tensor? Crops { get; }

    /// <summary>For each of <see cref="Crops"/>, the row of its face in <see cref="Faces"/> and <see cref="Embeddings"/>.</summary>
    public IReadOnlyList<int> CropRows { get; }

    /// <summary>
    /// Each face's group when grouping by the labels <paramref name="keys"/>: their values joined as
    /// <see cref="GroupLabels.Combine"/> joins them, e.g. <c>Black, female</c> for <c>race, gender</c>.
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
        return GroupLabels.Combine(keys.Select(key => Faces.Select(face => face.Item.Labels[key]).ToList()).ToList());
    }

    /// <summary>
    /// Writes the set to <paramref name="path"/>. <c>.safetensors</c>: <see cref="EmbeddingsKey"/> [N, D],
    /// <see cref="BoxesKey"/> [N, 4], <see cref="ProbabilitiesKey"/> [N] and <see cref="LandmarksKey"/> [N, 5, 2], all
    /// float32, with the paths, labels and skipped files as JSON in the metadata. <c>.csv</c> (RFC 4180, invariant
    /// culture, values that round-trip): one row per face with <c>path</c>, the label columns, <c>face</c> (its index in
    /// the image), <c>probability</c>, the box <c>x1,y1,x2,y2</c>, then <c>e0</c> … <c>e{D−1}</c>. The folder is
    /// created when missing; the file appears complete or not at all.
    /// </summary>
    /// <exception cref="ArgumentException">The extension is neither.</exception>
    public Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] content = Path.GetExtension(path).ToUpperInvariant() switch
        {
            ".SAFETENSORS" => EmbeddingSetSafeTensors.Encode(this),
            ".CSV" => EmbeddingSetCsv.Encode(this),
            _ => throw new ArgumentException($"Cannot write embeddings to '{path}': the file must end in .safetensors or .csv.", nameof(path)),
        };
        return AtomicFile.WriteAllBytesAsync(path, content, cancellationToken);
    }

    /// <summary>Frees the embeddings and the crops.</summary>
    public void Dispose()
    {
        Embeddings.Dispose();
        Crops?.Dispose();
    }
}
