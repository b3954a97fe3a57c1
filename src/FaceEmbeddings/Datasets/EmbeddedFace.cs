using FaceEmbeddings.Detection;

namespace FaceEmbeddings.Datasets;

/// <summary>One face of a <see cref="FaceEmbeddingSet"/>: where it comes from and where it was found. Its embedding is
/// the same row of <see cref="FaceEmbeddingSet.Embeddings"/>.</summary>
/// <param name="Item">The image and its labels.</param>
/// <param name="FaceIndex">Which face of the image this is (see <see cref="DatasetFace.FaceIndex"/>).</param>
/// <param name="Face">The detection: box, probability and landmarks in source pixels.</param>
public sealed record EmbeddedFace(FaceDatasetItem Item, int FaceIndex, DetectedFace Face);
