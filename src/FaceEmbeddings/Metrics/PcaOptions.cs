namespace FaceEmbeddings.Metrics;

/// <summary>Options of <see cref="Pca.Fit"/>.</summary>
public sealed record PcaOptions
{
    /// <summary>The solver; <see cref="PcaSolver.Exact"/> by default.</summary>
    public PcaSolver Solver { get; init; } = PcaSolver.Exact;

    /// <summary>Randomized solver: extra random directions sampled beyond the components wanted (scikit-learn's default, 10).</summary>
    public int Oversamples { get; init; } = 10;

    /// <summary>
    /// Randomized solver: power iterations, each followed by a QR re-orthonormalization. Null picks scikit-learn's
    /// rule: 7 when the components are fewer than a tenth of min(N, D), otherwise 4.
    /// </summary>
    public int? PowerIterations { get; init; }

    /// <summary>Randomized solver: seed of the random test matrix, so that fits are reproducible.</summary>
    public long Seed { get; init; }
}
