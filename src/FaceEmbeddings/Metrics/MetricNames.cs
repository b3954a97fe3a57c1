namespace FaceEmbeddings.Metrics;

/// <summary>How titles, captions and reports name a <see cref="DistanceMetric"/> in running text.</summary>
internal static class MetricNames
{
    /// <summary>"Euclidean", "squared Euclidean" or "cosine".</summary>
    public static string InText(DistanceMetric metric) => metric switch
    {
        DistanceMetric.Euclidean => "Euclidean",
        DistanceMetric.SquaredEuclidean => "squared Euclidean",
        DistanceMetric.Cosine => "cosine",
        _ => metric.ToString(),
    };
}
