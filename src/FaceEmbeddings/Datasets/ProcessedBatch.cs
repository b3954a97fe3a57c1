using FaceEmbeddings.Detection;
using static TorchSharp.torch;

namespace FaceEmbeddings.Datasets;

/// <summary>
/// One batch of a <see cref="FaceDataset"/> run: its faces in order, their crops (row for row) and, when embedded,
/// their B×D embeddings. Owns the crops and the embeddings until handed on.
/// </summary>
internal sealed class ProcessedBatch : IDisposable
{
    private Tensor? embeddings;

    /// <summary>Takes ownership of <paramref name="crops"/> and <paramref name="embeddings"/>.</summary>
    public ProcessedBatch(IReadOnlyList<EmbeddedFace> faces, FaceCropBatch crops, Tensor? embeddings)
    {
        Faces = faces;
        Crops = crops;
        this.embeddings = embeddings?.DetachFromDisposeScope();
    }

    /// <summary>The faces, in dataset order.</summary>
    public IReadOnlyList<EmbeddedFace> Faces { get; }

    /// <summary>The crop of each face, row for row with <see cref="Faces"/>.</summary>
    public FaceCropBatch Crops { get; }

    /// <summary>Hands the B×D embeddings (null when the batch was only detected, or has no face) to the caller.</summary>
    public Tensor? TakeEmbeddings()
    {
        Tensor? embeddings = this.embeddings;
        this.embeddings = null;
        return embeddings;
    }

    /// <summary>
    /// Hands everything over as one <see cref="DatasetFace"/> per face, each owning its embedding row and, where
    /// <paramref name="keepCrop"/> says so, its crop; the other crops are freed.
    /// </summary>
    public DatasetFace[] ToDatasetFaces(Func<FaceDatasetItem, bool> keepCrop)
    {
        FaceCrop[] crops = Crops.Release().SelectMany(ofImage => ofImage).ToArray();
        using Tensor? embeddings = TakeEmbeddings();
        var faces = new DatasetFace[crops.Length];
        int made = 0;
        try
        {
            for (; made < crops.Length; made++)
            {
                EmbeddedFace face = Faces[made];
                bool keep = keepCrop(face.Item);
                // A row is a view: it keeps the batch's storage alive until the last face using it is disposed.
                faces[made] = new DatasetFace(face.Item, face.FaceIndex, face.Face, embeddings?[made], keep ? crops[made] : null);
                if (!keep) crops[made].Dispose();
            }
        }
        catch
        {
            foreach (DatasetFace done in faces.Take(made)) done.Dispose();
            foreach (FaceCrop crop in crops.Skip(made)) crop.Dispose();
            throw;
        }
        return faces;
    }

    /// <summary>Frees what was not handed over.</summary>
    public void Dispose()
    {
        Crops.Dispose();
        embeddings?.Dispose();
    }
}
