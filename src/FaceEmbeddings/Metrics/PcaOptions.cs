namespace FaceEmbeddings.Metrics;

/// <summary>Options of <see cref="Pca.Fit"/>.</summary>
public sealed record PcaOptions
{
    /// <summary>The solver; <see cref="PcaSolver.Exact"/> by default.</summary>
    public PcaSolver Solver { get; init; } = PcaSolver.Exact;

    /// <summary>Randomized solver: extra random directions sampled beyond the components wanted; 30 by default.</summary>
    /// <remarks>
    /// The defaults (30 extra directions, 10 power iterations) are heavier than scikit-learn's (10, and 4 or 7) because
    /// embedding spectra are flat: on the metrics fixture, whose second to fourth variances lie within 3% of each other,
    /// scikit-learn's settings leave the second component 0.3 away from the exact one, these within 1e-3.
    /// </remarks>
    public int Oversamples { get; init; } = 30;

    /// <summary>Randomized solver: power iterations, each product re-orthonormalized by QR; 10 by default.</summary>
    public int PowerIterations { get; init; } = 10;

    /// <summary>Randomized solver: seed of the random test matrix, so that fits are reproducible.</summary>
    public long Seed { get; init; }
}
