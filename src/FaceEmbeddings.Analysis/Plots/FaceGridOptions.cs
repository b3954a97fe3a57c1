namespace FaceEmbeddings.Plots;

/// <summary>Layout of a <see cref="FaceGrid"/>; the defaults are torchvision's <c>make_grid</c> defaults.</summary>
public sealed record FaceGridOptions
{
    /// <summary>Images per row (torchvision's <c>nrow</c>); 8 unless set.</summary>
    public int ImagesPerRow { get; init; } = 8;

    /// <summary>Pixels of padding around every image; 2 unless set.</summary>
    public int Padding { get; init; } = 2;

    /// <summary>The grey level (0..255, on all three channels) of the padding and of empty slots; 0 (black) unless set.</summary>
    public byte PadValue { get; init; }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    public void Validate() => Validate("options");

    internal void Validate(string parameterName)
    {
        if (ImagesPerRow < 1) throw new ArgumentException($"ImagesPerRow must be at least 1; got {ImagesPerRow}.", parameterName);
        if (Padding is < 0 or > 1024) throw new ArgumentException($"Padding must be between 0 and 1024 pixels; got {Padding}.", parameterName);
    }
}
