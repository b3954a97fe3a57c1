namespace FaceEmbeddings.Imaging;

/// <summary>How <see cref="FaceImage.Load(string, FaceImageOptions?)"/> decodes an image.</summary>
public sealed record FaceImageOptions
{
    /// <summary>The defaults: EXIF orientation applied, at most 100 megapixels.</summary>
    public static FaceImageOptions Default { get; } = new();

    /// <summary>
    /// Rotate and flip the pixels as the EXIF orientation tag says, so that the image is upright as
    /// viewers show it (default true). facenet-pytorch with PIL ignores the tag; set false to see the
    /// pixels exactly as stored, as it does.
    /// </summary>
    public bool ApplyExifOrientation { get; init; } = true;

    /// <summary>
    /// The largest image accepted, in pixels (width × height, default 100,000,000). Larger images are
    /// refused from their header, before any pixel is decoded, so a hostile file cannot exhaust memory.
    /// </summary>
    public long MaxPixels { get; init; } = 100_000_000;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="MaxPixels"/> is below 1.</exception>
    public void Validate()
    {
        if (MaxPixels < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxPixels), MaxPixels, "MaxPixels must be at least 1.");
    }
}
