using static TorchSharp.torch;
using FaceEmbeddings.Metrics;

namespace FaceEmbeddings.Audit;

/// <summary>
/// The two halves of a percentile bootstrap by people (the "subsets bootstrap" of Bolle et al. 2004): drawing resamples
/// as counts of how often each person is drawn, and reading an interval from the figures of the resamples, either at
/// the plain percentiles or at the bias-corrected and accelerated ones (BCa, Efron 1987) with the small-sample expansion
/// of Hesterberg (2015).
/// </summary>
internal static class PercentileBootstrap
{
    /// <summary>
    /// <paramref name="resamples"/> resamples of <paramref name="people"/> people, each <paramref name="people"/> draws with
    /// replacement, as a [resamples, people] float64 matrix of counts on <paramref name="device"/>. Drawn with
    /// <see cref="Random"/>, so that a seed gives the same resamples on every machine and device.
    /// </summary>
    public static Tensor DrawWeights(Random random, int resamples, int people, Device device)
    {
        var counts = new double[(long)resamples * people];
        for (int b = 0; b < resamples; b++)
        {
            long row = (long)b * people;
            for (int draw = 0; draw < people; draw++)
                counts[row + random.Next(people)] += 1;
        }
        return tensor(counts, [resamples, people], ScalarType.Float64, device);
    }

    /// <summary>
    /// The percentile interval of <paramref name="replicates"/> at <paramref name="level"/>: their (1 − level)/2 and
    /// (1 + level)/2 quantiles (linear interpolation between order statistics). Replicates that are NaN (a figure the
    /// resample cannot form) are left out; +∞ (a ratio over a zero) sort last, and an upper quantile among them makes the
    /// interval unbounded above. Null when no replicate is a number.
    /// </summary>
    public static ConfidenceInterval? Interval(IEnumerable<double> replicates, double level, double pointEstimate)
    {
        double[] sorted = replicates.Where(value => !double.IsNaN(value)).Order().ToArray();
        if (sorted.Length == 0) return null;
        double lower = Quantile(sorted, (1 - level) / 2), upper = Quantile(sorted, (1 + level) / 2);
        if (double.IsPositiveInfinity(upper))
            return new ConfidenceInterval { Lower = double.IsPositiveInfinity(lower) ? pointEstimate : lower, Upper = null, Kind = IntervalKind.UnboundedAbove };
        return new ConfidenceInterval { Lower = lower, Upper = upper, Kind = IntervalKind.Percentile };
    }

    /// <summary>
    /// The bias-corrected and accelerated (BCa) percentile interval of one group's figure at <paramref name="level"/>, read
    /// at levels expanded for a sample of <paramref name="people"/> people (<see cref="BiasCorrectedReplicates"/>). Plain
    /// percentile intervals of the audit's figures under-cover in groups of a few dozen people: the figure's sampling
    /// distribution is skewed and the bootstrap's spread is too narrow by about √((n − 1)/n); BCa corrects the skew and
    /// median bias, the expansion the narrowness, and it vanishes as the group grows.
    /// </summary>
    /// <param name="replicates">The figure on each resample; NaN (a figure the resample cannot form) is left out.</param>
    /// <param name="pointEstimate">The figure on the group itself.</param>
    /// <param name="leaveOneOut">The figure with each person left out in turn; NaN is left out.</param>
    /// <param name="people">The group's number of people, n ≥ 2.</param>
    /// <param name="level">The confidence level, in (0, 1).</param>
    /// <returns>Null when no replicate is a number.</returns>
    public static ConfidenceInterval? BiasCorrectedInterval(IEnumerable<double> replicates, double pointEstimate,
        IEnumerable<double> leaveOneOut, int people, double level) =>
        BiasCorrectedReplicates.Of(replicates, pointEstimate, [leaveOneOut], people)?.Interval(level);

    /// <summary>The <paramref name="q"/>-quantile of sorted values, interpolating linearly between neighbours (R's type 7).</summary>
    internal static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        double position = (sorted.Count - 1) * q;
        int below = (int)Math.Floor(position), above = (int)Math.Ceiling(position);
        if (below == above || double.IsInfinity(sorted[above])) return sorted[above == below ? below : above];
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
