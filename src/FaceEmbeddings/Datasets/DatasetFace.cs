using FaceEmbeddings.Detection;
using static TorchSharp.torch;

namespace FaceEmbeddings.Datasets;

/// <summary>
/// One face found in a dataset image, as <see cref="FaceDataset.EmbedAsync"/> and <see cref="FaceDataset.DetectAsync"/>
/// stream them: the item it comes from, the detection, its embedding (when the dataset was embedded) and its crop (when
/// kept). Owns the embedding and the crop (detached from any dispose scope): dispose the face to free them.
/// </summary>
public sealed class DatasetFace : IDisposable
{
    internal DatasetFace(FaceDatasetItem item, int faceIndex, DetectedFace face, Tensor? embedding, FaceCrop? crop)
    {
        Item = item;
        FaceIndex = faceIndex;
        Face = face;
        Embedding = embedding?.DetachFromDisposeScope();
        Crop = crop;
    }

    /// <summary>The image and its labels.</summary>
    public FaceDatasetItem Item { get; }

    /// <summary>Which face of the image this is: 0 for the only (selected) face, or the position among all faces,
    /// largest first, when the detector keeps all.</summary>
    public int FaceIndex { get; }

    /// <summary>The detection: box, probability and landmarks in source pixels.</summary>
    public DetectedFace Face { get; }

    /// <summary>The embedding, D values on the encoder's device (L2-normalized for FaceNet), or null when the dataset
    /// was only detected.</summary>
    public Tensor? Embedding { get; }

    /// <summary>The crop the face was cut as, or null when it was not kept (see <see cref="FaceDatasetOptions.KeepCrop"/>).</summary>
    public FaceCrop? Crop { get; }

    /// <summary>Frees the embedding and the crop.</summary>
    public void Dispose()
    {
        Embedding?.Dispose();
        Crop?.Dispose();
    }
}
