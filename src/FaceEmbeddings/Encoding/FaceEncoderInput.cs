using FaceEmbeddings.Detection;

namespace FaceEmbeddings.Encoding;

/// <summary>
/// What an encoder expects of its face crops: how a detector should cut them (<see cref="Size"/>, <see cref="Margin"/>)
/// and how the encoder normalizes their 0..255 RGB values before its network (<c>(x − mean) / divisor</c>). A detector
/// set up with <see cref="ApplyTo"/> produces crops the encoder takes as they are; the encoder converts standardized
/// crops (<see cref="FaceCrop.IsStandardized"/>) to its own normalization itself.
/// </summary>
/// <param name="Size">Side of the square crop the network was trained on, in pixels.</param>
/// <param name="Margin">Margin around the detector's face box, in pixels of the crop, as <see cref="MtcnnOptions.Margin"/>
/// counts it (<c>Margin × box side / (Size − Margin)</c> source pixels in all).</param>
/// <param name="MeanRgb">The per-channel means (R, G, B) subtracted from 0..255 pixel values.</param>
/// <param name="Divisor">What the centred values are divided by.</param>
public sealed record FaceEncoderInput(int Size, int Margin, IReadOnlyList<float> MeanRgb, float Divisor)
{
    /// <summary><paramref name="options"/> with the crop size and margin this encoder expects; its other settings are kept.</summary>
    public MtcnnOptions ApplyTo(MtcnnOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options with { ImageSize = Size, Margin = Margin };
    }
}
