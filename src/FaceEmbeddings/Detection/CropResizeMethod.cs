namespace FaceEmbeddings.Detection;

/// <summary>How a face crop is resized to <see cref="MtcnnOptions.ImageSize"/>.</summary>
public enum CropResizeMethod
{
    /// <summary>PIL's bilinear resize, which widens its filter when shrinking (an antialiased resize), with
    /// PIL's fixed-point arithmetic: what facenet-pytorch does for PIL images.</summary>
    Bilinear,

    /// <summary>Area interpolation (<c>F.interpolate(mode="area")</c>) truncated to whole grey levels: what
    /// facenet-pytorch does for tensor inputs.</summary>
    Area,
}
