using FaceEmbeddings.Detection;

namespace FaceEmbeddings.Encoding;

/// <summary>
/// What an encoder expects of its face crops: the geometry it was trained on (<see cref="Crop"/>: size, margin or
/// alignment), which every pipeline asks of the detector, and how the encoder normalizes their 0..255 RGB values before
/// its network (<c>(x − mean) / divisor</c>). The encoder converts standardized crops
/// (<see cref="FaceCrop.IsStandardized"/>) to its own normalization itself.
/// </summary>
/// <param name="Crop">How the crops are cut.</param>
/// <param name="MeanRgb">The per-channel means (R, G, B) subtracted from 0..255 pixel values.</param>
/// <param name="Divisor">What the centred values are divided by.</param>
public sealed record FaceEncoderInput(FaceCropGeometry Crop, IReadOnlyList<float> MeanRgb, float Divisor)
{
    /// <summary>Side of the square crop the network was trained on, in pixels.</summary>
    public int Size => Crop.Size;

    /// <summary>Margin of unaligned crops around the detector's box, in pixels of the crop (<see cref="MtcnnOptions.Margin"/>).</summary>
    public int Margin => Crop.Margin;

    /// <summary>The template crops are aligned to, or null for unaligned box crops.</summary>
    public FaceAlignment? Alignment => Crop.Alignment;

    /// <summary>
    /// The crops a pipeline cuts for this encoder with a detector set up for <paramref name="detectorGeometry"/>: the
    /// detector's own when its alignment is the encoder's (so a chosen size or margin is kept), else <see cref="Crop"/>.
    /// </summary>
    /// <param name="detectorGeometry">What the detector cuts by itself; null when it does not say.</param>
    public FaceCropGeometry CropFor(FaceCropGeometry? detectorGeometry) =>
        detectorGeometry is not null && Equals(detectorGeometry.Alignment, Crop.Alignment) ? detectorGeometry : Crop;

    /// <summary><paramref name="options"/> with the crop size, margin and alignment this encoder expects; its other settings are kept.</summary>
    public MtcnnOptions ApplyTo(MtcnnOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options with { ImageSize = Crop.Size, Margin = Crop.Margin, Alignment = Crop.Alignment };
    }
}
