namespace FaceEmbeddings.Detection;

/// <summary>Picks one face among several, as facenet-pytorch's <c>MTCNN.select_boxes</c>.</summary>
internal static class FaceSelector
{
    /// <summary>The face <paramref name="method"/> prefers, or null when there is none to pick.</summary>
    /// <param name="faces">The detected faces.</param>
    /// <param name="method">The selection rule.</param>
    /// <param name="imageWidth">Width of the image the faces come from (for the centre).</param>
    /// <param name="imageHeight">Height of the image the faces come from.</param>
    /// <param name="threshold">Probability a face must exceed for <see cref="FaceSelection.LargestOverThreshold"/>.</param>
    /// <param name="centerWeight">Weight of the squared centre offset for <see cref="FaceSelection.CenterWeightedSize"/>.</param>
    public static DetectedFace? Select(IReadOnlyList<DetectedFace> faces, FaceSelection method, int imageWidth, int imageHeight,
                                       float threshold, float centerWeight)
    {
        IEnumerable<DetectedFace> candidates = method == FaceSelection.LargestOverThreshold
            ? faces.Where(face => face.Probability > threshold)
            : faces;
        double centerX = imageWidth / 2.0, centerY = imageHeight / 2.0;
        Func<DetectedFace, double> preference = method switch
        {
            FaceSelection.Largest or FaceSelection.LargestOverThreshold => face => face.Box.Area,
            FaceSelection.Probability => face => face.Probability,
            FaceSelection.CenterWeightedSize => face =>
            {
                double dx = (face.Box.X1 + face.Box.X2) / 2f - centerX;
                double dy = (face.Box.Y1 + face.Box.Y2) / 2f - centerY;
                return face.Box.Area - (dx * dx + dy * dy) * centerWeight;
            },
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown face selection method."),
        };
        return candidates.MaxBy(preference);
    }
}
