using FaceEmbeddings.Metrics;

namespace FaceEmbeddings.Recognition;

/// <summary>
/// The distance below which two faces are taken for the same person, for one model and metric, with where the
/// figure comes from. A threshold is a property of the model, the metric and the population: calibrate it on
/// labelled faces like yours (<see cref="ThresholdCalibration.ForFalseMatchRate"/>) rather than trusting a default.
/// </summary>
/// <param name="Distance">Pairs strictly closer than this match; positive.</param>
/// <param name="Metric">The distance it is measured in.</param>
/// <param name="Source">Where the figure comes from, for reports and logs.</param>
public sealed record VerificationThreshold(double Distance, DistanceMetric Metric, string Source)
{
    /// <summary>
    /// The default threshold for <paramref name="model"/> under <paramref name="metric"/>, or null where no published
    /// figure exists (then calibrate). Known figures:
    /// <list type="bullet">
    /// <item><c>vggface2</c> (the 20180402-114759 InceptionResnetV1 weights, L2-normalized 512-d embeddings): Euclidean
    /// 1.04, cosine 0.30, squared Euclidean 1.0816 (1.04², the same decision). facenet-pytorch publishes no threshold
    /// (its LFW example picks one per fold by cross-validation), nor does David Sandberg's facenet, where these weights
    /// come from. The figures are deepface's (<c>deepface/config/threshold.py</c>, model <c>Facenet512</c>,
    /// <c>euclidean_l2</c> and <c>cosine</c>), which uses the same weights converted to Keras, tuned by deepface with
    /// its own detection and preprocessing, not this library's.</item>
    /// <item><c>casia-webface</c>: none published anywhere we know of: returns null.</item>
    /// <item><c>face-api-resnet</c> (face-api's copy of dlib's 128-d ResNet, <see cref="Encoding.FaceApiEncoder"/>):
    /// Euclidean 0.6, squared Euclidean 0.36. The figure is dlib's own (<c>dnn_face_recognition_ex.cpp</c>: descriptors
    /// closer than 0.6 are the same person, 99.38 % on LFW), kept by face_recognition (<c>tolerance=0.6</c>) and
    /// face-api.js (<c>FaceMatcher</c>'s default). dlib measured it on its own aligned 150×150 chips; this library's
    /// crops are MTCNN boxes widened 1.2 times, not aligned, so calibrate before relying on it. The descriptors are not
    /// unit length, so no cosine figure follows from it: cosine returns null.</item>
    /// </list>
    /// The two families' figures do not transfer: 0.6 means nothing for FaceNet's unit-length embeddings, 1.04 nothing
    /// for dlib's.
    /// </summary>
    /// <param name="model">A model name, as in <see cref="Models.Store.ModelCatalog"/> (ordinal).</param>
    /// <param name="metric">The distance the threshold is for.</param>
    public static VerificationThreshold? ForModel(string model, DistanceMetric metric)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model == Models.Store.ModelCatalog.FaceApiResNetManifest) return ForDlibResNet(metric);
        if (model != Models.Store.ModelCatalog.VggFace2) return null;
        const string deepface = "deepface's threshold for Facenet512 (the same 20180402-114759 VGGFace2 weights), deepface/config/threshold.py; not published by facenet-pytorch";
        return metric switch
        {
            DistanceMetric.Euclidean => new VerificationThreshold(1.04, metric, deepface + " (euclidean_l2)"),
            DistanceMetric.SquaredEuclidean => new VerificationThreshold(1.04 * 1.04, metric, deepface + " (euclidean_l2, squared)"),
            DistanceMetric.Cosine => new VerificationThreshold(0.30, metric, deepface + " (cosine)"),
            _ => null,
        };
    }

    private static VerificationThreshold? ForDlibResNet(DistanceMetric metric)
    {
        const string dlib = "dlib's threshold for its 128-d ResNet descriptors (dnn_face_recognition_ex.cpp, 99.38 % on LFW), "
            + "face_recognition's tolerance and face-api.js's FaceMatcher default; measured on chips aligned by dlib's 68 landmarks, not re-measured here";
        double euclidean = Encoding.FaceApiEncoder.DefaultMatchThreshold;
        return metric switch
        {
            DistanceMetric.Euclidean => new VerificationThreshold(euclidean, metric, dlib),
            DistanceMetric.SquaredEuclidean => new VerificationThreshold(euclidean * euclidean, metric, dlib + " (squared)"),
            _ => null,
        };
    }

    /// <summary>Checks the threshold; every verifier calls it.</summary>
    /// <exception cref="ArgumentException">The distance is not positive and finite, or the metric is unknown.</exception>
    public void Validate()
    {
        if (!(double.IsFinite(Distance) && Distance > 0))
            throw new ArgumentException($"A verification threshold must be a positive finite distance; got {Distance}.", nameof(Distance));
        if (!Enum.IsDefined(Metric))
            throw new ArgumentException($"Unknown distance metric {Metric}.", nameof(Metric));
    }
}
