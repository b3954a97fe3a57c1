using FaceEmbeddings.Detection;

namespace FaceEmbeddings.Datasets;

/// <summary>
/// One face found in a dataset image: the item it comes from, the detection, its embedding (when the dataset was
/// embedded) and its crop (when kept). Owns the crop: dispose the face, or the <see cref="FaceEmbeddingSet"/>
/// holding it, to free it.
/// </summary>
public sealed class DatasetFace : IDisposable
{
    internal DatasetFace(FaceDatasetItem item, int faceIndex, DetectedFace face, float[]? embedding, FaceCrop? crop)
    {
        Item = item;
        FaceIndex = faceIndex;
        Face = face;
        EmbeddingValues = embedding;
        Crop = crop;
    }

    /// <summary>The image and its labels.</summary>
    public FaceDatasetItem Item { get; }

    /// <summary>Which face of the image this is: 0 for the only (selected) face, or the position among all faces,
    /// largest first, when the detector keeps all.</summary>
    public int FaceIndex { get; }

    /// <summary>The detection: box, probability and landmarks in source pixels.</summary>
    public DetectedFace Face { get; }

    /// <summary>The embedding (L2-normalized for FaceNet), or null when the dataset was only detected.</summary>
    public IReadOnlyList<float>? Embedding => EmbeddingValues;

    /// <summary>The embedding's array, for copying into a tensor without going element by element.</summary>
    internal float[]? EmbeddingValues { get; }

    /// <summary>The crop the embedding was computed from, or null when it was not kept.</summary>
    public FaceCrop? Crop { get; private set; }

    /// <summary>Hands the crop over to the caller, who then owns and disposes it; null when there is none.</summary>
    public FaceCrop? DetachCrop()
    {
        FaceCrop? crop = Crop;
        Crop = null;
        return crop;
    }

    /// <summary>Frees the crop, if kept.</summary>
    public void Dispose()
    {
        Crop?.Dispose();
        Crop = null;
    }
}
