namespace FaceEmbeddings.Detection;

/// <summary>One face found by a detector.</summary>
/// <param name="Box">The face box in source-image pixels.</param>
/// <param name="Probability">The detector's face probability, 0..1.</param>
/// <param name="Landmarks">Five landmarks in source pixels, in this order: left eye, right eye, nose,
/// left mouth corner, right mouth corner.</param>
public sealed record DetectedFace(BoundingBox Box, float Probability, IReadOnlyList<FacePoint> Landmarks)
{
    /// <summary>The number of landmarks a face has.</summary>
    public const int LandmarkCount = 5;
}
