using FaceEmbeddings.Metrics;

namespace FaceEmbeddings.Recognition;

/// <summary>The answer to "are these two faces the same person?".</summary>
/// <param name="Distance">The distance between the two embeddings.</param>
/// <param name="Threshold">The threshold it was compared with.</param>
/// <param name="Metric">The distance's metric.</param>
public sealed record FaceVerification(double Distance, double Threshold, DistanceMetric Metric)
{
    /// <summary>True when the distance is strictly below the threshold.</summary>
    public bool IsMatch => Distance < Threshold;
}
