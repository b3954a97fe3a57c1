using FaceEmbeddings.Imaging;

namespace FaceEmbeddings.Detection;

/// <summary>An image given to a call that needs a face in it holds none the detector found.</summary>
public sealed class NoFaceFoundException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="image">The image without a face, as the caller passed it.</param>
    /// <param name="paramName">The argument that held it.</param>
    public NoFaceFoundException(FaceImage image, string paramName)
        : base($"No face was found in image '{paramName}' ({image?.Width}×{image?.Height}).", paramName)
    {
        ArgumentNullException.ThrowIfNull(image);
        Image = image;
    }

    /// <summary>The image without a face, the caller's own instance (compare it by reference to tell which input it was).</summary>
    public FaceImage Image { get; }
}
