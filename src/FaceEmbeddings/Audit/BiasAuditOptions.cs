using FaceEmbeddings.Metrics;

namespace FaceEmbeddings.Audit;

/// <summary>Settings of <see cref="BiasAudit.Run"/>.</summary>
public sealed record BiasAuditOptions
{
    /// <summary>
    /// The overall false-match rates whose thresholds the verification view uses; 1e-2 and 1e-3 unless set. Each in
    /// (0, 1); an empty list skips the verification view (and its passes over all pairs).
    /// </summary>
    public IReadOnlyList<double> FalseMatchRates { get; init; } = [1e-2, 1e-3];

    /// <summary>The distance between embeddings; Euclidean unless set (as the tutorial and facenet's verification).</summary>
    public DistanceMetric Metric { get; init; } = DistanceMetric.Euclidean;

    /// <summary>
    /// Up to this many pairs, all pair distances are held at once with each pair's group, and the thresholds and
    /// false matches are read from them after one pass (50 million pairs, about 10,000 faces, take 400 MB with
    /// float32 embeddings); above, the thresholds are found by histogram refinement passes, still exactly (see
    /// <see cref="VerificationAtFalseMatchRate"/>), and the false matches counted in one more pass.
    /// </summary>
    public long ExactQuantileMaxPairs { get; init; } = 50_000_000;

    /// <summary>The most pair distances computed at once (rows × columns of one chunk); 4 million unless set.</summary>
    public long MaxChunkDistances { get; init; } = 4L << 20;

    internal void Validate(string parameterName)
    {
        ArgumentNullException.ThrowIfNull(FalseMatchRates, parameterName + "." + nameof(FalseMatchRates));
        foreach (double rate in FalseMatchRates)
        {
            if (!(rate > 0 && rate < 1))
                throw new ArgumentException($"False-match rates must lie strictly between 0 and 1; got {rate}.", parameterName);
        }
        if (!Enum.IsDefined(Metric))
            throw new ArgumentException($"Unknown distance metric {Metric}.", parameterName);
        if (ExactQuantileMaxPairs < 1)
            throw new ArgumentException($"ExactQuantileMaxPairs must be at least 1; got {ExactQuantileMaxPairs}.", parameterName);
        if (MaxChunkDistances < 1)
            throw new ArgumentException($"MaxChunkDistances must be at least 1; got {MaxChunkDistances}.", parameterName);
    }
}
