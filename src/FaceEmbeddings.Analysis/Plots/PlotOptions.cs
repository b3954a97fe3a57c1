namespace FaceEmbeddings.Plots;

/// <summary>Size and title of a chart written as PNG.</summary>
public sealed record PlotOptions
{
    /// <summary>The largest width or height accepted, in pixels (Skia's own limit is far larger; this keeps files sane).</summary>
    public const int MaxSide = 16_384;

    /// <summary>Image width in pixels; 800 unless set.</summary>
    public int Width { get; init; } = 800;

    /// <summary>Image height in pixels; 600 unless set.</summary>
    public int Height { get; init; } = 600;

    /// <summary>The chart's title; <c>null</c> for the chart's own default title.</summary>
    public string? Title { get; init; }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">The width or height is outside 64 to <see cref="MaxSide"/> pixels.</exception>
    public void Validate() => Validate("options");

    internal void Validate(string parameterName)
    {
        if (Width is < 64 or > MaxSide || Height is < 64 or > MaxSide)
            throw new ArgumentException($"Plot size must be between 64 and {MaxSide} pixels on each side; got {Width}×{Height}.", parameterName);
    }
}
