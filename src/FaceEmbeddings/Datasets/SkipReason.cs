namespace FaceEmbeddings.Datasets;

/// <summary>Why a <see cref="FaceDataset"/> left a file out.</summary>
public enum SkipReason
{
    /// <summary>The file's name or place does not give its labels (a UTKFace name that does not parse, an image
    /// outside any label folder).</summary>
    InvalidLabels,

    /// <summary>The file could not be read or decoded as an image.</summary>
    Unreadable,

    /// <summary>The detector found no face in the image.</summary>
    NoFace,
}
