namespace FaceEmbeddings.Datasets;

/// <summary>A file a <see cref="FaceDataset"/> left out, and why.</summary>
/// <param name="Path">The full path of the file.</param>
/// <param name="Reason">The kind of problem.</param>
/// <param name="Message">What was wrong, in a sentence that names the file.</param>
public sealed record SkippedImage(string Path, SkipReason Reason, string Message);
