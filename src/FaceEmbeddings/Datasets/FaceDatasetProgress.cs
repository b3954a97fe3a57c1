namespace FaceEmbeddings.Datasets;

/// <summary>How far processing a <see cref="FaceDataset"/> has come.</summary>
/// <param name="Completed">Files handled so far: embedded, detected or skipped.</param>
/// <param name="Total">All files of the dataset, <see cref="FaceDataset.Rejected"/> ones included.</param>
/// <param name="Faces">Faces produced so far.</param>
/// <param name="Skipped">Files skipped so far.</param>
/// <param name="LastSkipped">The file this report announces as skipped, or null when the report only counts progress.
/// Every skipped file is announced by exactly one report.</param>
public sealed record FaceDatasetProgress(int Completed, int Total, int Faces, int Skipped, SkippedImage? LastSkipped);
