namespace FaceEmbeddings.Metrics;

/// <summary>How <see cref="Distances"/> measures the distance between two embeddings.</summary>
public enum DistanceMetric
{
    /// <summary>‖a − b‖, as <c>torch.cdist</c> (p = 2) and <c>scipy.spatial.distance.euclidean</c>.</summary>
    Euclidean,

    /// <summary>‖a − b‖², as <c>scipy.spatial.distance.sqeuclidean</c>.</summary>
    SquaredEuclidean,

    /// <summary>1 − a·b / (‖a‖ ‖b‖), as <c>scipy.spatial.distance.cosine</c>; between 0 and 2.</summary>
    Cosine,
}
