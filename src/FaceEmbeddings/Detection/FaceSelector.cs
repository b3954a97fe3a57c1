namespace FaceEmbeddings.Detection;

/// <summary>Picks one face among several, as facenet-pytorch's <c>MTCNN.select_boxes</c> (plus
/// <see cref="FaceSelection.LargestConfident"/>).</summary>
internal static class FaceSelector
{
    /// <summary>The face <paramref name="options"/>' <see cref="MtcnnOptions.Selection"/> prefers, or null when there is
    /// none to pick.</summary>
    /// <param name="faces">The detected faces.</param>
    /// <param name="options">The selection rule and its thresholds.</param>
    /// <param name="imageWidth">Width of the image the faces come from (for the centre).</param>
    /// <param name="imageHeight">Height of the image the faces come from.</param>
    public static DetectedFace? Select(IReadOnlyList<DetectedFace> faces, MtcnnOptions options, int imageWidth, int imageHeight)
    {
        FaceSelection method = options.Selection;
        IEnumerable<DetectedFace> candidates = method switch
        {
            FaceSelection.LargestOverThreshold => faces.Where(face => face.Probability > options.SelectionThreshold),
            FaceSelection.LargestConfident when faces.Any(face => face.Probability >= options.ConfidentProbability) =>
                faces.Where(face => face.Probability >= options.ConfidentProbability),
            _ => faces,
        };
        double centerX = imageWidth / 2.0, centerY = imageHeight / 2.0;
        Func<DetectedFace, double> preference = method switch
        {
            FaceSelection.Largest or FaceSelection.LargestOverThreshold or FaceSelection.LargestConfident => face => face.Box.Area,
            FaceSelection.Probability => face => face.Probability,
            FaceSelection.CenterWeightedSize => face =>
            {
                double dx = (face.Box.X1 + face.Box.X2) / 2f - centerX;
                double dy = (face.Box.Y1 + face.Box.Y2) / 2f - centerY;
                return face.Box.Area - (dx * dx + dy * dy) * options.CenterWeight;
            },
            _ => throw new ArgumentOutOfRangeException(nameof(options), method, "Unknown face selection method."),
        };
        return candidates.MaxBy(preference);
    }
}
