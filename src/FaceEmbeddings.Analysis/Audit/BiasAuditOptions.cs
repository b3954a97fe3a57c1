using FaceEmbeddings.Metrics;

namespace FaceEmbeddings.Audit;

/// <summary>Settings of <see cref="BiasAudit"/>.Run.</summary>
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
    public long ExactQuantileMaxPairs { get; init; } = PairDistanceQuantiles.DefaultExactLimit;

    /// <summary>The most pair distances computed at once (rows × columns of one chunk); 4 million unless set.</summary>
    public long MaxChunkDistances { get; init; } = PairDistanceQuantiles.DefaultChunkDistances;

    /// <summary>
    /// Bootstrap resamples per group for the confidence intervals; 1,000 unless set. Each resample draws the group's people
    /// with replacement; 0 leaves out every interval.
    /// </summary>
    public int Resamples { get; init; } = 1000;

    /// <summary>The level of every confidence interval, in (0, 1); 0.95 unless set. The tests' significance level is 1 − this, as written (0.05 for 0.95).</summary>
    public double ConfidenceLevel { get; init; } = 0.95;

    /// <summary>The seed of the resamples and permutations, so that a report reproduces; 20240 unless set.</summary>
    public int Seed { get; init; } = 20240;

    /// <summary>
    /// Random relabellings of each permutation test in <see cref="Comparisons"/>, which test with a permutation test only without
    /// <see cref="Resamples"/> (with them, the p-value is read from the difference's interval); 9,999 unless set (at least 1).
    /// </summary>
    public int Permutations { get; init; } = 9999;

    /// <summary>Pairs of groups to test for a difference in WSS per member and mean intra-group distance; none unless set.</summary>
    public IReadOnlyList<GroupComparison> Comparisons { get; init; } = [];

    /// <summary>
    /// The fewest people a group needs for its figures (at least 2, the default: one pair); smaller groups are listed
    /// as <see cref="BiasAuditResult.TooSmallGroups"/> and the rest audited.
    /// </summary>
    public int MinimumGroupSize { get; init; } = 2;

    /// <summary>The most points each group's DET curve keeps in the result; 200 unless set (at least 2).</summary>
    public int DetCurvePoints { get; init; } = 200;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is out of range or a comparison is malformed; the message names it.</exception>
    /// <exception cref="ArgumentNullException"><see cref="Comparisons"/> or <see cref="FalseMatchRates"/> is null.</exception>
    public void Validate() => Validate("options");

    internal void Validate(string parameterName)
    {
        BootstrapSettings.Validate(Resamples, ConfidenceLevel, Permutations, parameterName);
        ArgumentNullException.ThrowIfNull(Comparisons, parameterName + "." + nameof(Comparisons));
        if (Comparisons.Any(c => c is null || string.IsNullOrEmpty(c.First) || string.IsNullOrEmpty(c.Second) || c.First == c.Second))
            throw new ArgumentException("Each comparison names two different, non-empty groups.", parameterName);
        if (MinimumGroupSize < 2)
            throw new ArgumentException($"MinimumGroupSize must be at least 2 (one pair); got {MinimumGroupSize}.", parameterName);
        if (DetCurvePoints < 2)
            throw new ArgumentException($"DetCurvePoints must be at least 2; got {DetCurvePoints}.", parameterName);
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
