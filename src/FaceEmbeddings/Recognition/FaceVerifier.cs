using FaceEmbeddings.Detection;
using FaceEmbeddings.Encoding;
using FaceEmbeddings.Imaging;
using FaceEmbeddings.Metrics;
using static TorchSharp.torch;

namespace FaceEmbeddings.Recognition;

/// <summary>
/// Answers "are these two faces the same person?" (1:1) for two embeddings, two crops or two images (the face the
/// detector selects in each), by comparing their distance with a threshold. Uses the encoder and detector it is given without
/// owning them: dispose those yourself. As thread-safe as they are.
/// </summary>
public sealed class FaceVerifier
{
    private readonly IFaceEncoder encoder;
    private readonly IFaceDetector? detector;

    /// <summary>Creates a verifier.</summary>
    /// <param name="encoder">Embeds crops.</param>
    /// <param name="threshold">The decision threshold and its metric: <see cref="VerificationThreshold.ForModel"/> or
    /// <see cref="ThresholdCalibration.ForFalseMatchRate"/>.</param>
    /// <param name="detector">Finds faces in images, which it cuts as the encoder expects; needed only by
    /// <see cref="Verify(FaceImage, FaceImage)"/>.</param>
    /// <exception cref="ArgumentException">The threshold is invalid.</exception>
    public FaceVerifier(IFaceEncoder encoder, VerificationThreshold threshold, IFaceDetector? detector = null)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(threshold);
        threshold.Validate();
        this.encoder = encoder;
        this.detector = detector;
        Threshold = threshold;
    }

    /// <summary>The decision threshold and its metric.</summary>
    public VerificationThreshold Threshold { get; }

    /// <summary>Compares two embeddings (each D, or 1×D) from this verifier's encoder.</summary>
    /// <exception cref="ArgumentException">An embedding is not a finite floating-point vector of the encoder's size, or the
    /// two are on different devices.</exception>
    public FaceVerification Verify(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        Tensor left = AsRow(a, nameof(a)), right = AsRow(b, nameof(b));
        double distance = Distances.Pairwise(left, right.to(left.dtype), Threshold.Metric).to(ScalarType.Float64).item<double>();
        return new FaceVerification(distance, Threshold.Distance, Threshold.Metric);
    }

    /// <summary>Embeds and compares two face crops.</summary>
    public FaceVerification Verify(FaceCrop a, FaceCrop b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        using var scope = NewDisposeScope();
        Tensor embeddings = encoder.Embed([a, b]);
        return Verify(embeddings[0], embeddings[1]);
    }

    /// <summary>Detects each image's face (the one the detector's <see cref="IFaceDetector.SelectFace"/> picks, by default
    /// the largest), and embeds and compares the two.</summary>
    /// <exception cref="InvalidOperationException">The verifier was made without a detector.</exception>
    /// <exception cref="NoFaceFoundException">An image has no face; <see cref="NoFaceFoundException.Image"/> says which.</exception>
    public FaceVerification Verify(FaceImage a, FaceImage b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (detector is null)
            throw new InvalidOperationException("Verifying images needs a face detector: pass one to the FaceVerifier constructor.");
        using FaceCrop left = SelectedFace(a, nameof(a));
        using FaceCrop right = SelectedFace(b, nameof(b));
        return Verify(left, right);
    }

    private FaceCrop SelectedFace(FaceImage image, string name)
    {
        DetectedFace face = detector!.SelectFace(image, detector.Detect(image))
            ?? throw new NoFaceFoundException(image, name);
        return detector.Extract(image, face, encoder.Input.CropFor(detector.Geometry));
    }

    private Tensor AsRow(Tensor embedding, string name)
    {
        string owner = $"from an encoder of {encoder.EmbeddingSize}-d embeddings";
        if (TensorArguments.RequireEmbeddings(embedding, encoder.EmbeddingSize, Threshold.Metric, name, owner) != 1)
            throw new ArgumentException($"'{name}' must be one embedding {owner}; got shape {TensorArguments.ShapeOf(embedding)}.", name);
        return embedding.reshape(1, encoder.EmbeddingSize);
    }
}
