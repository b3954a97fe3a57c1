namespace FaceEmbeddings.Metrics;

/// <summary>What a <see cref="ConfidenceInterval"/> holds.</summary>
public enum IntervalKind
{
    /// <summary>A percentile bootstrap interval [lower, upper]: the resamples' (1 − level)/2 and (1 + level)/2 quantiles.</summary>
    Percentile,

    /// <summary>
    /// No interval: the figure counts no event (no false match, no false non-match) or only events, and no resample
    /// of the same people can change that, so the bootstrap has nothing to vary. Lower and upper equal the figure.
    /// </summary>
    Degenerate,

    /// <summary>A ratio whose denominator is zero in so many resamples that the upper bound is infinite: only the lower bound is given.</summary>
    UnboundedAbove,

    /// <summary>
    /// A bias-corrected and accelerated (BCa) percentile bootstrap interval [lower, upper], read at levels expanded for the
    /// group's number of people: the resamples' quantiles at levels shifted for the figure's median bias and skew (from
    /// the leave-one-person-out figures), so that groups of a few dozen people get close to the nominal coverage.
    /// </summary>
    BiasCorrectedAccelerated,
}
