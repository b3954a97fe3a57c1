namespace FaceEmbeddings.Datasets;

/// <summary>One image of a <see cref="FaceDataset"/>: where it is and how it is labelled.</summary>
/// <param name="Path">The full path of the image file.</param>
/// <param name="Labels">Its labels.</param>
public sealed record FaceDatasetItem(string Path, FaceLabels Labels);
