using FaceEmbeddings.Detection;

namespace FaceEmbeddings.Encoding;

/// <summary>
/// A crop was cut another way than the encoder was trained on (an aligned chip for an encoder of unaligned crops, or the
/// reverse): its embedding would not be comparable with the encoder's others. Cut crops with the encoder's
/// <see cref="FaceEncoderInput.Crop"/> (the pipelines do), or set the encoder's alignment option to the crops'.
/// </summary>
public sealed class CropGeometryMismatchException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="actual"/> crops given to an encoder of <paramref name="expected"/> crops.</summary>
    /// <param name="expected">The encoder's geometry.</param>
    /// <param name="actual">The crop's geometry.</param>
    /// <param name="parameterName">Which argument held the crop.</param>
    public CropGeometryMismatchException(FaceCropGeometry expected, FaceCropGeometry actual, string parameterName)
        : base($"{parameterName} is a {actual}, but the encoder takes a {expected}: cut the crops with the encoder's Input.Crop.", parameterName)
    {
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The geometry the encoder takes.</summary>
    public FaceCropGeometry Expected { get; }

    /// <summary>The geometry of the crop it was given.</summary>
    public FaceCropGeometry Actual { get; }
}
