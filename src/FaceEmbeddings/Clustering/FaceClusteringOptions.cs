using FaceEmbeddings.Detection;
using FaceEmbeddings.Metrics;
using FaceEmbeddings.Recognition;

namespace FaceEmbeddings.Clustering;

/// <summary>How <see cref="FaceClustering.Cluster(TorchSharp.torch.Tensor, FaceClusteringOptions)"/> groups faces.</summary>
public sealed record FaceClusteringOptions
{
    /// <summary>
    /// Faces strictly closer than this distance (in its metric) are joined by an edge of the graph Chinese Whispers runs
    /// on. <see cref="ForModel"/> takes the encoder's verification threshold, as dlib's face clustering does.
    /// </summary>
    public required VerificationThreshold Threshold { get; init; }

    /// <summary>
    /// How many nearest neighbours of each face are considered for its edges (default 64). Bounds the graph to N × this
    /// many edges at most, so memory grows linearly with the number of faces; a face closer than the threshold to more
    /// faces than this keeps only the nearest ones, which still hold a large cluster together (a much smaller value can
    /// split one person's many faces into several clusters).
    /// </summary>
    public int Neighbours { get; init; } = 64;

    /// <summary>Passes over the faces, each in a new random order, before stopping (default 100, dlib's); it stops
    /// earlier when a pass changes no label.</summary>
    public int Iterations { get; init; } = 100;

    /// <summary>The seed of the visiting order: the same seed and embeddings give the same clusters.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Bound, in bytes, on the distance blocks the neighbour search computes at a time (default
    /// <see cref="Distances.DefaultChunkBytes"/>, as <see cref="Distances.Nearest"/> takes it): no N × N matrix is built.
    /// </summary>
    public long BlockBytes { get; init; } = Distances.DefaultChunkBytes;

    /// <summary>
    /// Detection probability below which a face of a <see cref="Datasets.FaceEmbeddingSet"/> is doubtful (default 0.95, as
    /// <see cref="MtcnnOptions.ConfidentProbability"/>): MTCNN's last stage lets through hands and half faces at this
    /// level, whose embeddings lie close to other poor ones and would join people's clusters together.
    /// </summary>
    public float MinProbability { get; init; } = MtcnnOptions.DefaultConfidentProbability;

    /// <summary>
    /// Shorter side of its box, in image pixels, below which a detected face is doubtful (default 20, MTCNN's smallest
    /// face, <see cref="MtcnnOptions.MinFaceSize"/>): smaller boxes are faces cut by the image's border or blurred
    /// background faces, enlarged many times into the encoder's chip, whose embeddings lie close to anyone's.
    /// </summary>
    public float MinFaceSide { get; init; } = MtcnnOptions.DefaultMinFaceSize;

    /// <summary>Whether <paramref name="face"/> is too doubtful a detection to join others: less probable than
    /// <see cref="MinProbability"/>, or smaller than <see cref="MinFaceSide"/>.</summary>
    internal bool IsDoubtful(DetectedFace face)
    {
        ArgumentNullException.ThrowIfNull(face);
        return face.Probability < MinProbability || Math.Min(face.Box.Width, face.Box.Height) < MinFaceSide;
    }

    /// <summary>
    /// The options for embeddings of <paramref name="model"/> (a <see cref="Models.Store.ModelCatalog"/> name), joined
    /// below <see cref="VerificationThreshold.ForModel"/>'s threshold in <paramref name="metric"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No threshold is known for the model and metric: give one.</exception>
    public static FaceClusteringOptions ForModel(string model, DistanceMetric metric = DistanceMetric.Euclidean)
    {
        ArgumentNullException.ThrowIfNull(model);
        VerificationThreshold threshold = VerificationThreshold.ForModel(model, metric)
            ?? throw new ArgumentException($"No default {metric} threshold is known for the model '{model}'; give one (calibrate it with ThresholdCalibration).", nameof(model));
        return new FaceClusteringOptions { Threshold = threshold };
    }

    /// <summary>Throws naming the first setting out of range.</summary>
    /// <exception cref="ArgumentException">The threshold is missing or invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count or the block bound is out of range.</exception>
    public void Validate()
    {
        if (Threshold is null)
            throw new ArgumentException("A clustering threshold is required.", nameof(Threshold));
        Threshold.Validate();
        if (Neighbours < 1)
            throw new ArgumentOutOfRangeException(nameof(Neighbours), Neighbours, "Neighbours must be at least 1.");
        if (Iterations < 1)
            throw new ArgumentOutOfRangeException(nameof(Iterations), Iterations, "Iterations must be at least 1.");
        if (!(MinProbability >= 0 && MinProbability <= 1))
            throw new ArgumentOutOfRangeException(nameof(MinProbability), MinProbability, "MinProbability must lie between 0 and 1.");
        if (!(MinFaceSide >= 0 && float.IsFinite(MinFaceSide)))
            throw new ArgumentOutOfRangeException(nameof(MinFaceSide), MinFaceSide, "MinFaceSide must be a finite size of at least 0 pixels.");
        if (BlockBytes < 1L << 20)
            throw new ArgumentOutOfRangeException(nameof(BlockBytes), BlockBytes, "BlockBytes must be at least 1 MiB.");
    }
}
