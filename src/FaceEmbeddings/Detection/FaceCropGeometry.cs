using System.Globalization;

namespace FaceEmbeddings.Detection;

/// <summary>
/// How a face crop is cut: a square of <see cref="Size"/> pixels, either the detector's box widened by
/// <see cref="Margin"/> (facenet-pytorch's crop, when <see cref="Alignment"/> is null) or a chip aligned to a template
/// face through the five landmarks. An encoder states the geometry it was trained on (<c>IFaceEncoder.Input</c>) and
/// every pipeline cuts its crops that way; galleries record <see cref="Name"/> so that embeddings of crops cut another
/// way are never mixed with theirs.
/// </summary>
/// <param name="Size">Side of the square crop in pixels.</param>
/// <param name="Margin">For unaligned crops, the margin around the box in pixels of the crop, as
/// <see cref="MtcnnOptions.Margin"/> counts it; ignored by aligned crops.</param>
/// <param name="Alignment">The template the landmarks are aligned to, or null for unaligned box crops.</param>
public sealed record FaceCropGeometry(int Size, int Margin = 0, FaceAlignment? Alignment = null)
{
    /// <summary>What galleries record for unaligned crops (and assume for galleries saved before geometries were recorded).</summary>
    public const string UnalignedName = "unaligned";

    /// <summary>
    /// The geometry's name as galleries record it: <c>unaligned</c> for box crops, else the alignment, size and padding,
    /// e.g. <c>dlib-mean-face-150px-pad0.25</c>.
    /// </summary>
    public string Name => Alignment is null
        ? UnalignedName
        : $"{Alignment.Name}-{Size.ToString(CultureInfo.InvariantCulture)}px-pad{Alignment.Padding.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>This geometry without alignment: the box crop of the same size and margin.</summary>
    public FaceCropGeometry Unaligned() => this with { Alignment = null };

    /// <summary>Checks the geometry.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is below 1, or the margin is negative or not below the size.</exception>
    public void Validate()
    {
        if (Size < 1)
            throw new ArgumentOutOfRangeException(nameof(Size), Size, "A crop must be at least 1 pixel wide.");
        if (Margin < 0 || Margin >= Size)
            throw new ArgumentOutOfRangeException(nameof(Margin), Margin, $"Margin must be at least 0 and below the crop size ({Size}).");
    }

    /// <summary>"150×150 chip aligned to dlib-mean-face (padding 0.25)" or "160×160 box crop, margin 0".</summary>
    public override string ToString() => Alignment is null
        ? $"{Size}×{Size} box crop, margin {Margin}"
        : $"{Size}×{Size} chip aligned to {Alignment}";
}
