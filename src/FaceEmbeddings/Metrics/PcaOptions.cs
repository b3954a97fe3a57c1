namespace FaceEmbeddings.Metrics;

/// <summary>Options of <see cref="Pca.Fit"/>.</summary>
public sealed record PcaOptions
{
    /// <summary>The solver; <see cref="PcaSolver.Exact"/> by default.</summary>
    public PcaSolver Solver { get; init; } = PcaSolver.Exact;

    /// <summary>Randomized solver: extra random directions sampled beyond the components wanted; 30 by default.</summary>
    /// <remarks>
    /// The defaults (30 extra directions, 10 power iterations) are heavier than scikit-learn's (10, and 4 or 7) because
    /// embedding spectra are flat: where leading variances lie close together, scikit-learn's settings leave components
    /// visibly off the exact ones (the metrics fixture's tests show it), these close to them.
    /// </remarks>
    public int Oversamples { get; init; } = 30;

    /// <summary>Randomized solver: power iterations, each product re-orthonormalized by QR; 10 by default.</summary>
    public int PowerIterations { get; init; } = 10;

    /// <summary>Randomized solver: seed of the random test matrix, so that fits are reproducible.</summary>
    public long Seed { get; init; }

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The solver is unknown, or <see cref="Oversamples"/> or
    /// <see cref="PowerIterations"/> is negative.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Solver))
            throw new ArgumentOutOfRangeException("options", Solver, "Unknown PCA solver.");
        ArgumentOutOfRangeException.ThrowIfNegative(Oversamples, "options." + nameof(Oversamples));
        ArgumentOutOfRangeException.ThrowIfNegative(PowerIterations, "options." + nameof(PowerIterations));
    }
}
