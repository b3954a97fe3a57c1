namespace FaceEmbeddings.Audit;

/// <summary>What a <see cref="ConfidenceInterval"/> holds.</summary>
public enum IntervalKind
{
    /// <summary>A percentile bootstrap interval [lower, upper].</summary>
    Percentile,

    /// <summary>
    /// No interval: the figure counts no event (no false match, no false non-match) or only events, and no resample
    /// of the same people can change that, so the bootstrap has nothing to vary. Lower and upper equal the figure.
    /// </summary>
    Degenerate,

    /// <summary>A ratio whose denominator is zero in so many resamples that the upper bound is infinite: only the lower bound is given.</summary>
    UnboundedAbove,
}
